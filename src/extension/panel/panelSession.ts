// A panel's state on the host's side: inputs, model summary, run state, progress and results. Each change is posted
// to the webview at once; `replay()` gives the messages that rebuild the whole view in a fresh webview (after the
// panel was hidden, or reloaded).
import type { AnalysisResult } from '../../engine/contract/report';
import type { ImageResultView, RunSummaryView } from '../../shared/resultsView';
import type { PanelInputs } from '../../shared/panelInputs';
import type {
  HostToWebviewMessage,
  ModelSummaryMessage,
  PanelStatus,
  ProgressMessage,
} from '../../shared/panelProtocol';

interface ColumnResults {
  count: number;
  images: (ImageResultView | undefined)[];
  summary: RunSummaryView | null;
}

export class PanelSession {
  private modelSummary: ModelSummaryMessage = { type: 'modelSummary', state: 'loading', summary: null, note: null };
  private columns: ColumnResults[] = [];
  private progress: (ProgressMessage | undefined)[] = [];
  private finished: AnalysisResult[] | null = null;
  private latest: ProgressMessage | undefined;
  running = false;

  constructor(
    private readonly post: (message: HostToWebviewMessage) => void,
    public inputs: PanelInputs,
    public status: PanelStatus,
  ) {}

  setInputs(inputs: PanelInputs, echo: boolean): void {
    this.inputs = inputs;
    if (echo) this.post({ type: 'inputs', inputs });
  }

  setStatus(status: PanelStatus): void {
    this.status = status;
    this.post({ type: 'setStatus', status });
  }

  setModelSummary(message: ModelSummaryMessage): void {
    this.modelSummary = message;
    this.post(message);
  }

  get summary(): ModelSummaryMessage {
    return this.modelSummary;
  }

  startRun(columns: number): void {
    this.running = true;
    this.finished = null;
    this.columns = Array.from({ length: columns }, () => ({ count: 0, images: [], summary: null }));
    this.progress = [];
    this.latest = undefined;
    this.post({ type: 'clearResults' });
    this.post({ type: 'runState', running: true, columns });
  }

  setProgress(message: ProgressMessage): void {
    this.progress[message.column] = message;
    this.latest = message;
    this.post(message);
  }

  /** The last progress message of the current run. */
  latestProgress(): ProgressMessage | undefined {
    return this.running ? this.latest : undefined;
  }

  setImage(column: number, index: number, count: number, view: ImageResultView): void {
    const target = this.columns[column];
    if (!target) return;
    target.count = count;
    target.images[index] = view;
    this.post({ type: 'imageResult', column, index, count, result: view });
  }

  setSummary(column: number, summary: RunSummaryView): void {
    const target = this.columns[column];
    if (!target) return;
    target.summary = summary;
    this.post({ type: 'runSummary', column, summary });
  }

  endRun(results: AnalysisResult[] | null): void {
    this.running = false;
    this.finished = results;
    this.post({ type: 'runState', running: false, columns: Math.max(1, this.columns.length) });
  }

  /** Shows results restored from storage (a finished run of an earlier session). */
  restoreResults(results: AnalysisResult[], summaries: RunSummaryView[], views: ImageResultView[][]): void {
    this.finished = results;
    this.columns = views.map((images, i) => ({ count: images.length, images, summary: summaries[i] ?? null }));
    for (const message of this.resultMessages()) this.post(message);
  }

  /** The analyses of the last finished run, one per policy; null before any run or while one runs. */
  get results(): AnalysisResult[] | null {
    return this.finished;
  }

  /** The run summaries of the finished columns, in column order. */
  summaries(): RunSummaryView[] {
    return this.columns.flatMap((c) => (c.summary ? [c.summary] : []));
  }

  get hasResults(): boolean {
    return this.finished !== null && this.finished.length > 0;
  }

  private resultMessages(): HostToWebviewMessage[] {
    const messages: HostToWebviewMessage[] = [{ type: 'runState', running: this.running, columns: Math.max(1, this.columns.length) }];
    this.columns.forEach((c, column) => {
      c.images.forEach((result, index) => {
        if (result) messages.push({ type: 'imageResult', column, index, count: c.count, result });
      });
      if (c.summary) messages.push({ type: 'runSummary', column, summary: c.summary });
    });
    return messages;
  }

  /** Every message needed after the webview's `showModel` to show the current state. */
  replay(): HostToWebviewMessage[] {
    const progress = this.running ? this.progress.filter((p): p is ProgressMessage => p !== undefined) : [];
    return [this.modelSummary, ...this.resultMessages(), ...progress];
  }
}
