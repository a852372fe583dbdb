/**
 * Messages between a host (CLI or extension) and the engine child process, one discriminated union per direction,
 * validated on receipt. Sent with Node's 'advanced' IPC serialisation, so typed arrays travel as binary.
 */
import { ANALYSIS_LIMITS, MAX_MONTE_CARLO_DRAWS, inRange, isImageSize } from '../shared/analysisLimits';
import type { ChannelOrder } from '../shared/presets';
import type { AnalysisResult, GradientMode, ImageArrays, ImageMomentsReport } from './analysis/result';
import type { ModelInspection } from './modelInspection';

export interface PreprocessParams {
  readonly preset?: string;
  readonly mean?: readonly number[];
  readonly std?: readonly number[];
  readonly scale?: number;
  readonly channels?: ChannelOrder;
}

export interface AnalyzeParams {
  /** Absent: image moments only, no model. */
  readonly modelPath?: string;
  readonly imagePaths: readonly string[];
  readonly policy: string;
  /** Resize then CenterCrop every image to this [height, width] before the policy. */
  readonly size?: readonly [number, number];
  readonly preprocess?: PreprocessParams;
  readonly label?: number;
  readonly tolerance: number;
  readonly confidence: number;
  readonly topK: number;
  readonly forwardBudget: number;
  /** Most draws of the randomized rule for the image moments of policies without an exact route (default 16,384). */
  readonly maxDraws?: number;
  readonly monteCarloSamples: number;
  readonly monteCarloTimeMs?: number;
  readonly seed: number;
  readonly threads?: number;
  /** Saliency by the gradient graph ('graph'), finite differences ('fd'), the graph when possible ('auto', default), or none. */
  readonly gradient?: GradientMode;
  /** Also the gradient noise on the model's parameters over the policy's outcomes (analyze --parameters). */
  readonly parameters?: boolean;
}

export type HostToEngine =
  | { readonly type: 'analyze'; readonly id: number; readonly params: AnalyzeParams }
  /** Load a model and describe it (no analysis). */
  | { readonly type: 'inspect'; readonly id: number; readonly modelPath: string; readonly threads?: number }
  | { readonly type: 'cancel'; readonly id: number };

export type EngineStage = 'load' | 'moments' | 'eigen' | 'model' | 'analytic' | 'monte-carlo' | 'done';

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
  | { readonly type: 'error'; readonly id: number; readonly message: string };

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
  if (msg.type !== 'analyze') throw new Error(`engine: unknown message type ${JSON.stringify(msg.type)}`);
  const p = msg.params;
  if (!isObject(p)) throw new Error('engine: analyze without params');
  const fields: [string, boolean][] = [
    ['modelPath', optional(p.modelPath, isString)],
    ['imagePaths', Array.isArray(p.imagePaths) && p.imagePaths.length > 0 && p.imagePaths.every(isString)],
    ['policy', isString(p.policy)],
    ['size', optional(p.size, (v): v is number[] => Array.isArray(v) && v.length === 2 && isImageSize(v[0], v[1]))],
    ['preprocess', optional(p.preprocess, isObject)],
    ['label', optional(p.label, isNumber)],
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
  if (bad) throw new Error(`engine: analyze parameter '${bad[0]}' is missing or malformed`);
  if ((p.monteCarloSamples as number) > MAX_MONTE_CARLO_DRAWS) {
    throw new Error(
      `${(p.monteCarloSamples as number).toLocaleString('en-US')} Monte-Carlo draws asked for; at most ${MAX_MONTE_CARLO_DRAWS.toLocaleString('en-US')} are allowed`,
    );
  }
  return { type: 'analyze', id: msg.id, params: p as unknown as AnalyzeParams };
}

const STAGES: readonly EngineStage[] = ['load', 'moments', 'eigen', 'model', 'analytic', 'monte-carlo', 'done'];

export function parseEngineMessage(msg: unknown): EngineToHost {
  if (!isObject(msg) || !isString(msg.type)) throw new Error('engine sent a message without a type');
  switch (msg.type) {
    case 'ready':
    case 'heartbeat':
      return { type: msg.type };
    case 'progress':
      if (isNumber(msg.id) && STAGES.includes(msg.stage as EngineStage) && isNumber(msg.fraction) && isString(msg.message)) {
        return msg as unknown as EngineToHost;
      }
      break;
    case 'log':
    case 'error':
      if (isNumber(msg.id) && isString(msg.message)) return msg as unknown as EngineToHost;
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
  }
  throw new Error(`engine sent a malformed '${msg.type}' message`);
}
