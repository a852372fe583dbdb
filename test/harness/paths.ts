// Locations the real-VS-Code harness relies on.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const REPO_ROOT = resolve(__dirname, '..', '..');
export const CODE_SERVER_PREFIX = join(REPO_ROOT, '.vscode-test', 'code-server');
export const CODE_SERVER_ENTRY = join(CODE_SERVER_PREFIX, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
export const ARTIFACTS_DIR = join(REPO_ROOT, 'test-artifacts');
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Read-only fixtures beside the repository (absent on some machines: callers must cope). */
export const SHARED_MODELS_DIR = resolve(REPO_ROOT, '..', 'shared', 'fixtures', 'models');
export const SHARED_IMAGES_DIR = resolve(REPO_ROOT, '..', 'shared', 'fixtures', 'images');

export function extensionManifest(): { publisher: string; name: string; version: string } {
  return JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8'));
}

/** The file `npm run package` writes (vsce's default name for a platform-specific package). */
export function packagedVsixPath(): string {
  const { name, version } = extensionManifest();
  return join(REPO_ROOT, `${name}-linux-x64-${version}.vsix`);
}
