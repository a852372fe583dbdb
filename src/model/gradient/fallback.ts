import { createImage, type Image } from '../../core/image';

/** A scalar function of [0, 1] images evaluated in batches (e.g. the loss through the model). */
export type ImageObjective = (images: readonly Image[]) => Promise<number[]>;

/** How finite-difference results are labelled; the analysis adds whether they were asked for or stand in for the graph. */
export const FINITE_DIFFERENCES = 'central differences';

export interface FallbackOptions {
  /** RMS change of a pixel at the step (default 1e-2, in [0, 1] units). */
  readonly pixelStep?: number;
  /** Images per objective call (default 64). */
  readonly chunk?: number;
}

export interface DirectionalDerivatives {
  readonly method: typeof FINITE_DIFFERENCES;
  /** d objective / dt of objective(point + t d) at t = 0, per direction. */
  readonly values: number[];
  /** The step t used per direction. */
  readonly steps: number[];
  readonly evaluations: number;
}

/**
 * Central differences (f(x + t d) - f(x - t d)) / 2t along each direction d, two evaluations each, with t chosen so
 * the pixels move by pixelStep in RMS: t = pixelStep sqrt(D) / ||d||.
 */
export async function directionalDerivatives(
  objective: ImageObjective,
  point: Image,
  directions: readonly ArrayLike<number>[],
  options: FallbackOptions = {},
): Promise<DirectionalDerivatives> {
  const size = point.data.length;
  const pixelStep = options.pixelStep ?? 1e-2;
  const steps = directions.map((d) => {
    if (d.length !== size) throw new Error(`direction has ${d.length} values, the image ${size}`);
    let norm = 0;
    for (let i = 0; i < size; i++) norm += d[i] * d[i];
    if (norm === 0) throw new Error('a direction is zero');
    return (pixelStep * Math.sqrt(size)) / Math.sqrt(norm);
  });
  const shifted = (index: number): Image => {
    const k = index >> 1;
    const t = index % 2 === 0 ? steps[k] : -steps[k];
    const d = directions[k];
    return createImage(point.channels, point.height, point.width, Float32Array.from(point.data, (v, i) => v + t * d[i]));
  };
  const f = await inChunks(objective, 2 * directions.length, shifted, options.chunk);
  return { method: FINITE_DIFFERENCES, values: steps.map((t, k) => (f[2 * k] - f[2 * k + 1]) / (2 * t)), steps, evaluations: 2 * directions.length };
}

export interface BlockSaliency {
  readonly method: typeof FINITE_DIFFERENCES;
  /**
   * CHW, constant on each block x channel: the average of the gradient over the block, i.e. the gradient projected
   * onto block-constant images, from one central difference per block and channel.
   */
  readonly gradient: Float32Array;
  readonly block: number;
  readonly evaluations: number;
}

/**
 * Saliency at reduced resolution: for each channel and block x block tile B, the derivative along the tile's
 * indicator 1_B is sum_{p in B} g_p, so dividing by |B| gives the block average of the gradient.
 */
export async function blockSaliency(
  objective: ImageObjective,
  image: Image,
  options: FallbackOptions & { readonly block?: number } = {},
): Promise<BlockSaliency> {
  const { channels, height, width } = image;
  const block = options.block ?? defaultBlock(height, width);
  const step = options.pixelStep ?? 1e-2;
  const tiles: { c: number; y0: number; x0: number; y1: number; x1: number }[] = [];
  for (let c = 0; c < channels; c++) {
    for (let y0 = 0; y0 < height; y0 += block) {
      for (let x0 = 0; x0 < width; x0 += block) tiles.push({ c, y0, x0, y1: Math.min(height, y0 + block), x1: Math.min(width, x0 + block) });
    }
  }
  const shifted = (index: number): Image => {
    const { c, y0, x0, y1, x1 } = tiles[index >> 1];
    const delta = index % 2 === 0 ? step : -step;
    const data = Float32Array.from(image.data);
    for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) data[(c * height + y) * width + x] += delta;
    return createImage(channels, height, width, data);
  };
  const f = await inChunks(objective, 2 * tiles.length, shifted, options.chunk);
  const gradient = new Float32Array(image.data.length);
  tiles.forEach(({ c, y0, x0, y1, x1 }, k) => {
    const average = (f[2 * k] - f[2 * k + 1]) / (2 * step) / ((y1 - y0) * (x1 - x0));
    for (let y = y0; y < y1; y++) gradient.fill(average, (c * height + y) * width + x0, (c * height + y) * width + x1);
  });
  return { method: FINITE_DIFFERENCES, gradient, block, evaluations: blockSaliencyPasses(channels, height, width, block) };
}

/** The block side giving about 16 blocks along the longer side. */
export function defaultBlock(height: number, width: number): number {
  return Math.max(1, Math.ceil(Math.max(height, width) / 16));
}

/** Forward passes blockSaliency makes on a channels x height x width image with this block side. */
export function blockSaliencyPasses(channels: number, height: number, width: number, block: number): number {
  return 2 * channels * Math.ceil(height / block) * Math.ceil(width / block);
}

/** Evaluates images built on demand, a chunk at a time, so only one chunk is held in memory. */
async function inChunks(objective: ImageObjective, count: number, imageAt: (i: number) => Image, chunk = 64): Promise<number[]> {
  const values: number[] = [];
  for (let start = 0; start < count; start += chunk) {
    const images = Array.from({ length: Math.min(chunk, count - start) }, (_, i) => imageAt(start + i));
    values.push(...(await objective(images)));
  }
  return values;
}
