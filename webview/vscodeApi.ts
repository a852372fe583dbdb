// Typed access to the webview's side of the VS Code API (`acquireVsCodeApi` may be called only once per page).
import type { PanelState, WebviewToHostMessage } from '../src/shared/panelProtocol';

interface VsCodeWebviewApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeWebviewApi;

const api = acquireVsCodeApi();

export function postToHost(message: WebviewToHostMessage): void {
  api.postMessage(message);
}

/** Saved with the panel so the extension can restore it after a reload (its webview panel serializer). */
export function savePanelState(state: PanelState): void {
  api.setState(state);
}
