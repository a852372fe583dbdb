// Stands in for VS Code's webview API in an exported report page: when the panel script says it is ready, the host
// messages embedded in the page (JSON with base64 arrays) are delivered as if the extension had sent them.
import { parseWithArrays } from '../src/shared/binaryJson';
import type { WebviewApi } from './webviewApi';

export const REPORT_DATA_ID = 'auglens-report-data';

export function offlineApi(root: Document): WebviewApi {
  let state: unknown;
  return {
    postMessage(message: unknown) {
      if ((message as { type?: unknown })?.type !== 'ready') return;
      const data = root.getElementById(REPORT_DATA_ID)?.textContent;
      const messages = data ? parseWithArrays(data) : [];
      if (!Array.isArray(messages)) return;
      for (const m of messages) window.dispatchEvent(new MessageEvent('message', { data: m }));
    },
    getState: () => state,
    setState: (next: unknown) => {
      state = next;
    },
  };
}
