// Messages between the extension host and the stability panel webview: one discriminated union per direction.
// Both sides validate what they receive; the host treats everything from the webview as untrusted input.
import { type EditableInputs, type PanelInputs, parseEditableInputs, parseInputs } from './panelInputs';
import { type ImageResultView, type RunSummaryView, parseImageResult, parseRunSummary } from './resultsView';
import { type ModelSummaryView, parseModelSummary } from './modelSummaryView';
import { MAX_TEXT_LENGTH, hasOnlyKeys, isFields, isFiniteNumber, isInteger, isOneOf, isText } from './validate';

export { MAX_TEXT_LENGTH };

export type StatusLevel = 'info' | 'busy' | 'warning' | 'error';

/** What the panel can ask the host to do; error messages offer the ones that fix them. */
export const PANEL_COMMANDS = ['pickImages', 'editPolicy', 'run', 'cancel', 'export', 'showLog', 'openSettings', 'manageTrust'] as const;
export type PanelCommand = (typeof PANEL_COMMANDS)[number];

/** The button label of each command, in notifications and in the panel. */
export const ACTION_LABELS: Record<PanelCommand, string> = {
  pickImages: 'Pick Image',
  editPolicy: 'Edit Policy',
  run: 'Run Analysis',
  cancel: 'Cancel',
  export: 'Export Report',
  showLog: 'Show Log',
  openSettings: 'Open Settings',
  manageTrust: 'Manage Workspace Trust',
};

export interface PanelStatus {
  level: StatusLevel;
  text: string;
  /** Buttons shown beside the text. */
  actions?: PanelCommand[];
}

/** Where the panel lives: a webview panel, the custom editor of a .onnx file, or an exported offline page. */
export type PanelMode = 'panel' | 'editor' | 'report';

export const SEQUENTIAL_MAPS = ['viridis', 'magma', 'inferno', 'gray'] as const;
export type SequentialMap = (typeof SEQUENTIAL_MAPS)[number];
export const DIVERGING_MAPS = ['rdbu_r'] as const;
export type DivergingMap = (typeof DIVERGING_MAPS)[number];

export interface DisplaySettings {
  sequential: SequentialMap;
  diverging: DivergingMap;
}

export type ModelSummaryState = 'loading' | 'ready' | 'error' | 'restricted';

//#region host -> webview

/** The model this panel is about and everything needed to draw the inputs; sent in reply to `ready`. */
export interface ShowModelMessage {
  type: 'showModel';
  model: { fileName: string; uri: string };
  mode: PanelMode;
  /** False in a Restricted Mode workspace, where no model runs. */
  trusted: boolean;
  display: DisplaySettings;
  inputs: PanelInputs;
  status: PanelStatus;
}

/** Replaces the status line. */
export interface SetStatusMessage {
  type: 'setStatus';
  status: PanelStatus;
}

export interface ModelSummaryMessage {
  type: 'modelSummary';
  state: ModelSummaryState;
  summary: ModelSummaryView | null;
  /** Why the summary is missing (error or restricted). */
  note: string | null;
}

/** The inputs changed on the host's side (images picked, compare switched on by a command). */
export interface InputsMessage {
  type: 'inputs';
  inputs: PanelInputs;
}

export interface RunStateMessage {
  type: 'runState';
  running: boolean;
  /** Number of result columns (2 when comparing policies). */
  columns: number;
}

export interface ProgressMessage {
  type: 'progress';
  column: number;
  stage: string;
  fraction: number;
  message: string;
}

/** One image's results: first with the image moments only (model null), then complete. */
export interface ImageResultMessage {
  type: 'imageResult';
  column: number;
  index: number;
  /** Number of images in the run. */
  count: number;
  result: ImageResultView;
}

export interface RunSummaryMessage {
  type: 'runSummary';
  column: number;
  summary: RunSummaryView;
}

export interface ClearResultsMessage {
  type: 'clearResults';
}

/** Moves the keyboard focus to an input (commands "Edit Policy", "Compare Two Policies"). */
export interface FocusMessage {
  type: 'focus';
  target: 'policy' | 'policyB' | 'images';
}

export type HostToWebviewMessage =
  | ShowModelMessage
  | SetStatusMessage
  | ModelSummaryMessage
  | InputsMessage
  | RunStateMessage
  | ProgressMessage
  | ImageResultMessage
  | RunSummaryMessage
  | ClearResultsMessage
  | FocusMessage;

//#endregion

//#region webview -> host

