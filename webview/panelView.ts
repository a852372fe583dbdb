// The panel's header: the model's name and the status line, with the buttons of the actions that fix an error
// (elements declared in src/extension/panel/panelHtml.ts).
import { ACTION_LABELS, type PanelCommand, type PanelStatus } from '../src/shared/panelProtocol';
import { requireElement } from './dom';
import { button, createDivider, createProgressRing } from './toolkit';

export class PanelView {
  private readonly modelName: HTMLElement;
  private readonly statusLine: HTMLElement;

  constructor(
    root: Document,
    private readonly onAction: (command: PanelCommand) => void,
  ) {
    this.modelName = requireElement(root, 'model-name');
    this.statusLine = requireElement(root, 'status-line');
    this.statusLine.before(createDivider());
  }

  showModel(fileName: string, uri: string): void {
    this.modelName.textContent = fileName;
    this.modelName.title = uri;
  }

  /** Shows the status; `offline` (the exported page) shows no action buttons. */
  renderStatus(status: PanelStatus, offline: boolean): void {
    const text = document.createElement('span');
    text.className = 'status-text';
    text.textContent = status.text;
    const children: Node[] = status.level === 'busy' ? [createProgressRing(), text] : [text];
    if (!offline) for (const action of status.actions ?? []) children.push(button(ACTION_LABELS[action], () => this.onAction(action), 'secondary').element);
    this.statusLine.replaceChildren(...children);
    this.statusLine.dataset.level = status.level;
  }

  /** What the panel shows now, read back from the DOM. */
  shown(): { modelName: string; statusText: string } {
    return {
      modelName: this.modelName.textContent ?? '',
      statusText: this.statusLine.querySelector('.status-text')?.textContent ?? '',
    };
  }
}
