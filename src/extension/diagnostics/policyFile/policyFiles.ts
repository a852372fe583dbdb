// Keeps the diagnostics of open policy files current: recomputed when the file is edited or when a model or image
// it names changes, cleared when it closes.
import type * as vscode from 'vscode';
import type { QuickFixProvider } from '../quickFixProvider';
import { policyFileDiagnostics } from './policyFileDiagnostics';

export class PolicyFiles {
  private readonly generations = new Map<string, number>();

  constructor(
    private readonly collection: vscode.DiagnosticCollection,
    private readonly fixes: QuickFixProvider,
  ) {}

  async refresh(document: vscode.TextDocument): Promise<void> {
    const uri = document.uri.toString();
    const generation = (this.generations.get(uri) ?? 0) + 1;
    this.generations.set(uri, generation);
    const version = document.version;
    const entries = await policyFileDiagnostics(document);
    // Ranges are mapped on the live document: if its text changed meanwhile they would point at the wrong
    // characters, and the (debounced) refresh for that change publishes instead.
    const current = this.generations.get(uri) === generation && !document.isClosed && document.version === version;
    if (current) this.fixes.publish(this.collection, document.uri, entries);
  }

  close(document: vscode.Uri): void {
    this.generations.delete(document.toString());
    this.fixes.clear(this.collection, document);
  }
}