/** The webview script has loaded and listens for messages. */
export interface ReadyMessage {
  type: 'ready';
}

/** A canvas the webview drew, as read back from its pixels. */
export interface CanvasFact {
  id: string;
  width: number;
  height: number;
  /** True when not every pixel has the same colour. */
  nonUniform: boolean;
}

/** Acknowledges a host message by reporting what the webview now shows, as read back from its DOM. */
export interface RenderedMessage {
  type: 'rendered';
  modelName: string;
  statusText: string;
  canvases: CanvasFact[];
  /** Number of result columns with at least one image result. */
  resultColumns: number;
}

/** The user edited the inputs. */
export interface EditInputsMessage {
  type: 'editInputs';
  inputs: EditableInputs;
}

export interface RemoveImageMessage {
  type: 'removeImage';
  index: number;
}

export interface CommandMessage {
  type: 'command';
  command: PanelCommand;
  /** `run` only: also the gradient noise on the model's parameters (the run section's "Training gradients" box). */
  parameters?: boolean;
}

export type WebviewToHostMessage = ReadyMessage | RenderedMessage | EditInputsMessage | RemoveImageMessage | CommandMessage;

//#endregion

const STATUS_LEVELS: readonly StatusLevel[] = ['info', 'busy', 'warning', 'error'];
const MAX_CANVASES = 512;
const MAX_COLUMNS = 2;

function parseStatus(value: unknown): PanelStatus | undefined {
  if (!isFields(value) || !hasOnlyKeys(value, ['level', 'text', 'actions'])) return undefined;
  const { level, text, actions } = value;
  if (!isOneOf(level, STATUS_LEVELS) || !isText(text)) return undefined;
  if (actions === undefined) return { level, text };
  if (!Array.isArray(actions) || actions.length > PANEL_COMMANDS.length || !actions.every((a) => isOneOf(a, PANEL_COMMANDS))) {
    return undefined;
  }
  return { level, text, actions: [...actions] };
}

function parseCanvasFact(value: unknown): CanvasFact | undefined {
  if (!isFields(value) || !hasOnlyKeys(value, ['id', 'width', 'height', 'nonUniform'])) return undefined;
  const { id, width, height, nonUniform } = value;
  if (!isText(id, 128) || !isInteger(width, 0, 1 << 16) || !isInteger(height, 0, 1 << 16) || typeof nonUniform !== 'boolean') {
    return undefined;
  }
  return { id, width, height, nonUniform };
}

/** Returns the message if `value` is a well-formed webview -> host message, else undefined. */
export function parseWebviewMessage(value: unknown): WebviewToHostMessage | undefined {
  if (!isFields(value)) return undefined;
  switch (value.type) {
    case 'ready':
      return hasOnlyKeys(value, ['type']) ? { type: 'ready' } : undefined;
    case 'rendered': {
      const { modelName, statusText, canvases, resultColumns } = value;
      if (!hasOnlyKeys(value, ['type', 'modelName', 'statusText', 'canvases', 'resultColumns'])) return undefined;
      if (!isText(modelName) || !isText(statusText) || !isInteger(resultColumns, 0, MAX_COLUMNS)) return undefined;
      if (!Array.isArray(canvases) || canvases.length > MAX_CANVASES) return undefined;
      const facts = canvases.map(parseCanvasFact);
      if (facts.some((f) => f === undefined)) return undefined;
      return { type: 'rendered', modelName, statusText, canvases: facts as CanvasFact[], resultColumns };
    }
    case 'editInputs': {
      const inputs = hasOnlyKeys(value, ['type', 'inputs']) ? parseEditableInputs(value.inputs) : undefined;
      return inputs && { type: 'editInputs', inputs };
    }
    case 'removeImage':
      return hasOnlyKeys(value, ['type', 'index']) && isInteger(value.index, 0, 1 << 16)
        ? { type: 'removeImage', index: value.index }
        : undefined;
    case 'command': {
      const { command, parameters } = value;
      if (!hasOnlyKeys(value, ['type', 'command', 'parameters']) || !isOneOf(command, PANEL_COMMANDS)) return undefined;
      if (parameters === undefined) return { type: 'command', command };
      return command === 'run' && typeof parameters === 'boolean' ? { type: 'command', command, parameters } : undefined;
    }
    default:
      return undefined;
  }
}

const isColumn = (v: unknown): v is number => isInteger(v, 0, MAX_COLUMNS - 1);

