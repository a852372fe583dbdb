// The only module that knows the UI toolkit (@vscode/webview-ui-toolkit): swap the toolkit by rewriting this file.
import { provideVSCodeDesignSystem, vsCodeDivider, vsCodeProgressRing } from '@vscode/webview-ui-toolkit';

provideVSCodeDesignSystem().register(vsCodeDivider(), vsCodeProgressRing());

/** A horizontal rule styled like VS Code's. */
export function createDivider(): HTMLElement {
  const divider = document.createElement('vscode-divider');
  divider.setAttribute('role', 'separator');
  return divider;
}

/** An indeterminate spinner for work in progress. */
export function createProgressRing(): HTMLElement {
  const ring = document.createElement('vscode-progress-ring');
  ring.setAttribute('aria-label', 'Working');
  return ring;
}
