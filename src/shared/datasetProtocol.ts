// Messages between the extension host and the dataset panel webview (command "AugLens: Analyse Dataset"), one
// discriminated union per direction, validated on receipt as in panelProtocol.ts: the host treats everything from
// the webview as untrusted input.
import { type DatasetComparison, MAX_COMPARED_CLASSES, parseDatasetComparison } from './datasetComparison';
import { MAX_TEXT_LENGTH, hasOnlyKeys, isFields, isFiniteNumber, isInteger, isOneOf, isText } from './validate';

/** One image of the run as the table shows it. */
export interface DatasetImageRow {
  /** Relative to the dataset folder, '/'-separated: the row's key. */
  path: string;
  className: string | null;
  expectedLoss: number;
  stdLoss: number;
  flipRate: number;
  /** Augmented samples for E[loss] within the tolerance; null when E[loss] is 0. */
  samplesNeeded: number | null;
  /** A webview URI of the image file, for the thumbnail. */
  thumbnail: string;
}

export interface DatasetFailureRow {
  path: string;
  className: string | null;
  message: string;
}

/** Per-class means over the analysed images (the dataset report's class table). */
export interface DatasetClassBar {
  name: string;
  images: number;
  failed: number;
  meanFlipRate: number | null;
  meanStdLoss: number | null;
}

export interface DatasetProgress {
  running: boolean;
  /** Images with a record (analysed or failed), this run and resumed ones. */
  done: number;
  total: number;
}

//#region host -> webview

/** Everything the panel shows: sent in reply to `ready`, so a hidden and re-shown webview redraws from it. */
export interface DatasetShowMessage {
  type: 'datasetShow';
  folderName: string;
  /** The folder holding results.jsonl (shown to the user, saved with the webview state). */
  resultsDir: string;
  status: string;
  progress: DatasetProgress;
  images: DatasetImageRow[];
  failures: DatasetFailureRow[];
  classes: DatasetClassBar[];
}

/** Records that arrived since the last message, with the run's state. */
export interface DatasetRecordsMessage {
  type: 'datasetRecords';
  images: DatasetImageRow[];
  failures: DatasetFailureRow[];
  classes: DatasetClassBar[];
  progress: DatasetProgress;
  status: string;
}

/** The run compared with another (the panel's compare view), in reply to `compareRuns` or the compare command. */
export interface DatasetCompareMessage {
  type: 'datasetCompare';
  comparison: DatasetComparison;
}

export type HostToDatasetMessage = DatasetShowMessage | DatasetRecordsMessage | DatasetCompareMessage;

//#endregion

//#region webview -> host

export interface DatasetReadyMessage {
  type: 'ready';
}

/** The user clicked a row: open that image's full analysis. The host only accepts a path of this run's rows. */
export interface DatasetOpenImageMessage {
  type: 'openImage';
  path: string;
}

export interface DatasetCancelMessage {
  type: 'cancel';
}

/** What the webview now shows, read back from its DOM (for the tests). */
export interface DatasetRenderedMessage {
  type: 'rendered';
  tableRows: number;
  failureRows: number;
  classBars: number;
}

/** "Compare with another run...": the host asks which run. */
export interface DatasetCompareRunsMessage {
  type: 'compareRuns';
}

/** Back from the compare view to the run's own table. */
export interface DatasetCloseCompareMessage {
  type: 'closeCompare';
}

/** What the compare view now shows, read back from its DOM (for the tests). */
export interface DatasetRenderedCompareMessage {
  type: 'renderedCompare';
  overallRows: number;
  classRows: number;
  stabilityLabels: string[];
}

export type DatasetToHostMessage =
  | DatasetReadyMessage
  | DatasetOpenImageMessage
  | DatasetCancelMessage
  | DatasetRenderedMessage
  | DatasetCompareRunsMessage
  | DatasetCloseCompareMessage
  | DatasetRenderedCompareMessage;

//#endregion

/** Most rows accepted in one message (a dataset of more images arrives in several). */
export const MAX_ROWS_PER_MESSAGE = 1 << 16;
const MAX_CLASSES = 1 << 16;
const MAX_COUNT = 1 << 30;

const isName = (v: unknown): v is string | null => v === null || isText(v);
const isNonNegative = (v: unknown): v is number => isFiniteNumber(v) && v >= 0;

function parseImageRow(v: unknown): DatasetImageRow | undefined {
  if (!isFields(v) || !hasOnlyKeys(v, ['path', 'className', 'expectedLoss', 'stdLoss', 'flipRate', 'samplesNeeded', 'thumbnail'])) return undefined;
  const { path, className, expectedLoss, stdLoss, flipRate, samplesNeeded, thumbnail } = v;
  if (!isText(path) || !isName(className) || !isText(thumbnail)) return undefined;
  if (!isNonNegative(expectedLoss) || !isNonNegative(stdLoss) || !isNonNegative(flipRate) || flipRate > 1) return undefined;
  if (samplesNeeded !== null && !isNonNegative(samplesNeeded)) return undefined;
  return { path, className, expectedLoss, stdLoss, flipRate, samplesNeeded, thumbnail };
}

function parseFailureRow(v: unknown): DatasetFailureRow | undefined {
  if (!isFields(v) || !hasOnlyKeys(v, ['path', 'className', 'message'])) return undefined;
  const { path, className, message } = v;
  return isText(path) && isName(className) && isText(message) ? { path, className, message } : undefined;
}