/** Returns the message if `value` is a well-formed host -> webview message, else undefined. */
export function parseHostToWebviewMessage(value: unknown): HostToWebviewMessage | undefined {
  if (!isFields(value)) return undefined;
  switch (value.type) {
    case 'showModel': {
      const { model, mode, trusted, display } = value;
      const status = parseStatus(value.status);
      const inputs = parseInputs(value.inputs);
      if (!status || !inputs || !isFields(model) || !isText(model.fileName) || !isText(model.uri)) return undefined;
      if (!isOneOf(mode, ['panel', 'editor', 'report'] as const) || typeof trusted !== 'boolean') return undefined;
      if (!isFields(display) || !isOneOf(display.sequential, SEQUENTIAL_MAPS) || !isOneOf(display.diverging, DIVERGING_MAPS)) {
        return undefined;
      }
      return {
        type: 'showModel',
        model: { fileName: model.fileName, uri: model.uri },
        mode,
        trusted,
        display: { sequential: display.sequential, diverging: display.diverging },
        inputs,
        status,
      };
    }
    case 'setStatus': {
      const status = parseStatus(value.status);
      if (!hasOnlyKeys(value, ['type', 'status']) || !status) return undefined;
      return { type: 'setStatus', status };
    }
    case 'modelSummary': {
      const { state, note } = value;
      if (!isOneOf(state, ['loading', 'ready', 'error', 'restricted'] as const) || (note !== null && !isText(note))) return undefined;
      const summary = value.summary === null ? null : parseModelSummary(value.summary);
      if (summary === undefined || (state === 'ready') !== (summary !== null)) return undefined;
      return { type: 'modelSummary', state, summary, note };
    }
    case 'inputs': {
      const inputs = parseInputs(value.inputs);
      return inputs && { type: 'inputs', inputs };
    }
    case 'runState':
      return typeof value.running === 'boolean' && isInteger(value.columns, 1, MAX_COLUMNS)
        ? { type: 'runState', running: value.running, columns: value.columns }
        : undefined;
    case 'progress': {
      const { column, stage, fraction, message } = value;
      if (!isColumn(column) || !isText(stage, 64) || !isFiniteNumber(fraction) || !isText(message)) return undefined;
      return { type: 'progress', column, stage, fraction: Math.min(1, Math.max(0, fraction)), message };
    }
    case 'imageResult': {
      const { column, index, count } = value;
      const result = parseImageResult(value.result);
      if (!result || !isColumn(column) || !isInteger(count, 1, 1 << 16) || !isInteger(index, 0, count - 1)) return undefined;
      return { type: 'imageResult', column, index, count, result };
    }
    case 'runSummary': {
      const summary = parseRunSummary(value.summary);
      return summary && isColumn(value.column) ? { type: 'runSummary', column: value.column, summary } : undefined;
    }
    case 'clearResults':
      return { type: 'clearResults' };
    case 'focus':
      return isOneOf(value.target, ['policy', 'policyB', 'images'] as const) ? { type: 'focus', target: value.target } : undefined;
    default:
      return undefined;
  }
}

//#region saved webview state

export type ScaleMode = 'shared' | 'per-map';

/** How the results are shown; the webview's own choices, saved with it. */
export interface ViewOptions {
  scale: ScaleMode;
  /** Screen pixels per image pixel; 0 = fit the maps to about 160 pixels. */
  zoom: number;
  /** The image whose maps are shown when several were analysed. */
  selectedImage: number;
}

export const ZOOM_LEVELS = [0, 1, 2, 4, 8, 16] as const;

export const DEFAULT_VIEW: ViewOptions = { scale: 'shared', zoom: 0, selectedImage: 0 };

/** State the webview persists with `setState`, read back by the panel serializer after a reload. */
export interface PanelState {
  modelUri: string;
  view: ViewOptions;
}

export function parseViewOptions(value: unknown): ViewOptions | undefined {
  if (!isFields(value)) return undefined;
  const { scale, zoom, selectedImage } = value;
  if (!isOneOf(scale, ['shared', 'per-map'] as const) || !ZOOM_LEVELS.includes(zoom as 0) || !isInteger(selectedImage, 0, 1 << 16)) {
    return undefined;
  }
  return { scale, zoom: zoom as number, selectedImage };
}

export function parsePanelState(value: unknown): PanelState | undefined {
  if (!isFields(value) || !isText(value.modelUri)) return undefined;
  return { modelUri: value.modelUri, view: parseViewOptions(value.view) ?? DEFAULT_VIEW };
}

//#endregion
