// File lookups the diagnostics make through VS Code's file system API, never blocking the extension host.
import * as vscode from 'vscode';

export interface FileFacts {
  readonly uri: vscode.Uri;
  /** Modification time in ms: part of an analysis' identity, so that a changed model or image gets new numbers. */
  readonly mtime: number;
}

/** The file's facts, or undefined when it does not exist or is a folder. */
export async function fileFacts(uri: vscode.Uri): Promise<FileFacts | undefined> {
  try {
    const stat = await vscode.workspace.fs.stat(uri);
    return stat.type & vscode.FileType.File ? { uri, mtime: stat.mtime } : undefined;
  } catch {
    return undefined;
  }
}

/** A path written in a file: absolute, or relative to that file's folder. */
export function resolveBeside(file: vscode.Uri, path: string): vscode.Uri {
  return resolveIn(vscode.Uri.joinPath(file, '..'), path);
}

/** An absolute path, or one relative to `folder`. */
export function resolveIn(folder: vscode.Uri, path: string): vscode.Uri {
  if (path.startsWith('/') || /^[A-Za-z]:[\\/]/.test(path)) return vscode.Uri.file(path);
  return vscode.Uri.joinPath(folder, path);
}

/** `target` relative to the folder of `from`, with forward slashes, for writing into a policy file. */
export function relativeTo(from: vscode.Uri, target: vscode.Uri): string {
  const base = vscode.Uri.joinPath(from, '..').path.split('/').filter(Boolean);
  const parts = target.path.split('/').filter(Boolean);
  let common = 0;
  while (common < base.length && common < parts.length - 1 && base[common] === parts[common]) common++;
  return [...base.slice(common).map(() => '..'), ...parts.slice(common)].join('/');
}

export function baseName(uri: vscode.Uri): string {
  return uri.path.slice(uri.path.lastIndexOf('/') + 1);
}

/** Runs `f` at most once per `ms` per key, with the latest arguments. */
export function debouncer(ms: number): { schedule(key: string, f: () => void): void; dispose(): void } {
  const timers = new Map<string, NodeJS.Timeout>();
  return {
    schedule(key, f) {
      clearTimeout(timers.get(key));
      timers.set(key, setTimeout(() => {
        timers.delete(key);
        f();
      }, ms));
    },
    dispose() {
      for (const timer of timers.values()) clearTimeout(timer);
      timers.clear();
    },
  };
}