function parseClassBar(v: unknown): DatasetClassBar | undefined {
  if (!isFields(v) || !hasOnlyKeys(v, ['name', 'images', 'failed', 'meanFlipRate', 'meanStdLoss'])) return undefined;
  const { name, images, failed, meanFlipRate, meanStdLoss } = v;
  if (!isText(name) || !isInteger(images, 0, MAX_COUNT) || !isInteger(failed, 0, MAX_COUNT)) return undefined;
  if (meanFlipRate !== null && !(isNonNegative(meanFlipRate) && meanFlipRate <= 1)) return undefined;
  if (meanStdLoss !== null && !isNonNegative(meanStdLoss)) return undefined;
  return { name, images, failed, meanFlipRate, meanStdLoss };
}

function parseProgress(v: unknown): DatasetProgress | undefined {
  if (!isFields(v) || !hasOnlyKeys(v, ['running', 'done', 'total'])) return undefined;
  const { running, done, total } = v;
  if (typeof running !== 'boolean' || !isInteger(total, 0, MAX_COUNT) || !isInteger(done, 0, total)) return undefined;
  return { running, done, total };
}

/** Every element parsed, or undefined when the list is too long or one element is malformed. */
function parseList<T>(v: unknown, parse: (x: unknown) => T | undefined, max: number): T[] | undefined {
  if (!Array.isArray(v) || v.length > max) return undefined;
  const parsed = v.map(parse);
  return parsed.every((x) => x !== undefined) ? (parsed as T[]) : undefined;
}

/** Returns the message if `value` is a well-formed host -> dataset webview message, else undefined. */
export function parseHostToDatasetMessage(value: unknown): HostToDatasetMessage | undefined {
  if (isFields(value) && value.type === 'datasetCompare') {
    const comparison = hasOnlyKeys(value, ['type', 'comparison']) ? parseDatasetComparison(value.comparison) : undefined;
    return comparison && { type: 'datasetCompare', comparison };
  }
  if (!isFields(value) || !isOneOf(value.type, ['datasetShow', 'datasetRecords'] as const)) return undefined;
  const images = parseList(value.images, parseImageRow, MAX_ROWS_PER_MESSAGE);
  const failures = parseList(value.failures, parseFailureRow, MAX_ROWS_PER_MESSAGE);
  const classes = parseList(value.classes, parseClassBar, MAX_CLASSES);
  const progress = parseProgress(value.progress);
  const status = value.status;
  if (!images || !failures || !classes || !progress || !isText(status)) return undefined;
  if (value.type === 'datasetRecords') {
    if (!hasOnlyKeys(value, ['type', 'images', 'failures', 'classes', 'progress', 'status'])) return undefined;
    return { type: 'datasetRecords', images, failures, classes, progress, status };
  }
  const { folderName, resultsDir } = value;
  if (!hasOnlyKeys(value, ['type', 'folderName', 'resultsDir', 'status', 'progress', 'images', 'failures', 'classes'])) return undefined;
  if (!isText(folderName) || !isText(resultsDir)) return undefined;
  return { type: 'datasetShow', folderName, resultsDir, status, progress, images, failures, classes };
}

/** Returns the message if `value` is a well-formed dataset webview -> host message, else undefined. */
export function parseDatasetToHostMessage(value: unknown): DatasetToHostMessage | undefined {
  if (!isFields(value)) return undefined;
  switch (value.type) {
    case 'ready':
      return hasOnlyKeys(value, ['type']) ? { type: 'ready' } : undefined;
    case 'cancel':
      return hasOnlyKeys(value, ['type']) ? { type: 'cancel' } : undefined;
    case 'compareRuns':
      return hasOnlyKeys(value, ['type']) ? { type: 'compareRuns' } : undefined;
    case 'closeCompare':
      return hasOnlyKeys(value, ['type']) ? { type: 'closeCompare' } : undefined;
    case 'renderedCompare': {
      const { overallRows, classRows, stabilityLabels } = value;
      if (!hasOnlyKeys(value, ['type', 'overallRows', 'classRows', 'stabilityLabels'])) return undefined;
      if (!isInteger(overallRows, 0, 16) || !isInteger(classRows, 0, MAX_COMPARED_CLASSES)) return undefined;
      if (!Array.isArray(stabilityLabels) || stabilityLabels.length > MAX_COMPARED_CLASSES + 1 || !stabilityLabels.every((l) => isText(l, 64))) return undefined;
      return { type: 'renderedCompare', overallRows, classRows, stabilityLabels: stabilityLabels as string[] };
    }
    case 'openImage':
      return hasOnlyKeys(value, ['type', 'path']) && isText(value.path, MAX_TEXT_LENGTH) && value.path.length > 0
        ? { type: 'openImage', path: value.path }
        : undefined;
    case 'rendered': {
      const { tableRows, failureRows, classBars } = value;
      if (!hasOnlyKeys(value, ['type', 'tableRows', 'failureRows', 'classBars'])) return undefined;
      if (!isInteger(tableRows, 0, MAX_COUNT) || !isInteger(failureRows, 0, MAX_COUNT) || !isInteger(classBars, 0, MAX_CLASSES)) return undefined;
      return { type: 'rendered', tableRows, failureRows, classBars };
    }
    default:
      return undefined;
  }
}

/** State the dataset webview saves with `setState`, read back by the panel serializer after a reload (untrusted). */
export interface DatasetPanelState {
  /** The folder holding the run's results.jsonl. */
  resultsDir: string;
}

export function parseDatasetPanelState(value: unknown): DatasetPanelState | undefined {
  return isFields(value) && isText(value.resultsDir) && value.resultsDir.length > 0 ? { resultsDir: value.resultsDir } : undefined;
}
