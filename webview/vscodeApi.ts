// The webview's link to its host: VS Code's webview API (`acquireVsCodeApi` may be called only once per page), or,
// in an exported report page, the offline stand-in that replays the embedded messages.
import { type PanelState, type ViewOptions, type WebviewToHostMessage, parsePanelState } from '../src/shared/panelProtocol';
import type { HostLink } from './app';
import { offlineApi } from './offlineApi';
import type { WebviewApi } from './webviewApi';

declare function acquireVsCodeApi(): WebviewApi;

export function connectHost(): HostLink {
  const api = typeof acquireVsCodeApi === 'function' ? acquireVsCodeApi() : offlineApi(document);
  return {
    post: (message: WebviewToHostMessage) => api.postMessage(message),
    /** Saved with the panel so the extension can restore it after a reload (its webview panel serializer). */
    saveView: (modelUri: string, view: ViewOptions) => api.setState({ modelUri, view } satisfies PanelState),
    savedView: () => parsePanelState(api.getState())?.view,
  };
}
