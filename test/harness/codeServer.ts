// Starts a fresh code-server (VS Code 1.100 with a real Node extension host) on 127.0.0.1, with its own user data,
// extensions and XDG folders under `root`, and stops it by PID.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, openSync, closeSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { CODE_SERVER_ENTRY } from './paths';
import { stop, track } from './processes';

export interface CodeServer {
  /** `127.0.0.1:PORT`, also the remote authority of `vscode-remote://` URIs. */
  authority: string;
  url: string;
  logFile: string;
  stop(): Promise<void>;
}

interface ProfileDirs {
  userData: string;
  extensions: string;
  env: NodeJS.ProcessEnv;
}

const USER_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.colorTheme': 'Default Dark Modern',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'extensions.ignoreRecommendations': true,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'security.workspace.trust.enabled': false,
  'chat.disableAIFeatures': true,
};

export function codeServerInstalled(): boolean {
  return existsSync(CODE_SERVER_ENTRY);
}

function requireCodeServer(): void {
  if (!codeServerInstalled()) {
    throw new Error(`code-server is not installed at ${CODE_SERVER_ENTRY}: run bash scripts/install-code-server.sh`);
  }
}

/** The folders a code-server profile lives in; XDG_* keep it from writing into the user's home. */
export function profileDirs(root: string): ProfileDirs {
  const dirs = {
    userData: join(root, 'user-data'),
    extensions: join(root, 'extensions'),
    config: join(root, 'xdg', 'config'),
    data: join(root, 'xdg', 'data'),
    cache: join(root, 'xdg', 'cache'),
  };
  for (const dir of Object.values(dirs)) mkdirSync(dir, { recursive: true });
  mkdirSync(join(dirs.userData, 'User'), { recursive: true });
  writeFileSync(join(dirs.userData, 'User', 'settings.json'), JSON.stringify(USER_SETTINGS, null, 2));
  return {
    userData: dirs.userData,
    extensions: dirs.extensions,
    env: { ...process.env, XDG_CONFIG_HOME: dirs.config, XDG_DATA_HOME: dirs.data, XDG_CACHE_HOME: dirs.cache },
  };
}

function profileArgs(profile: ProfileDirs): string[] {
  return ['--extensions-dir', profile.extensions, '--user-data-dir', profile.userData];
}

/** `code-server --install-extension`: installs a VSIX into the profile's extensions folder. */
export function installExtension(root: string, vsix: string): void {
  requireCodeServer();
  const profile = profileDirs(root);
  const result = spawnSync(process.execPath, [CODE_SERVER_ENTRY, ...profileArgs(profile), '--install-extension', vsix], {
    env: profile.env,
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (result.status !== 0) {
    throw new Error(`code-server --install-extension failed (${result.status}):\n${result.stdout}\n${result.stderr}`);
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export async function startCodeServer(options: {
  root: string;
  workspace: string;
  env?: Record<string, string>;
}): Promise<CodeServer> {
  requireCodeServer();
  const profile = profileDirs(options.root);
  const port = await freePort();
  const authority = `127.0.0.1:${port}`;
  const logFile = join(options.root, 'code-server.log');
  const log = openSync(logFile, 'a');
  const child = spawn(
    process.execPath,
    [
      CODE_SERVER_ENTRY,
      '--bind-addr', authority,
      '--auth', 'none',
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--disable-getting-started-override',
      '--ignore-last-opened',
      ...profileArgs(profile),
      options.workspace,
    ],
    { env: { ...profile.env, ...options.env }, stdio: ['ignore', log, log], detached: true },
  );
  closeSync(log);
  const pid = track(child, 'code-server');
  let exited: string | undefined;
  child.once('exit', (code, signal) => (exited = `code-server exited (${code ?? signal}) before answering; see ${logFile}`));

  const server: CodeServer = { authority, url: `http://${authority}`, logFile, stop: () => stop(pid) };
  try {
    await waitForHealth(server.url, () => exited);
  } catch (error) {
    await server.stop();
    throw error;
  }
  return server;
}

async function waitForHealth(url: string, failure: () => string | undefined, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const reason = failure();
    if (reason) throw new Error(reason);
    try {
      if ((await fetch(`${url}/healthz`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`code-server did not answer ${url}/healthz within ${timeoutMs / 1000} s`);
}
