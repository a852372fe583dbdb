// Webview entry point: validates each message from the host, renders it, and acknowledges what it now shows.
import { parseHostMessage } from '../src/shared/panelProtocol';
import { PanelView } from './panelView';
import { postToHost, savePanelState } from './vscodeApi';

const view = new PanelView(document);

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const message = parseHostMessage(event.data);
  if (!message) return;
  view.render(message);
  if (message.type === 'showModel') savePanelState({ modelUri: message.model.uri });
  postToHost({ type: 'rendered', ...view.shown() });
});

postToHost({ type: 'ready' });
