// The analysis parameters' defaults and accepted ranges: the one list the CLI's options, the extension's settings
// (package.json `contributes.configuration`, held to it by test/unit/shared/singleSource.test.ts) and the engine's
// check of an analyze request all follow.
import { MAX_IMAGE_PIXELS } from '../core/io/limits';
import { DEFAULT_MAX_DRAWS } from '../core/moments/defaultMaxDraws';

export interface ParameterRange {
  readonly default: number;
  /** Inclusive bounds. */
  readonly min: number;
  readonly max: number;
  readonly integer: boolean;
}

/** Most Monte-Carlo draws one analysis may ask for (each is a forward pass; --mc-seconds bounds the time instead). */
export const MAX_MONTE_CARLO_DRAWS = 1_000_000;

export const ANALYSIS_LIMITS = {
  /** Relative error the sample counts, the quadrature and the randomized image moments aim at. */
  tolerance: { default: 0.01, min: 1e-6, max: 0.5, integer: false },
  confidence: { default: 0.95, min: 0.5, max: 0.9999, integer: false },
  topK: { default: 8, min: 0, max: 64, integer: true },
  forwardBudget: { default: 4096, min: 16, max: 10_000_000, integer: true },
  /** Draws of the randomized rule for image moments without an exact route. */
  maxDraws: { default: DEFAULT_MAX_DRAWS, min: 16, max: 1 << 23, integer: true },
  monteCarloSamples: { default: 1000, min: 0, max: MAX_MONTE_CARLO_DRAWS, integer: true },
  /** Any 32-bit integer (the generator reads it modulo 2^32). */
  seed: { default: 0, min: -(2 ** 31), max: 2 ** 31 - 1, integer: true },
  /** onnxruntime intra-op threads in the settings; 0 lets onnxruntime decide. The engine lowers any count above the cores. */
  threads: { default: 0, min: 0, max: 256, integer: true },
} as const satisfies Record<string, ParameterRange>;

export type AnalysisParameter = keyof typeof ANALYSIS_LIMITS;

/** Whether analyses started from code (diagnostics) also compute the gradient noise on the model's parameters. */
export const DIAGNOSTICS_PARAMETERS_DEFAULT = false;

export function inRange(name: AnalysisParameter, value: unknown): value is number {
  const r: ParameterRange = ANALYSIS_LIMITS[name];
  return typeof value === 'number' && Number.isFinite(value) && value >= r.min && value <= r.max && (!r.integer || Number.isInteger(value));
}

/** What `name` accepts, in words: "an integer from 0 to 64", "a number from 0.000001 to 0.5". */
export function describeRange(name: AnalysisParameter): string {
  const r: ParameterRange = ANALYSIS_LIMITS[name];
  return `${r.integer ? 'an integer' : 'a number'} from ${r.min} to ${r.max}`;
}

/** Sides of the size images are resized and centre-cropped to before the policy (--size, the panel, a policy file). */
export const IMAGE_SIDE = { min: 1, max: 8192 } as const;

/** Whether height x width is a size images may be brought to: integer sides in IMAGE_SIDE, the pixel limit in all. */
export function isImageSize(height: unknown, width: unknown): boolean {
  const side = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= IMAGE_SIDE.min && (v as number) <= IMAGE_SIDE.max;
  return side(height) && side(width) && height * width <= MAX_IMAGE_PIXELS;
}
