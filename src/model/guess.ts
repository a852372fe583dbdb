import type { ModelInfo } from './model-info';
import type { PresetName } from './preprocess';

export interface PreprocessGuess {
  readonly preset: PresetName;
  /** Why this preset, to show the user next to the results. */
  readonly reason: string;
}

/** Largest side treated as a small-image (CIFAR-style) model. */
const SMALL_INPUT = 64;

/**
 * A preprocessing guess from the input shape, dtype and output kind. Nothing in an ONNX file records the
 * training normalisation, so this is a heuristic and always reported as one.
 */
export function guessPreprocessing(model: Pick<ModelInfo, 'channels' | 'height' | 'width' | 'input' | 'outputKind'>): PreprocessGuess {
  const size = model.height !== null && model.width !== null ? `${model.height}x${model.width}` : 'free-size';
  if (model.channels === 1) {
    return { preset: 'unit', reason: `1-channel ${size} input: grayscale pixels in [0, 1], as MNIST-style models take (a guess)` };
  }
  if (model.input.dtype === 'float16' && model.outputKind === 'probabilities') {
    return {
      preset: 'raw255-bgr',
      reason: `float16 ${size} 3-channel input with a probability output looks like a Caffe-converted ImageNet model: BGR pixels 0..255, no mean/std (only a guess; check the model's documentation)`,
    };
  }
  const side = Math.max(model.height ?? Infinity, model.width ?? Infinity);
  if (side <= SMALL_INPUT) {
    return { preset: 'cifar', reason: `small ${size} 3-channel input looks like a CIFAR model: RGB normalised with mean 0.5, std 0.5 (a guess)` };
  }
  return {
    preset: 'imagenet',
    reason: `${size} 3-channel input with ${model.outputKind} output: torchvision's ImageNet normalisation (RGB, mean 0.485/0.456/0.406, std 0.229/0.224/0.225; a guess)`,
  };
}
