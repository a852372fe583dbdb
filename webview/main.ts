// Webview entry point: validates each message from the host, applies it, and acknowledges what it now shows.
import { parseHostToWebviewMessage } from '../src/shared/panelProtocol';
import { PanelApp } from './app';
import { connectHost } from './vscodeApi';

const host = connectHost();
const app = new PanelApp(document, host);

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const message = parseHostToWebviewMessage(event.data);
  if (!message) return;
  app.receive(message);
  host.post(app.rendered());
});

host.post({ type: 'ready' });
