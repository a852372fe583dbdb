// Model summaries for the panel: each model is loaded once in an engine process (never in the extension host) and
// the answer is kept until the file changes (size or modification time).
import * as vscode from 'vscode';
import { runInspection } from '../../engine/client';
import type { ModelInspection } from '../../engine/contract/modelInspection';

interface Entry {
  readonly stamp: string;
  readonly inspection: Promise<ModelInspection>;
}

export class ModelInspector {
  private readonly cache = new Map<string, Entry>();

  constructor(
    private readonly enginePath: string,
    private readonly threads: () => number | undefined,
  ) {}

  async inspect(model: vscode.Uri): Promise<ModelInspection> {
    const { size, mtime } = await vscode.workspace.fs.stat(model);
    const stamp = `${size}:${mtime}`;
    const key = model.toString();
    const cached = this.cache.get(key);
    if (cached?.stamp === stamp) return cached.inspection;
    const inspection = runInspection(this.enginePath, model.fsPath, { threads: this.threads() });
    this.cache.set(key, { stamp, inspection });
    inspection.catch(() => {
      if (this.cache.get(key)?.inspection === inspection) this.cache.delete(key);
    });
    return inspection;
  }
}
