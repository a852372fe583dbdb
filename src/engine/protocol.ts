/**
 * Messages between a host (CLI or extension) and the engine child process, one discriminated union per direction,
 * validated on receipt. Sent with Node's 'advanced' IPC serialisation, so typed arrays travel as binary.
 */
import { ANALYSIS_LIMITS, MAX_MONTE_CARLO_DRAWS, inRange, isImageSize } from '../shared/analysisLimits';
import type { DatasetRecord, RunDescription } from './contract/datasetRecord';
import { isEngineErrorCode, isEngineErrorDetails, type EngineErrorCode, type EngineErrorDetails } from './contract/engineErrors';
import type { ModelInspection } from './contract/modelInspection';
import type { AnalysisResult, ImageArrays, ImageMomentsReport } from './contract/report';
import { ENGINE_STAGES, type AnalyzeParams, type DatasetParams, type EngineStage } from './contract/requests';

export type HostToEngine =
  | { readonly type: 'analyze'; readonly id: number; readonly params: AnalyzeParams }
  | { readonly type: 'analyzeDataset'; readonly id: number; readonly params: DatasetParams }
  /** Load a model and describe it (no analysis). */
  | { readonly type: 'inspect'; readonly id: number; readonly modelPath: string; readonly threads?: number }
  | { readonly type: 'cancel'; readonly id: number };

/** How often the engine says it is alive, even while its worker thread computes. */
export const HEARTBEAT_INTERVAL_MS = 500;

export type EngineToHost =
  | { readonly type: 'ready' }
  | { readonly type: 'heartbeat' }
  | { readonly type: 'progress'; readonly id: number; readonly stage: EngineStage; readonly fraction: number; readonly message: string }
  | { readonly type: 'log'; readonly id: number; readonly message: string }
  /** An image's exact moments, sent before its (slower) model analysis. */
  | { readonly type: 'partial'; readonly id: number; readonly imageIndex: number; readonly moments: ImageMomentsReport; readonly arrays: ImageArrays }
  | { readonly type: 'result'; readonly id: number; readonly result: AnalysisResult }
  | { readonly type: 'modelInfo'; readonly id: number; readonly info: ModelInspection }
  /** The request failed: `code` says why in a closed set, `details` (policy errors, model errors) where it helps. */
  | { readonly type: 'error'; readonly id: number; readonly code: EngineErrorCode; readonly message: string; readonly details?: EngineErrorDetails }
  /** Dataset runs: the run's analysis blocks once the model is loaded, then one record per image, then done. */
  | { readonly type: 'datasetRun'; readonly id: number; readonly run: RunDescription }
  | { readonly type: 'record'; readonly id: number; readonly index: number; readonly record: DatasetRecord }
  | { readonly type: 'datasetDone'; readonly id: number };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isString = (v: unknown): v is string => typeof v === 'string';
const optional = <T>(v: unknown, check: (x: unknown) => x is T): boolean => v === undefined || check(v);
const isCount = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 1;

/** Throws a message naming the first malformed field. */
export function parseHostMessage(msg: unknown): HostToEngine {
  if (!isObject(msg) || !isNumber(msg.id)) throw new Error('engine: message without a numeric id');
  if (msg.type === 'cancel') return { type: 'cancel', id: msg.id };
  if (msg.type === 'inspect') {
    if (!isString(msg.modelPath) || !optional(msg.threads, isCount)) throw new Error('engine: inspect needs a modelPath string');
    return { type: 'inspect', id: msg.id, modelPath: msg.modelPath, threads: msg.threads as number | undefined };
  }
  if (msg.type === 'analyzeDataset') return { type: 'analyzeDataset', id: msg.id, params: datasetParams(msg.params) };
  if (msg.type !== 'analyze') throw new Error(`engine: unknown message type ${JSON.stringify(msg.type)}`);
  const p = checkedAnalysisFields(msg.params, 'analyze', [
    ['imagePaths', (v) => Array.isArray(v) && v.length > 0 && v.every(isString)],
    ['label', (v) => optional(v, isNumber)],
  ]);
  return { type: 'analyze', id: msg.id, params: p as unknown as AnalyzeParams };
}

const isImageKey = (v: unknown): boolean =>
  isObject(v) && isString(v.path) && (v.className === null || isString(v.className)) && (v.label === null || (Number.isInteger(v.label) && (v.label as number) >= 0));

function datasetParams(params: unknown): DatasetParams {
  const p = checkedAnalysisFields(params, 'analyzeDataset', [
    ['modelPath', isString],
    ['root', isString],
    ['images', (v) => Array.isArray(v) && v.every(isImageKey)],
  ]);
  return p as unknown as DatasetParams;
}

