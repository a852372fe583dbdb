// Renders host messages into the panel's DOM (elements declared in src/extension/panelHtml.ts).
import type { HostToWebviewMessage, PanelStatus } from '../src/shared/panelProtocol';
import { createDivider, createProgressRing } from './toolkit';

export class PanelView {
  private readonly modelName: HTMLElement;
  private readonly statusLine: HTMLElement;

  constructor(root: Document) {
    this.modelName = requireElement(root, 'model-name');
    this.statusLine = requireElement(root, 'status-line');
    this.statusLine.before(createDivider());
  }

  render(message: HostToWebviewMessage): void {
    if (message.type === 'showModel') {
      this.modelName.textContent = message.model.fileName;
      this.modelName.title = message.model.uri;
    }
    this.renderStatus(message.status);
  }

  /** What the panel shows now, read back from the DOM. */
  shown(): { modelName: string; statusText: string } {
    return { modelName: this.modelName.textContent ?? '', statusText: this.statusLine.textContent ?? '' };
  }

  private renderStatus(status: PanelStatus): void {
    const text = document.createElement('span');
    text.textContent = status.text;
    const children: Node[] = status.level === 'busy' ? [createProgressRing(), text] : [text];
    this.statusLine.replaceChildren(...children);
    this.statusLine.dataset.level = status.level;
  }
}

function requireElement(root: Document, id: string): HTMLElement {
  const element = root.getElementById(id);
  if (!element) throw new Error(`panel HTML lacks #${id}`);
  return element;
}
