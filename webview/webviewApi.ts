/** The part of VS Code's webview API the panel uses; an exported report page gets an offline stand-in (offlineApi.ts). */
export interface WebviewApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}
