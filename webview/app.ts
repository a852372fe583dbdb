// The panel's webview: keeps what the host sent, draws the sections, sends the user's edits and commands back
// (edits debounced), and saves its view options with the webview state.
import {
  type ImageSizeInput,
  type PanelInputs,
  type PreprocessingInput,
  defaultInputs,
} from '../src/shared/panelInputs';
import type { ModelSummaryView } from '../src/shared/modelSummaryView';
import {
  DEFAULT_VIEW,
  type DisplaySettings,
  type HostToWebviewMessage,
  type ModelSummaryMessage,
  type PanelCommand,
  type PanelMode,
  type ProgressMessage,
  type ViewOptions,
  type WebviewToHostMessage,
} from '../src/shared/panelProtocol';
import { el } from './dom';
import { PanelView } from './panelView';
import { ImagesSection } from './sections/imagesSection';
import { ModelSection } from './sections/modelSection';
import { PolicySection } from './sections/policySection';
import { type ColumnView, ResultsSection } from './sections/resultsSection';
import { RunSection } from './sections/runSection';

export interface HostLink {
  post(message: WebviewToHostMessage): void;
  saveView(modelUri: string, view: ViewOptions): void;
  savedView(): ViewOptions | undefined;
}

const EDIT_DELAY_MS = 250;

export class PanelApp {
  private readonly header: PanelView;
  private readonly model: ModelSection;
  private readonly images: ImagesSection;
  private readonly policy: PolicySection;
  private readonly run: RunSection;
  private readonly results: ResultsSection;
  private modelUri = '';
  private mode: PanelMode = 'panel';
  private trusted = true;
  private display: DisplaySettings = { sequential: 'viridis', diverging: 'rdbu_r' };
  private inputs: PanelInputs = defaultInputs();
  private summary: ModelSummaryMessage = { type: 'modelSummary', state: 'loading', summary: null, note: null };
  private running = false;
  private columnCount = 1;
  private progress: (ProgressMessage | undefined)[] = [];
  private columns: ColumnView[] = [];
  private view: ViewOptions;
  private editTimer: ReturnType<typeof setTimeout> | undefined;
  private resultsQueued = false;
  private canvasFacts: ReturnType<ResultsSection['render']> = [];

  constructor(
    root: Document,
    private readonly host: HostLink,
  ) {
    this.view = host.savedView() ?? DEFAULT_VIEW;
    const command = (c: PanelCommand) => this.command(c);
    this.header = new PanelView(root, command);
    this.model = new ModelSection({ editPreprocessing: (p) => this.editPreprocessing(p), command });
    this.images = new ImagesSection({
      pickImages: () => command('pickImages'),
      removeImage: (index) => host.post({ type: 'removeImage', index }),
      editImageSize: (size) => this.editImageSize(size),
    });
    this.policy = new PolicySection({
      editPolicies: (policies, compare) => this.edit({ ...this.inputs, policies, compare }),
      editLabel: (label) => this.edit({ ...this.inputs, label }),
    });
    this.run = new RunSection(command);
    this.results = new ResultsSection((view) => this.setView(view));
    const main = root.getElementById('auglens-panel') ?? root.body;
    main.append(
      el('div', { className: 'inputs' }, [this.model.element, el('div', { className: 'inputs-side' }, [this.images.element, this.policy.element])]),
      this.run.element,
      this.results.element,
    );
  }

