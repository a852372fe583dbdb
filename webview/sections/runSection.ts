// Run and cancel, export and log, and the progress of a run by stage (the engine's progress messages).
import type { PanelCommand, ProgressMessage } from '../../src/shared/panelProtocol';
import { el } from '../dom';
import { percent } from '../format';
import { type Field, button, checkbox } from '../toolkit';

/** The engine's stages in order, with the names the panel shows. */
const STAGES: readonly [string, string][] = [
  ['load', 'Load model'],
  ['moments', 'Image moments'],
  ['eigen', 'Eigen-images'],
  ['model', 'Model moments'],
  ['analytic', 'Analytic route'],
  ['monte-carlo', 'Monte Carlo'],
];

export class RunSection {
  readonly element = el('section', { className: 'card run-section', attrs: { 'aria-label': 'Run' } });
  private readonly run = button('Run Analysis', () => this.command('run'));
  private readonly cancel = button('Cancel', () => this.command('cancel'), 'secondary');
  private readonly exportButton = button('Export Report...', () => this.command('export'), 'secondary');
  private readonly log = button('Show Log', () => this.command('showLog'), 'secondary');
  private readonly progress = el('div', { className: 'progress-area', attrs: { 'aria-live': 'polite' } });
  private readonly training: Field<boolean> = checkbox('Training gradients (slower: one gradient per outcome)');

  constructor(private readonly command: (command: PanelCommand) => void) {
    this.run.element.id = 'run-button';
    this.cancel.element.id = 'cancel-button';
    this.exportButton.element.id = 'export-button';
    this.training.element.id = 'training-gradients';
    this.training.element.title = 'Also the gradient noise on the model\'s weights under the policy: samples needed per SGD step, per layer';
    this.element.append(
      el('div', { className: 'controls' }, [this.run.element, this.cancel.element, this.exportButton.element, this.log.element, this.training.element]),
      this.progress,
    );
  }

  /** Whether a run asks for the gradient noise on the model's parameters. */
  get parameterGradients(): boolean {
    return this.training.value;
  }

  render(state: { running: boolean; trusted: boolean; hasResults: boolean; columns: number; progress: readonly (ProgressMessage | undefined)[] }): void {
    this.run.disabled = state.running || !state.trusted;
    this.cancel.disabled = !state.running;
    this.exportButton.disabled = state.running || !state.hasResults;
    this.training.disabled = state.running || !state.trusted;
    this.run.element.title = state.trusted ? 'Analyse the sample images under the policy' : 'No model runs in Restricted Mode';
    if (!state.running) {
      this.progress.replaceChildren();
      return;
    }
    const rows: HTMLElement[] = [];
    for (let column = 0; column < state.columns; column++) {
      rows.push(progressRow(state.columns > 1 ? `Policy ${column === 0 ? 'A' : 'B'}` : 'Progress', state.progress[column]));
    }
    this.progress.replaceChildren(...rows);
  }
}

function progressRow(title: string, p: ProgressMessage | undefined): HTMLElement {
  const current = p ? STAGES.findIndex(([stage]) => stage === p.stage) : -1;
  const done = p?.stage === 'done';
  const chips = STAGES.map(([, name], i) =>
    el('li', { className: done || i < current ? 'done' : i === current ? 'active' : 'pending', text: name }),
  );
  const bar = el('div', { className: 'bar' });
  bar.style.width = percent(done ? 1 : (p?.fraction ?? 0));
  return el('div', { className: 'progress-row' }, [
    el('div', { className: 'progress-title' }, [el('strong', { text: title }), el('span', { text: p ? `${p.message} (${percent(p.fraction, 0)})` : 'waiting' })]),
    el('div', { className: 'progress-bar', attrs: { role: 'progressbar', 'aria-valuemin': '0', 'aria-valuemax': '100', 'aria-valuenow': String(Math.round(100 * (p?.fraction ?? 0))) } }, [bar]),
    el('ol', { className: 'stages' }, chips),
  ]);
}