/** The fields an analysis request shares, then `extra`; throws naming the first missing or malformed one. */
function checkedAnalysisFields(p: unknown, what: string, extra: [string, (v: unknown) => boolean][]): Record<string, unknown> {
  if (!isObject(p)) throw new Error(`engine: ${what} without params`);
  const fields: [string, boolean][] = [
    ...extra.map(([name, ok]): [string, boolean] => [name, ok(p[name])]),
    ['modelPath', optional(p.modelPath, isString)],
    ['policy', isString(p.policy)],
    ['size', optional(p.size, (v): v is number[] => Array.isArray(v) && v.length === 2 && isImageSize(v[0], v[1]))],
    ['preprocess', optional(p.preprocess, isObject)],
    ['tolerance', inRange('tolerance', p.tolerance)],
    ['confidence', inRange('confidence', p.confidence)],
    ['topK', inRange('topK', p.topK)],
    ['forwardBudget', inRange('forwardBudget', p.forwardBudget)],
    ['maxDraws', optional(p.maxDraws, (v): v is number => inRange('maxDraws', v))],
    ['monteCarloSamples', Number.isInteger(p.monteCarloSamples) && (p.monteCarloSamples as number) >= ANALYSIS_LIMITS.monteCarloSamples.min],
    ['monteCarloTimeMs', optional(p.monteCarloTimeMs, isNumber)],
    ['seed', inRange('seed', p.seed)],
    ['threads', optional(p.threads, isCount)],
    ['parameters', p.parameters === undefined || typeof p.parameters === 'boolean'],
    ['gradient', p.gradient === undefined || p.gradient === 'auto' || p.gradient === 'graph' || p.gradient === 'fd' || p.gradient === 'none'],
  ];
  const bad = fields.find(([, ok]) => !ok);
  if (bad) throw new Error(`engine: ${what} parameter '${bad[0]}' is missing or malformed`);
  if ((p.monteCarloSamples as number) > MAX_MONTE_CARLO_DRAWS) {
    throw new Error(
      `${(p.monteCarloSamples as number).toLocaleString('en-US')} Monte-Carlo draws asked for; at most ${MAX_MONTE_CARLO_DRAWS.toLocaleString('en-US')} are allowed`,
    );
  }
  return p;
}

export function parseEngineMessage(msg: unknown): EngineToHost {
  if (!isObject(msg) || !isString(msg.type)) throw new Error('engine sent a message without a type');
  switch (msg.type) {
    case 'ready':
    case 'heartbeat':
      return { type: msg.type };
    case 'progress':
      if (isNumber(msg.id) && (ENGINE_STAGES as readonly unknown[]).includes(msg.stage) && isNumber(msg.fraction) && isString(msg.message)) {
        return msg as unknown as EngineToHost;
      }
      break;
    case 'log':
      if (isNumber(msg.id) && isString(msg.message)) return msg as unknown as EngineToHost;
      break;
    case 'error':
      if (isNumber(msg.id) && isString(msg.message) && isEngineErrorCode(msg.code) && optional(msg.details, isEngineErrorDetails)) {
        return msg as unknown as EngineToHost;
      }
      break;
    case 'result':
      if (isNumber(msg.id) && isObject(msg.result) && isObject(msg.result.report)) return msg as unknown as EngineToHost;
      break;
    case 'modelInfo':
      if (isNumber(msg.id) && isObject(msg.info) && isObject(msg.info.model)) return msg as unknown as EngineToHost;
      break;
    case 'partial':
      if (isNumber(msg.id) && isNumber(msg.imageIndex) && isObject(msg.moments) && isObject(msg.arrays)) return msg as unknown as EngineToHost;
      break;
    case 'datasetRun':
      if (isNumber(msg.id) && isObject(msg.run) && isObject(msg.run.policy) && isObject(msg.run.settings)) return msg as unknown as EngineToHost;
      break;
    case 'record':
      if (isNumber(msg.id) && isNumber(msg.index) && isObject(msg.record) && isImageKey(msg.record) &&
        (msg.record.kind === 'image' || (msg.record.kind === 'error' && optional(msg.record.code, isEngineErrorCode)))) {
        return msg as unknown as EngineToHost;
      }
      break;
    case 'datasetDone':
      if (isNumber(msg.id)) return msg as unknown as EngineToHost;
      break;
  }
  throw new Error(`engine sent a malformed '${msg.type}' message`);
}
