import type { StringStringEntryProto } from './onnx/types';
import type { ChannelOrder, PreprocessValues } from './preprocess';

/** Preprocessing values a model file states in its metadata_props, with the entries they came from. */
export interface StatedPreprocessing {
  readonly values: Partial<PreprocessValues>;
  /** e.g. "Image.BitmapPixelFormat = Bgr8". */
  readonly entries: readonly string[];
}

const MEAN_KEYS = ['mean', 'image_mean', 'norm_mean', 'pixel_mean', 'mean_values'];
const STD_KEYS = ['std', 'image_std', 'norm_std', 'pixel_std', 'std_values'];
const SCALE_KEYS = ['scale', 'pixel_scale'];
const ORDER_KEYS = ['channels', 'channel_order', 'color_order', 'color_format', 'image.bitmappixelformat'];

/**
 * Reads Windows ML's image metadata (Image.BitmapPixelFormat, Image.NominalPixelRange) and the common spellings of
 * mean / std / scale / channel order. Mean values above 1 without a stated scale are read as 0..255 units.
 */
export function statedPreprocessing(props: readonly StringStringEntryProto[] | undefined): StatedPreprocessing | null {
  const entries = new Map((props ?? []).map((p) => [(p.key ?? '').toLowerCase(), p.value ?? '']));
  const used: string[] = [];
  const find = (keys: readonly string[]): string | undefined => {
    const key = keys.find((k) => entries.has(k));
    if (key === undefined) return undefined;
    const original = (props ?? []).find((p) => (p.key ?? '').toLowerCase() === key)!;
    used.push(`${original.key} = ${original.value}`);
    return entries.get(key);
  };
  const values: { -readonly [K in keyof PreprocessValues]?: PreprocessValues[K] } = {};
  const order = find(ORDER_KEYS);
  const channels = order === undefined ? undefined : channelOrder(order);
  if (channels) values.channels = channels;
  const range = find(['image.nominalpixelrange']);
  if (range !== undefined) Object.assign(values, pixelRange(range));
  const mean = numbers(find(MEAN_KEYS));
  const std = numbers(find(STD_KEYS));
  const scale = numbers(find(SCALE_KEYS));
  if (mean) values.mean = mean;
  if (std) values.std = std;
  // A scale of 1/255 (OpenCV-style multipliers) brings 0..255 pixels to [0, 1]: scale 1 in our terms.
  if (scale?.length === 1) values.scale = Math.abs(scale[0] - 1 / 255) < 1e-6 ? 1 : scale[0];
  else if (mean && values.scale === undefined) values.scale = mean.some((m) => m > 1) ? 255 : 1;
  return Object.keys(values).length ? { values, entries: used } : null;
}

function channelOrder(text: string): ChannelOrder | undefined {
  const t = text.toLowerCase();
  if (t.startsWith('bgr')) return 'bgr';
  if (t.startsWith('rgb')) return 'rgb';
  if (t.startsWith('gray')) return 'gray';
  return undefined;
}

/** Windows ML's NominalPixelRange values. */
function pixelRange(text: string): Partial<PreprocessValues> {
  switch (text.toLowerCase()) {
    case 'nominalrange_0_255':
      return { scale: 255, mean: [0], std: [1] };
    case 'normalized_0_1':
      return { scale: 1, mean: [0], std: [1] };
    case 'normalized_1_1':
      return { scale: 1, mean: [0.5], std: [0.5] };
    default:
      return {};
  }
}

/** "0.5, 0.5, 0.5", "[0.485 0.456 0.406]" or "0.5" as numbers; undefined when absent or not numbers. */
function numbers(text: string | undefined): number[] | undefined {
  if (text === undefined) return undefined;
  const parts = text.replace(/[[\]()]/g, ' ').split(/[\s,;]+/).filter(Boolean).map(Number);
  return parts.length && parts.every(Number.isFinite) ? parts : undefined;
}
