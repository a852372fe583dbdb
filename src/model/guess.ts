import { foldedNormalize } from './foldedNormalize';
import { statedPreprocessing } from './metadataPreprocess';
import type { LoadedModel } from './modelInfo';
import { PRESET_NAMES, PRESETS, type PresetName, type PreprocessValues } from './preprocess';

/** How much of the guess the file itself says: 'high' all of it, 'medium' part of it, 'low' none (shape heuristics). */
export type GuessCertainty = 'high' | 'medium' | 'low';

export interface PreprocessGuess {
  /** The preset the values equal, or 'file' when the file's values match none. */
  readonly name: string;
  readonly values: PreprocessValues;
  /** Why these values, to show the user next to the results. */
  readonly reason: string;
  readonly certainty: GuessCertainty;
}

type GuessedModel = Pick<LoadedModel, 'channels' | 'height' | 'width' | 'input' | 'outputKind' | 'layout' | 'producer' | 'baseDir'> & {
  readonly proto: Pick<LoadedModel['proto'], 'metadata_props' | 'graph'>;
};

interface Hint {
  readonly values: Partial<PreprocessValues>;
  readonly reason: string;
  /** 'stated': written in the file; 'read': inferred from the file (graph, producer); 'heuristic': from the shapes. */
  readonly source: 'stated' | 'read' | 'heuristic';
}

const FIELDS = ['channels', 'scale', 'mean', 'std'] as const;

/** Producers whose models take one known preprocessing. */
const PRODUCERS: readonly { readonly pattern: RegExp; readonly values: Partial<PreprocessValues>; readonly note: string }[] = [
  {
    pattern: /paddle2onnx/i,
    values: { channels: 'bgr', scale: 1, mean: [0.5], std: [0.5] },
    note: "PaddlePaddle's image models (PaddleOCR) read BGR images as (x/255 - 0.5)/0.5",
  },
];

/**
 * The preprocessing a model expects, from what the file says first: its metadata_props, a Normalize folded into
 * its first nodes, its producer; whatever is still open comes from the input shape, dtype and output kind, a
 * heuristic said as such. Each value is taken from the first source that gives it.
 */
export function guessPreprocessing(model: GuessedModel): PreprocessGuess {
  const hints = [statedHint(model), graphHint(model), producerHint(model), heuristicHint(model)].filter((h): h is Hint => h !== null);
  const from = new Map<(typeof FIELDS)[number], Hint>();
  for (const field of FIELDS) from.set(field, hints.find((h) => h.values[field] !== undefined)!);
  const values: PreprocessValues = {
    channels: model.channels === 1 ? 'gray' : from.get('channels')!.values.channels!,
    scale: from.get('scale')!.values.scale!,
    mean: from.get('mean')!.values.mean!,
    std: from.get('std')!.values.std!,
  };
  const used = hints.filter((h) => [...from.values()].includes(h));
  const sources = new Set(used.map((h) => h.source));
  const certainty: GuessCertainty = sources.has('heuristic') ? (sources.size > 1 ? 'medium' : 'low') : sources.has('read') ? 'medium' : 'high';
  return { name: presetMatching(values) ?? 'file', values, reason: used.map((h) => h.reason).join('; '), certainty };
}

function statedHint(model: GuessedModel): Hint | null {
  const stated = statedPreprocessing(model.proto.metadata_props);
  return stated && { values: stated.values, reason: `stated in the file's metadata (${stated.entries.join(', ')})`, source: 'stated' };
}

/**
 * A graph that normalises its own input takes raw pixels: scale 1 or 255, whichever brings a unit step of the input
 * nearest to the unit range after the folded map (|a| * scale closest to 2, in ratio), mean 0, std 1.
 */
function graphHint(model: GuessedModel): Hint | null {
  if (!model.proto.graph) return null;
  const folded = foldedNormalize(model.proto.graph, model.input.name, model.layout, model.channels, model.baseDir);
  if (!folded) return null;
  const gain = folded.a.reduce((s, v) => s + Math.abs(v), 0) / folded.a.length;
  const scale = [1, 255].reduce((best, s) => (Math.abs(Math.log((gain * s) / 2)) < Math.abs(Math.log((gain * best) / 2)) ? s : best));
  return {
    values: { scale, mean: [0], std: [1] },
    reason: `the graph normalises its input itself (${folded.description}), so it takes pixels in ${scale === 1 ? '[0, 1]' : '0..255'}`,
    source: 'read',
  };
}

function producerHint(model: GuessedModel): Hint | null {
  const known = PRODUCERS.find((p) => p.pattern.test(model.producer));
  return known ? { values: known.values, reason: `written by ${model.producer}: ${known.note}`, source: 'read' } : null;
}

/** Largest side treated as a small-image (CIFAR-style) model. */
const SMALL_INPUT = 64;

function heuristicHint(model: GuessedModel): Hint {
  const size = model.height !== null && model.width !== null ? `${model.height}x${model.width}` : 'free-size';
  const hint = (preset: PresetName, reason: string): Hint => ({ values: PRESETS[preset], reason: `${reason} (a guess)`, source: 'heuristic' });
  if (model.channels === 1) return hint('unit', `1-channel ${size} input: grayscale pixels in [0, 1], as MNIST-style models take`);
  if (model.input.dtype === 'float16' && model.outputKind === 'probabilities') {
    return hint(
      'raw255-bgr',
      `float16 ${size} 3-channel input with a probability output looks like a Caffe-converted ImageNet model: BGR pixels 0..255, no mean/std; only a guess, check the model's documentation`,
    );
  }
  const side = Math.max(model.height ?? Infinity, model.width ?? Infinity);
  if (side <= SMALL_INPUT) return hint('cifar', `small ${size} 3-channel input looks like a CIFAR model: RGB normalised with mean 0.5, std 0.5`);
  return hint(
    'imagenet',
    `${size} 3-channel input with ${model.outputKind} output: torchvision's ImageNet normalisation (RGB, mean 0.485/0.456/0.406, std 0.229/0.224/0.225)`,
  );
}

function presetMatching(v: PreprocessValues): PresetName | undefined {
  const same = (x: readonly number[], y: readonly number[]) => x.length === y.length && x.every((a, i) => Math.abs(a - y[i]) < 1e-9);
  return PRESET_NAMES.find((n) => {
    const p = PRESETS[n];
    return (p.channels === v.channels || v.channels === 'gray') && p.scale === v.scale && same(p.mean, v.mean) && same(p.std, v.std);
  });
}