  /** Applies one validated host message. */
  receive(message: HostToWebviewMessage): void {
    switch (message.type) {
      case 'showModel':
        this.modelUri = message.model.uri;
        this.mode = message.mode;
        this.trusted = message.trusted;
        this.display = message.display;
        this.inputs = message.inputs;
        this.header.showModel(message.model.fileName, message.model.uri);
        this.header.renderStatus(message.status, this.offline);
        document.body.classList.toggle('offline-report', this.offline);
        this.host.saveView(this.modelUri, this.view);
        this.renderInputs();
        this.queueResults();
        break;
      case 'setStatus':
        this.header.renderStatus(message.status, this.offline);
        break;
      case 'modelSummary':
        this.summary = message;
        this.model.renderSummary(message);
        this.renderInputs();
        break;
      case 'inputs':
        this.inputs = message.inputs;
        this.renderInputs();
        break;
      case 'runState':
        this.running = message.running;
        this.columnCount = message.columns;
        if (!message.running) this.progress = [];
        this.renderRun();
        break;
      case 'progress':
        this.progress[message.column] = message;
        this.renderRun();
        break;
      case 'clearResults':
        this.columns = [];
        this.queueResults();
        break;
      case 'imageResult': {
        const column = (this.columns[message.column] ??= { count: message.count, images: [], summary: null });
        column.count = message.count;
        column.images[message.index] = message.result;
        this.queueResults();
        this.renderRun();
        break;
      }
      case 'runSummary': {
        const column = (this.columns[message.column] ??= { count: 0, images: [], summary: null });
        column.summary = message.summary;
        this.queueResults();
        break;
      }
      case 'focus':
        if (message.target === 'images') this.images.focus();
        else this.policy.focus(message.target === 'policy' ? 0 : 1);
        break;
    }
  }

  /** What the panel shows now, read back from the DOM, for the host's `rendered` acknowledgement. */
  rendered(): WebviewToHostMessage {
    return {
      type: 'rendered',
      ...this.header.shown(),
      canvases: this.canvasFacts,
      resultColumns: this.columns.filter((c) => c?.images.some(Boolean)).length,
    };
  }

  private get offline(): boolean {
    return this.mode === 'report';
  }

  private get summaryView(): ModelSummaryView | null {
    return this.summary.summary;
  }

  private command(command: PanelCommand): void {
    if (command === 'editPolicy') return this.policy.focus(0);
    this.flushEdits();
    this.host.post(command === 'run' ? { type: 'command', command, parameters: this.run.parameterGradients } : { type: 'command', command });
  }

  private renderInputs(): void {
    const readonly = this.offline;
    this.model.renderInputs(this.inputs.preprocessing, readonly);
    this.images.render(this.inputs.images, this.inputs.imageSize, this.summaryView, readonly);
    this.policy.render(this.inputs.policies, this.inputs.compare, this.inputs.label, readonly);
    this.renderRun();
  }

  private renderRun(): void {
    this.run.element.hidden = this.offline;
    this.run.render({
      running: this.running,
      trusted: this.trusted,
      hasResults: this.columns.some((c) => c?.summary),
      columns: this.columnCount,
      progress: this.progress,
    });
  }

  private editPreprocessing(preprocessing: PreprocessingInput): void {
    this.edit({ ...this.inputs, preprocessing });
  }

  private editImageSize(imageSize: ImageSizeInput): void {
    this.edit({ ...this.inputs, imageSize });
  }

  /** Records an edit and sends it to the host after a short pause (typing sends one message, not one per key). */
  private edit(inputs: PanelInputs): void {
    this.inputs = inputs;
    clearTimeout(this.editTimer);
    this.editTimer = setTimeout(() => this.flushEdits(), EDIT_DELAY_MS);
  }

  private flushEdits(): void {
    if (this.editTimer === undefined) return;
    clearTimeout(this.editTimer);
    this.editTimer = undefined;
    const { images: _images, ...editable } = this.inputs;
    this.host.post({ type: 'editInputs', inputs: editable });
  }

  private setView(view: ViewOptions): void {
    this.view = view;
    this.host.saveView(this.modelUri, view);
    this.queueResults();
  }

  /** Redraws the results once per frame however many messages arrived. */
  private queueResults(): void {
    if (this.resultsQueued) return;
    this.resultsQueued = true;
    requestAnimationFrame(() => {
      this.resultsQueued = false;
      const columns = Array.from({ length: this.columns.length }, (_, i) => this.columns[i] ?? { count: 0, images: [], summary: null });
      this.canvasFacts = this.results.render(columns, this.view, this.display, this.inputs.policies);
      this.host.post(this.rendered());
    });
  }
}
