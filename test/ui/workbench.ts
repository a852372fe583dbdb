// Playwright helpers for the code-server workbench: explorer rows, context menus, the command palette, quick
// picks, editor tabs and webview frames (a webview is an iframe inside an iframe).
import type { Frame, Locator, Page } from 'playwright-core';

const STARTUP_TIMEOUT_MS = 60_000;

/** Opens the workbench on `folder` and waits until the explorer lists it and `readyCommand` is in the palette:
 * the remote extension host starts a few seconds after the workbench shows, and menus and the palette list an
 * extension's contributions only from then on. */
export async function openWorkbench(page: Page, serverUrl: string, folder: string, readyCommand: string): Promise<void> {
  await page.goto(`${serverUrl}/?folder=${encodeURIComponent(folder)}`);
  await page.locator('.monaco-workbench').waitFor({ timeout: STARTUP_TIMEOUT_MS });
  await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout: STARTUP_TIMEOUT_MS });
  await waitForCommand(page, readyCommand);
}

async function waitForCommand(page: Page, title: string): Promise<void> {
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
  for (;;) {
    await page.keyboard.press('F1');
    await page.locator('.quick-input-widget input').fill(`>${title}`);
    const listed = await row.waitFor({ timeout: 1_000 }).then(() => true, () => false);
    await page.keyboard.press('Escape');
    if (listed) return;
    if (Date.now() > deadline) throw new Error(`the command palette did not list ${title} within ${STARTUP_TIMEOUT_MS / 1000} s`);
    await page.waitForTimeout(500);
  }
}

export function explorerRow(page: Page, fileName: string): Locator {
  return page.locator('.explorer-folders-view .monaco-list-row', { hasText: fileName }).first();
}

export function contextMenuItem(page: Page, label: string): Locator {
  return page.locator('.monaco-menu .action-item .action-label', { hasText: label });
}

/** Right-clicks a row until its context menu shows; the first right-click is often dismissed while the workbench settles. */
export async function openContextMenu(page: Page, row: Locator, attempts = 4): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    await row.click({ button: 'right' });
    try {
      await page.locator('.monaco-menu .action-item').first().waitFor({ timeout: 3_000 });
      return;
    } catch (error) {
      if (attempt >= attempts) throw error;
      await page.keyboard.press('Escape');
    }
  }
}

/** Runs a command by its title through the command palette (F1). */
export async function runCommand(page: Page, title: string): Promise<void> {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill(`>${title}`);
  await pickQuickInputRow(page, title);
}

/** Waits for the row of the open quick pick labelled exactly `label` and accepts it. */
export async function pickQuickInputRow(page: Page, label: string): Promise<void> {
  const exact = new RegExp(`^${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
  const row = page
    .locator('.quick-input-list .monaco-list-row')
    .filter({ has: page.locator('.label-name', { hasText: exact }) })
    .first();
  await row.click();
}

export async function typeInQuickInput(page: Page, text: string): Promise<void> {
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill(text);
}

export function editorTab(page: Page, label: string): Locator {
  return page.locator('.tabs-container .tab', { hasText: label });
}

/** The frame of the webview whose `selector` element has `text`; polls because webviews load asynchronously. */
export async function findWebviewFrame(page: Page, selector: string, text: string, timeoutMs = 30_000): Promise<Frame> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    for (const frame of page.frames()) {
      const content = await frame.locator(selector).first().textContent({ timeout: 200 }).catch(() => null);
      if (content === text) return frame;
    }
    await page.waitForTimeout(250);
  }
  throw new Error(`no webview frame shows ${selector} = ${JSON.stringify(text)} within ${timeoutMs / 1000} s`);
}
