// The maps the panel draws for one image result, and their colour ranges. Pure (no DOM).
//
// Per-pixel maps of C-channel arrays: the variance is summed over channels (the pixel's share of tr Cov[T(x)]), the
// eigen-images and the saliency are summed over channels (signed), and |saliency| x std (the engine's
// |g_c| sqrt(Var_c) at the mean image) is summed over channels: the first-order size of the loss change each pixel
// contributes.
import { finiteRange } from '../../src/core/render/finiteRange';
import type { ImageResultView } from '../../src/shared/resultsView';
import type { ScaleMode } from '../../src/shared/panelProtocol';
import { num, percent } from '../format';

/** 'image': shown as is (RGB or gray, [0, 1]); 'sequential': magnitudes; 'diverging': signed values around 0. */
export type MapKind = 'image' | 'sequential' | 'diverging';

export type MapGroup = 'clean' | 'mean' | 'variance' | 'eigen' | 'saliency' | 'saliency-mean' | 'saliency-std';

export interface DisplayMap {
  /** Unique within a column; the same id in two columns means the same map of two policies. */
  key: string;
  group: MapGroup;
  title: string;
  caption: string;
  kind: MapKind;
  width: number;
  height: number;
  /** One value per pixel, row-major: what the colour map shows and the hover readout reports. */
  values: Float32Array;
  /** For 'image' maps: the channels (1 or 3) as CHW in [0, 1]. */
  channels?: { count: number; data: Float32Array };
}

export interface Range {
  lo: number;
  hi: number;
}

function channelSum(data: Float32Array, channels: number, plane: number, transform: (v: number, p: number, c: number) => number = (v) => v): Float32Array {
  const out = new Float32Array(plane);
  for (let c = 0; c < channels; c++) for (let p = 0; p < plane; p++) out[p] += transform(data[c * plane + p], p, c);
  return out;
}

function inUnitRange(data: Float32Array): boolean {
  return data.every((v) => v >= -1e-6 && v <= 1 + 1e-6);
}

/** A [0, 1] image as an 'image' map, or as the channel average on a sequential map when values leave [0, 1]. */
function pictureMap(key: 'clean' | 'mean', title: string, caption: string, data: Float32Array, shape: readonly [number, number, number]): DisplayMap {
  const [c, h, w] = shape;
  const plane = h * w;
  const average = channelSum(data, c, plane).map((v) => v / c);
  const showable = (c === 1 || c === 3) && inUnitRange(data);
  return {
    key,
    group: key,
    title,
    caption: showable ? caption : `${caption} (channel average: values leave [0, 1])`,
    kind: showable ? 'image' : 'sequential',
    width: w,
    height: h,
    values: average,
    channels: showable ? { count: c, data } : undefined,
  };
}

export function displayMaps(result: ImageResultView): DisplayMap[] {
  const a = result.arrays;
  const [c, h, w] = a.shape;
  const plane = h * w;
  const size = c * plane;
  const maps: DisplayMap[] = [
    pictureMap('clean', 'Clean image', `x, ${a.cleanShape[1]}x${a.cleanShape[2]}, before the policy`, a.clean, a.cleanShape),
    pictureMap('mean', 'Mean image E[T(x)]', 'the average of all augmented versions', a.mean, a.shape),
    {
      key: 'variance',
      group: 'variance',
      title: 'Per-pixel variance',
      caption: `sum over channels of Var[T(x)]; total tr Cov = ${num(result.moments.totalVariance)}`,
      kind: 'sequential',
      width: w,
      height: h,
      values: channelSum(a.variance, c, plane),
    },
  ];
  for (let k = 0; k < a.eigenCount; k++) {
    const lambda = result.moments.eigenvalues[k];
    const share = result.moments.explained[k];
    maps.push({
      key: `eigen-${k + 1}`,
      group: 'eigen',
      title: `Eigen-image ${k + 1}`,
      caption: `λ = ${num(lambda)}${share === undefined ? '' : `, ${percent(share)} of the variance`}`,
      kind: 'diverging',
      width: w,
      height: h,
      values: channelSum(a.eigenvectors.subarray(k * size, (k + 1) * size), c, plane),
    });
  }
  if (a.saliency) {
    const [cc, ch, cw] = a.cleanShape;
    maps.push({
      key: 'saliency',
      group: 'saliency',
      title: 'Saliency at x',
      caption: 'dLoss/dx at the clean image, summed over channels',
      kind: 'diverging',
      width: cw,
      height: ch,
      values: channelSum(a.saliency, cc, ch * cw),
    });
  }
  if (a.saliencyMean) {
    maps.push({
      key: 'saliency-mean',
      group: 'saliency-mean',
      title: 'Saliency at E[T(x)]',
      caption: 'dLoss/dx at the mean image, summed over channels',
      kind: 'diverging',
      width: w,
      height: h,
      values: channelSum(a.saliencyMean, c, plane),
    });
  }
  if (a.saliencyTimesStd) {
    maps.push({
      key: 'saliency-std',
      group: 'saliency-std',
      title: '|saliency| x std',
      caption: 'sum over channels of |g| sqrt(Var[T(x)]): where augmentation moves the loss',
      kind: 'sequential',
      width: w,
      height: h,
      values: channelSum(a.saliencyTimesStd, c, plane),
    });
  }
  return maps;
}

/**
 * The colour range of every map, keyed by `${column}:${key}`. The same map of the compared policies always shares
 * its range; with 'shared', all maps of a group (all eigen-images, say) share one too. Sequential maps of
 * non-negative quantities start at 0, diverging maps are symmetric around 0, images use [0, 1].
 */
export function mapRanges(columns: readonly (readonly DisplayMap[])[], mode: ScaleMode): Map<string, Range> {
  const pooled = new Map<string, Range>();
  const poolKey = (m: DisplayMap) => (mode === 'shared' ? m.group : m.key);
  for (const maps of columns) {
    for (const m of maps) {
      const e = finiteRange(m.values) ?? { lo: 0, hi: 0 };
      const prev = pooled.get(poolKey(m));
      pooled.set(poolKey(m), prev ? { lo: Math.min(prev.lo, e.lo), hi: Math.max(prev.hi, e.hi) } : e);
    }
  }
  const ranges = new Map<string, Range>();
  columns.forEach((maps, column) => {
    for (const m of maps) {
      const { lo, hi } = pooled.get(poolKey(m))!;
      let range: Range;
      if (m.kind === 'image') range = { lo: 0, hi: 1 };
      else if (m.kind === 'diverging') {
        const r = Math.max(Math.abs(lo), Math.abs(hi));
        range = { lo: -r, hi: r };
      } else range = { lo: Math.min(0, lo), hi };
      ranges.set(`${column}:${m.key}`, range);
    }
  });
  return ranges;
}

/** Screen pixels per image pixel: the chosen zoom, or (zoom 0) what fits a map into about 160 pixels. */
export function pixelScale(zoom: number, width: number, height: number): number {
  if (zoom > 0) return zoom;
  return Math.min(16, Math.max(1, Math.round(160 / Math.max(width, height))));
}

/** True when not every pixel has the colour of the first. */
export function isNonUniform(rgba: Uint8ClampedArray): boolean {
  for (let i = 4; i < rgba.length; i += 4) {
    if (rgba[i] !== rgba[0] || rgba[i + 1] !== rgba[1] || rgba[i + 2] !== rgba[2]) return true;
  }
  return false;
}
