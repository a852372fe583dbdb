import type { Image } from '../core/image';
import { fitToInput } from './fit';
import type { ModelInfo } from './modelInfo';
import { GRAY_WEIGHTS } from '../core/augment/color/hsv';
import { PRESETS, type ChannelOrder, type PresetName, type PreprocessValues } from '../shared/presets';

export { PRESET_NAMES, PRESETS, type ChannelOrder, type PresetName, type PreprocessValues } from '../shared/presets';

/** A preset and/or explicit values; explicit values override the preset's. */
export interface PreprocessRequest extends Partial<PreprocessValues> {
  readonly preset?: PresetName;
  /** [height, width] fed to a model whose input leaves them free (default 224 x 224); ignored otherwise. */
  readonly size?: readonly [number, number];
}

/** The model input an image is brought to. */
export interface InputTarget {
  readonly layout: ModelInfo['layout'];
  readonly channels: ModelInfo['channels'];
  readonly height: number;
  readonly width: number;
}

/** Input side used when the model leaves height or width free and the request gives no size. */
export const FREE_INPUT_SIDE = 224;

/** Everything needed to turn a [0, 1] CHW image into the model's input tensor (without the batch dimension). */
export interface PreprocessPlan extends PreprocessValues {
  /** The preset's (or guess's) name, with '+ overrides' when explicit values changed it, or 'custom'. */
  readonly name: string;
  /** One value per model channel. */
  readonly mean: readonly number[];
  readonly std: readonly number[];
  readonly target: InputTarget;
}

/** Values under a name: a preset's, or a guess's read from the model file. */
export interface NamedValues {
  readonly name: string;
  readonly values: PreprocessValues;
}

/**
 * The plan: explicit values over the preset over `fallback` (the guess) over 'unit'. Named after the preset (or the
 * fallback) and the values overridden, or 'custom' when every value is explicit or neither preset nor fallback applies.
 */
export function planPreprocessing(
  request: PreprocessRequest,
  model: Pick<ModelInfo, 'layout' | 'channels' | 'height' | 'width'>,
  fallback?: NamedValues,
): PreprocessPlan {
  const target: InputTarget = {
    layout: model.layout,
    channels: model.channels,
    height: model.height ?? request.size?.[0] ?? FREE_INPUT_SIDE,
    width: model.width ?? request.size?.[1] ?? FREE_INPUT_SIDE,
  };
  const named = request.preset ? { name: request.preset, values: PRESETS[request.preset] } : fallback;
  const base = named?.values ?? PRESETS.unit;
  const fields = ['channels', 'scale', 'mean', 'std'] as const;
  const overridden = fields.filter((k) => request[k] !== undefined);
  const name = !named || overridden.length === fields.length ? 'custom' : overridden.length ? `${named.name} + ${overridden.join(', ')}` : named.name;
  const channels = channelOrderFor(request.channels ?? base.channels, request.channels !== undefined, target.channels);
  const scale = request.scale ?? base.scale;
  if (!(scale > 0 && Number.isFinite(scale))) throw new Error(`preprocessing scale must be a positive number, got ${scale}`);
  const mean = perChannel('mean', request.mean ?? base.mean, target.channels, name);
  const std = perChannel('std', request.std ?? base.std, target.channels, name);
  if (std.some((s) => !(s !== 0 && Number.isFinite(s)))) throw new Error(`preprocessing std must be non-zero numbers, got ${std.join(', ')}`);
  return { name, channels, scale, mean, std, target };
}

function channelOrderFor(order: ChannelOrder, explicit: boolean, modelChannels: 1 | 3): ChannelOrder {
  if (modelChannels === 3) return order;
  if (explicit && order !== 'gray') throw new Error(`the model takes 1 channel, so channel order '${order}' cannot apply (use gray)`);
  return 'gray';
}

function perChannel(what: string, values: readonly number[], modelChannels: number, name: string): number[] {
  if (values.length === 1) return new Array<number>(modelChannels).fill(values[0]);
  if (values.length === modelChannels) return [...values];
  throw new Error(`${name}: ${values.length} ${what} values for a model with ${modelChannels} channel(s); give 1 or ${modelChannels}`);
}

/**
 * The linear map from the [0, 1] image (after resize/crop) to the model tensor, per model channel c:
 * model[c] = a[c] * sum_k mix[c][k] * image[k] + b[c]. mix is the channel permutation (rgb/bgr), the luma
 * weights (gray) or the replication of a 1-channel image; a = scale / std, b = -mean / std. The gradient of a
 * loss with respect to the image is therefore sum_c a[c] * mix[c][k] * dLoss/dModel[c].
 */
export interface ChannelMap {
  readonly mix: readonly (readonly number[])[];
  readonly a: readonly number[];
  readonly b: readonly number[];
}

export function channelMap(plan: PreprocessPlan, imageChannels: number): ChannelMap {
  if (imageChannels !== 1 && imageChannels !== 3) throw new Error(`images need 1 or 3 channels, got ${imageChannels}`);
  const modelChannels = plan.target.channels;
  const mix: number[][] = [];
  for (let c = 0; c < modelChannels; c++) {
    if (imageChannels === 1) mix.push([1]);
    else if (plan.channels === 'gray') mix.push([...GRAY_WEIGHTS]);
    else if (plan.channels === 'bgr') mix.push([0, 1, 2].map((k) => (k === 2 - c ? 1 : 0)));
    else mix.push([0, 1, 2].map((k) => (k === c ? 1 : 0)));
  }
  return {
    mix,
    a: plan.std.map((s) => plan.scale / s),
    b: plan.mean.map((m, c) => -m / plan.std[c]),
  };
}

/** The model input for one image, in the model's layout (CHW or HWC), as float32 values. */
export function preprocess(image: Image, plan: PreprocessPlan): Float32Array {
  const { target } = plan;
  const fitted = fitToInput(image, target.height, target.width);
  const map = channelMap(plan, fitted.channels);
  const plane = fitted.height * fitted.width;
  const C = target.channels;
  const out = new Float32Array(C * plane);
  const [pixelStride, channelStride] = target.layout === 'NCHW' ? [1, plane] : [C, 1];
  const src = fitted.data;
  for (let c = 0; c < C; c++) {
    const weights = map.mix[c].map((m) => m * map.a[c]);
    const offset = map.b[c];
    const used = weights.flatMap((w, k) => (w !== 0 ? [k] : []));
    if (used.length === 1) {
      // One source channel (RGB, BGR, gray): the same sum as below, without the loop over channels.
      const w = weights[used[0]];
      const from = used[0] * plane;
      for (let p = 0; p < plane; p++) out[p * pixelStride + c * channelStride] = offset + w * src[from + p];
      continue;
    }
    for (let p = 0; p < plane; p++) {
      let v = offset;
      for (const k of used) v += weights[k] * src[k * plane + p];
      out[p * pixelStride + c * channelStride] = v;
    }
  }
  return out;
}

export function describePreprocessing(plan: PreprocessPlan): string {
  const list = (xs: readonly number[]): string => (xs.every((x) => x === xs[0]) ? `${xs[0]}` : xs.join(', '));
  const { target } = plan;
  return (
    `${plan.name}: ${plan.channels.toUpperCase()}, scale ${plan.scale}, mean ${list(plan.mean)}, std ${list(plan.std)}, ` +
    `resize + centre crop to ${target.height}x${target.width}, ${target.layout}`
  );
}
