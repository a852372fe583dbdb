// The dataset panel's webview entry point: validates each message from the host, applies it, and acknowledges what
// it now shows; saves the run's folder with the webview state so that the panel comes back after a reload.
import { type DatasetToHostMessage, parseHostToDatasetMessage, type DatasetPanelState } from '../../src/shared/datasetProtocol';
import type { WebviewApi } from '../webviewApi';
import { DatasetApp } from './datasetApp';

declare function acquireVsCodeApi(): WebviewApi;

const api = acquireVsCodeApi();
const post = (message: DatasetToHostMessage) => api.postMessage(message);
const app = new DatasetApp(document, post);

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const message = parseHostToDatasetMessage(event.data);
  if (!message) return;
  if (message.type === 'datasetShow') api.setState({ resultsDir: message.resultsDir } satisfies DatasetPanelState);
  app.receive(message);
  post(app.rendered());
});

post({ type: 'ready' });
