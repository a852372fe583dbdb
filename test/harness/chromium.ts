// Debian's Chromium, headless, with a fresh profile per launch (playwright's temporary user-data-dir), driven by
// playwright-core. The browser is started as a server so that its PID is known and stopped explicitly.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { CHROMIUM_PATH } from './paths';
import { stop, track } from './processes';

export interface RunningBrowser {
  browser: Browser;
  stop(): Promise<void>;
}

const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export async function launchChromium(): Promise<RunningBrowser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium not found at ${CHROMIUM_PATH}: apt-get install chromium (or set CHROMIUM_PATH)`);
  }
  // Chromium keeps crash reports and dconf state under XDG_CONFIG_HOME / XDG_CACHE_HOME: keep them out of $HOME.
  const xdg = mkdtempSync(join(tmpdir(), 'auglens-chromium-'));
  const env = { ...process.env, XDG_CONFIG_HOME: join(xdg, 'config'), XDG_CACHE_HOME: join(xdg, 'cache') };
  const server = await chromium.launchServer({ executablePath: CHROMIUM_PATH, headless: true, args: ARGS, env });
  const pid = track(server.process(), 'chromium');
  const stopBrowser = async () => {
    await stop(pid, 2_000);
    rmSync(xdg, { recursive: true, force: true });
  };
  try {
    const browser = await chromium.connect(server.wsEndpoint());
    return {
      browser,
      stop: async () => {
        await browser.close().catch(() => undefined);
        await server.close().catch(() => undefined);
        await stopBrowser();
      },
    };
  } catch (error) {
    await stopBrowser();
    throw error;
  }
}
