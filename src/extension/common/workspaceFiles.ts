// Files the extension reads on the user's behalf: images and models must be local files, and a path that came from
// the webview (its saved state) is used only when it lies inside a workspace folder, symbolic links resolved.
import { realpathSync } from 'node:fs';
import * as vscode from 'vscode';
import type { ImageRef } from '../../shared/panelInputs';
import { isPathInside } from './pathCheck';

export const IMAGE_EXTENSIONS = ['png', 'jpg', 'jpeg'];
const IMAGE_GLOB = `**/*.{${IMAGE_EXTENSIONS.join(',')}}`;
const MAX_LISTED_IMAGES = 500;

/** Parses a URI string; undefined unless it is a well-formed file: URI. */
export function parseFileUri(text: string): vscode.Uri | undefined {
  try {
    const uri = vscode.Uri.parse(text, true);
    return uri.scheme === 'file' ? uri : undefined;
  } catch {
    return undefined;
  }
}

function realPath(path: string): string | undefined {
  try {
    return realpathSync(path);
  } catch {
    return undefined;
  }
}

/** True when the file exists and lies inside one of the workspace folders (after resolving symbolic links). */
export function isWorkspaceFile(uri: vscode.Uri): boolean {
  if (uri.scheme !== 'file') return false;
  const file = realPath(uri.fsPath);
  if (!file) return false;
  return (vscode.workspace.workspaceFolders ?? []).some((folder) => {
    const root = folder.uri.scheme === 'file' ? realPath(folder.uri.fsPath) : undefined;
    return root !== undefined && isPathInside(root, file);
  });
}

export function imageRef(uri: vscode.Uri): ImageRef {
  return { uri: uri.toString(), label: vscode.workspace.asRelativePath(uri, false) };
}

/** Keeps the saved images whose files still exist; returns them and how many were dropped. */
export function existingImages(saved: readonly ImageRef[]): { images: ImageRef[]; dropped: number } {
  const images: ImageRef[] = [];
  for (const ref of saved) {
    const uri = parseFileUri(ref.uri);
    if (uri && hasImageExtension(uri) && realPath(uri.fsPath)) images.push(imageRef(uri));
  }
  return { images, dropped: saved.length - images.length };
}

export function hasImageExtension(uri: vscode.Uri): boolean {
  const ext = uri.path.slice(uri.path.lastIndexOf('.') + 1).toLowerCase();
  return IMAGE_EXTENSIONS.includes(ext);
}

/** Lets the user choose sample images: the workspace's images in a multi-select list, or any file by dialog. */
export async function pickImageFiles(): Promise<vscode.Uri[] | undefined> {
  const found = await vscode.workspace.findFiles(IMAGE_GLOB, '**/node_modules/**', MAX_LISTED_IMAGES);
  const browse = { label: '$(folder-opened) Browse...', description: 'choose image files with a dialog' };
  const items = found
    .map((uri) => ({ label: vscode.workspace.asRelativePath(uri, false), uri }))
    .sort((a, b) => a.label.localeCompare(b.label));
  if (items.length > 0) {
    const picked = await vscode.window.showQuickPick<vscode.QuickPickItem & { uri?: vscode.Uri }>([browse, ...items], {
      title: 'AugLens: pick sample images (PNG or JPEG)',
      canPickMany: true,
      matchOnDescription: true,
    });
    if (!picked) return undefined;
    if (!picked.includes(browse)) return picked.flatMap((p) => (p.uri ? [p.uri] : []));
  }
  return vscode.window.showOpenDialog({
    title: 'AugLens: choose sample images',
    canSelectMany: true,
    filters: { Images: IMAGE_EXTENSIONS },
    defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
  });
}
