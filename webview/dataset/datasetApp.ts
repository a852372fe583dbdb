// The dataset panel: keeps the rows the host sent (by path: a retried failure replaces its row), and draws the
// header, the progress, the per-class chart, the sortable table and the failures.
import type { DatasetComparison } from '../../src/shared/datasetComparison';
import type { DatasetClassBar, DatasetFailureRow, DatasetImageRow, DatasetToHostMessage, HostToDatasetMessage } from '../../src/shared/datasetProtocol';
import { el, requireElement } from '../dom';
import { button, createDivider, dropdown } from '../toolkit';
import { type ChartMetric, classChart } from './classChart';
import { compareView } from './compareView';
import { datasetTable } from './datasetTable';
import type { SortKey, SortOrder } from './sortRows';

export class DatasetApp {
  private readonly title: HTMLElement;
  private readonly status: HTMLElement;
  private readonly progress = el('div', { className: 'progress-bar', attrs: { role: 'progressbar', 'aria-valuemin': '0', 'aria-valuemax': '100' } });
  private readonly bar = el('div', { className: 'bar' });
  private readonly cancel = button('Cancel', () => this.post({ type: 'cancel' }), 'secondary');
  private readonly compare = button('Compare with another run...', () => this.post({ type: 'compareRuns' }), 'secondary');
  private readonly back = button('Back to this run', () => this.closeCompare(), 'secondary');
  private readonly metric = dropdown('Chart', [
    ['flipRate', 'Mean flip rate per class'],
    ['stdLoss', 'Mean Std[loss] per class'],
  ]);
  private readonly chart = el('div', { className: 'dataset-chart' });
  private readonly table = el('div', { className: 'dataset-table-holder' });
  private readonly failureList = el('div', { className: 'dataset-failures' });
  /** The run's own view, hidden while the compare view shows. */
  private readonly runView: HTMLElement;
  private readonly compareHolder = el('div', { className: 'dataset-compare-holder' });
  private comparison: DatasetComparison | undefined;
  /** The comparison the compare view was last drawn from (records arriving meanwhile leave it as it is). */
  private drawnComparison: DatasetComparison | undefined;
  private readonly images = new Map<string, DatasetImageRow>();
  private readonly failures = new Map<string, DatasetFailureRow>();
  private classes: DatasetClassBar[] = [];
  private sort: { key: SortKey; order: SortOrder } = { key: 'path', order: 'ascending' };
  private queued = false;

  constructor(
    root: Document,
    private readonly post: (message: DatasetToHostMessage) => void,
  ) {
    this.title = requireElement(root, 'model-name');
    this.status = requireElement(root, 'status-line');
    this.status.before(createDivider());
    this.progress.append(this.bar);
    this.metric.onChange(() => this.queue());
    const main = root.getElementById('auglens-panel') ?? root.body;
    this.runView = el('div', { className: 'dataset-run-view' }, [
      el('div', { className: 'dataset-run' }, [this.progress, this.cancel.element, this.compare.element]),
      el('section', { className: 'dataset-section' }, [el('h2', { text: 'Per class' }), this.metric.element, this.chart]),
      el('section', { className: 'dataset-section' }, [el('h2', { text: 'Images' }), this.table]),
      this.failureList,
    ]);
    main.append(this.runView, this.compareHolder);
  }

  receive(message: HostToDatasetMessage): void {
    if (message.type === 'datasetCompare') {
      this.comparison = message.comparison;
      this.queue();
      return;
    }
    if (message.type === 'datasetShow') {
      this.title.textContent = message.folderName;
      this.title.title = message.resultsDir;
      this.images.clear();
      this.failures.clear();
    }
    for (const row of message.images) {
      this.failures.delete(row.path);
      this.images.set(row.path, row);
    }
    for (const row of message.failures) {
      this.images.delete(row.path);
      this.failures.set(row.path, row);
    }
    this.classes = message.classes;
    const { running, done, total } = message.progress;
    const percent = total ? Math.round((100 * done) / total) : 0;
    this.bar.style.width = `${percent}%`;
    this.progress.setAttribute('aria-valuenow', String(percent));
    this.progress.hidden = !running;
    this.cancel.element.hidden = !running;
    this.status.replaceChildren(el('span', { className: 'status-text', text: message.status }));
    this.queue();
  }

  /** What the panel shows now, read back from the DOM. */
  rendered(): DatasetToHostMessage {
    return {
      type: 'rendered',
      tableRows: this.table.querySelectorAll('tbody tr').length,
      failureRows: this.failureList.querySelectorAll('li').length,
      classBars: this.chart.querySelectorAll('rect.bar').length,
    };
  }

  /** What the compare view shows now, read back from the DOM. */
  renderedCompare(): DatasetToHostMessage {
    return {
      type: 'renderedCompare',
      overallRows: this.compareHolder.querySelectorAll('.compare-overall tbody tr').length,
      classRows: this.compareHolder.querySelectorAll('.compare-classes tbody tr').length,
      stabilityLabels: [...this.compareHolder.querySelectorAll('.stability')].map((s) => s.textContent ?? ''),
    };
  }

  private closeCompare(): void {
    this.comparison = undefined;
    this.post({ type: 'closeCompare' });
    this.queue();
  }

  /** Redraws once per frame however many messages arrived. */
  private queue(): void {
    if (this.queued) return;
    this.queued = true;
    requestAnimationFrame(() => {
      this.queued = false;
      this.draw();
      this.post(this.rendered());
      if (this.comparison) this.post(this.renderedCompare());
    });
  }

  private draw(): void {
    this.runView.hidden = this.comparison !== undefined;
    if (this.drawnComparison !== this.comparison) {
      this.compareHolder.replaceChildren(...(this.comparison ? [compareView(this.comparison, this.back.element)] : []));
      this.drawnComparison = this.comparison;
    }
    const metric = this.metric.value as ChartMetric;
    this.chart.replaceChildren(classChart(this.classes, metric === 'stdLoss' ? 'stdLoss' : 'flipRate') ?? el('p', { className: 'note', text: 'No classes: the folder holds its images directly (not one sub-folder per class).' }));
    this.table.replaceChildren(
      datasetTable([...this.images.values()], this.sort, {
        sortBy: (key) => {
          this.sort = { key, order: this.sort.key === key && this.sort.order === 'ascending' ? 'descending' : key === 'path' || key === 'className' ? 'ascending' : 'descending' };
          this.draw();
        },
        open: (path) => this.post({ type: 'openImage', path }),
      }),
    );
    const failed = [...this.failures.values()];
    this.failureList.replaceChildren(
      ...(failed.length
        ? [
            el('h2', { text: `Failed images (${failed.length})` }),
            el('ul', {}, failed.map((f) => el('li', {}, [el('code', { text: f.path }), `: ${f.message}`]))),
          ]
        : []),
    );
  }
}
