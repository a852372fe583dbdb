import { axisWeights } from '../../core/augment/resize';
import type { Image } from '../../core/image';
import { FIT_RESIZE, fitGeometry } from '../fit';
import { channelMap, type PreprocessPlan } from '../preprocess';

type Size = Pick<Image, 'channels' | 'height' | 'width'>;

/**
 * The chain rule through preprocess(): the gradient with respect to the model input (one item, the model's layout)
 * taken back to the [0, 1] CHW image of the given size. preprocess is affine, model = M image + b, so this is M^T
 * applied in reverse order: the channel map (sum_c a[c] mix[c][k] g[c]), the centre crop (zero outside it), and
 * the resize (its interpolation weights transposed).
 */
export function imageGradient(modelGradient: Float32Array, image: Size, plan: PreprocessPlan): Float32Array {
  const { height, width, layout, channels: modelChannels } = plan.target;
  const plane = height * width;
  if (modelGradient.length !== modelChannels * plane) {
    throw new Error(`model gradient has ${modelGradient.length} values, expected ${modelChannels}x${height}x${width}`);
  }
  const map = channelMap(plan, image.channels);
  const geometry = fitGeometry(image.height, image.width, height, width);
  // Summed in float64 when a resize transpose follows (many taps per pixel), straight into the result otherwise.
  const fitted = geometry.resize ? new Float64Array(image.channels * plane) : new Float32Array(image.channels * plane);
  const [pixelStride, channelStride] = layout === 'NCHW' ? [1, plane] : [modelChannels, 1];
  for (let c = 0; c < modelChannels; c++) {
    for (let k = 0; k < image.channels; k++) {
      const weight = map.a[c] * map.mix[c][k];
      if (weight === 0) continue;
      const to = k * plane;
      for (let p = 0, from = c * channelStride; p < plane; p++, from += pixelStride) fitted[to + p] += weight * modelGradient[from];
    }
  }
  const [resizedH, resizedW] = geometry.resize ?? [image.height, image.width];
  const uncropped = geometry.crop ? uncrop(fitted, image.channels, geometry.crop, resizedH, resizedW) : fitted;
  if (!geometry.resize) return uncropped as Float32Array;
  return Float32Array.from(resizeTranspose(uncropped, image.channels, resizedH, resizedW, image.height, image.width));
}

/** Transpose of the centre crop: the crop's gradient placed in a zero image of the uncropped size. */
function uncrop<T extends Float32Array | Float64Array>(
  g: T,
  channels: number,
  crop: { top: number; left: number; height: number; width: number },
  fullH: number,
  fullW: number,
): T {
  const out = (g instanceof Float64Array ? new Float64Array(channels * fullH * fullW) : new Float32Array(channels * fullH * fullW)) as T;
  for (let c = 0; c < channels; c++) {
    for (let y = 0; y < crop.height; y++) {
      const from = (c * crop.height + y) * crop.width;
      out.set(g.subarray(from, from + crop.width), (c * fullH + crop.top + y) * fullW + crop.left);
    }
  }
  return out;
}

/**
 * Transpose of resizeImage (outH x outW from inH x inW), which is separable: along x, then along y with the taps
 * of axisWeights. The transpose spreads each output's gradient back over its taps, along y, then along x.
 */
export function resizeTranspose(g: ArrayLike<number>, channels: number, outH: number, outW: number, inH: number, inW: number): Float64Array {
  const rows = axisWeights(inH, outH, FIT_RESIZE);
  const cols = axisWeights(inW, outW, FIT_RESIZE);
  const tmp = new Float64Array(channels * inH * outW);
  for (let c = 0; c < channels; c++) {
    for (let y = 0; y < outH; y++) {
      const w = rows.weights[y];
      for (let j = 0; j < w.length; j++) {
        const to = (c * inH + rows.start[y] + j) * outW;
        const from = (c * outH + y) * outW;
        for (let x = 0; x < outW; x++) tmp[to + x] += w[j] * g[from + x];
      }
    }
  }
  const out = new Float64Array(channels * inH * inW);
  for (let r = 0; r < channels * inH; r++) {
    for (let x = 0; x < outW; x++) {
      const w = cols.weights[x];
      const v = tmp[r * outW + x];
      for (let j = 0; j < w.length; j++) out[r * inW + cols.start[x] + j] += w[j] * v;
    }
  }
  return out;
}
