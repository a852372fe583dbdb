// Quick fixes for AugLens diagnostics. Each diagnostic is published together with its fixes; the code action
// provider finds them again by range and message (VS Code hands the provider copies of the diagnostics).
import * as vscode from 'vscode';

export interface QuickFix {
  readonly title: string;
  /** A text replacement, or a command that asks the user first. */
  readonly replace?: { readonly range: vscode.Range; readonly text: string };
  readonly command?: vscode.Command;
  readonly preferred?: boolean;
}

export interface DiagnosticWithFixes {
  readonly diagnostic: vscode.Diagnostic;
  readonly fixes: readonly QuickFix[];
}

export class QuickFixProvider implements vscode.CodeActionProvider {
  static readonly metadata: vscode.CodeActionProviderMetadata = { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] };
  private readonly byDocument = new Map<string, readonly DiagnosticWithFixes[]>();

  /** Publishes a document's diagnostics and remembers their fixes. */
  publish(collection: vscode.DiagnosticCollection, uri: vscode.Uri, entries: readonly DiagnosticWithFixes[]): void {
    this.byDocument.set(uri.toString(), entries);
    collection.set(uri, entries.map((e) => e.diagnostic));
  }

  clear(collection: vscode.DiagnosticCollection, uri: vscode.Uri): void {
    this.byDocument.delete(uri.toString());
    collection.delete(uri);
  }

  provideCodeActions(document: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const entries = this.byDocument.get(document.uri.toString()) ?? [];
    const actions: vscode.CodeAction[] = [];
    for (const shown of context.diagnostics) {
      const entry = entries.find((e) => e.diagnostic.range.isEqual(shown.range) && e.diagnostic.message === shown.message);
      for (const fix of entry?.fixes ?? []) {
        const action = new vscode.CodeAction(fix.title, vscode.CodeActionKind.QuickFix);
        action.diagnostics = [shown];
        action.isPreferred = fix.preferred;
        if (fix.replace) {
          action.edit = new vscode.WorkspaceEdit();
          action.edit.replace(document.uri, fix.replace.range, fix.replace.text);
        }
        action.command = fix.command;
        actions.push(action);
      }
    }
    return actions;
  }
}
