import { createImage } from '../../core/image';
import { encodePng } from '../../core/io/encode';
import { encodeNpyFloat32 } from '../../core/io/npy';
import { renderHeatmap, renderImage } from '../../core/render/heatmap';
import type { RgbaImage } from '../../core/render/canvas';
import { formatCompact } from '../../core/render/ticks';
import type { AnalysisResult, ImageArrays } from '../contract/report';
import { REPORT_FILE } from '../contract/reportFiles';

/** One file of a report folder; `data` renders it when it is about to be written, so a cancel stops the rendering too. */
export interface ReportEntry {
  /** Path relative to the report folder ('/' separated). */
  readonly name: string;
  readonly data: () => string | Uint8Array;
}

/** report.json, the arrays as float32 .npy and the PNG heatmaps of one analysis, each under `folder` ('' or 'sub/'). */
export function reportEntries(result: AnalysisResult, folder = ''): ReportEntry[] {
  const entries: ReportEntry[] = [{ name: folder + REPORT_FILE, data: () => JSON.stringify(result.report, null, 2) + '\n' }];
  const put = (name: string, data: () => string | Uint8Array) => entries.push({ name: folder + name, data });
  result.arrays.forEach((a, i) => {
    const prefix = result.arrays.length > 1 ? `image${i}_` : '';
    const { eigenvalues, explainedVariance } = result.report.images[i].moments;
    put(`${prefix}mean.npy`, () => encodeNpyFloat32(a.mean, a.shape));
    put(`${prefix}variance.npy`, () => encodeNpyFloat32(a.variance, a.shape));
    put(`${prefix}eigenvectors.npy`, () => encodeNpyFloat32(a.eigenvectors, [a.eigenCount, ...a.shape]));
    const { saliency, saliencyMean, saliencyTimesStd } = a;
    if (saliency) put(`${prefix}saliency.npy`, () => encodeNpyFloat32(saliency, a.cleanShape));
    if (saliencyMean) put(`${prefix}saliency_mean.npy`, () => encodeNpyFloat32(saliencyMean, a.shape));
    if (saliencyTimesStd) put(`${prefix}saliency_times_std.npy`, () => encodeNpyFloat32(saliencyTimesStd, a.shape));
    for (const [name, png] of heatmaps(a, eigenvalues, explainedVariance)) put(`${prefix}${name}`, png);
  });
  return entries;
}

/** The PNG pictures of one image's moments, each rendered when called: mean image, variance with colour bar, saliency, each eigen-image. */
function heatmaps(a: ImageArrays, eigenvalues: readonly number[], explained: readonly number[]): [string, () => Uint8Array][] {
  const [c, h, w] = a.shape;
  const scale = Math.max(1, Math.floor(256 / Math.max(h, w)));
  const png = (img: RgbaImage) => encodePng(img.rgba, img.width, img.height);
  const out: [string, () => Uint8Array][] = [];
  out.push([
    'mean.png',
    () =>
      png(
        a.mean.every((v) => v >= -1e-6 && v <= 1 + 1e-6) && (c === 1 || c === 3)
          ? renderImage(createImage(c, h, w, a.mean), { scale, title: 'mean image E[T(x)]' })
          : renderHeatmap(sumChannels(a.mean, c, h * w, 1 / c), h, w, { colormap: 'viridis', colorbar: true, scale, title: 'mean (channel average)' }),
      ),
  ]);
  out.push([
    'variance.png',
    () => png(renderHeatmap(sumChannels(a.variance, c, h * w, 1), h, w, { colormap: 'viridis', colorbar: true, scale, title: 'variance (sum over channels)' })),
  ]);
  const { saliency, saliencyTimesStd } = a;
  if (saliency) {
    const [ch, hh, ww] = a.cleanShape;
    const s = Math.max(1, Math.floor(256 / Math.max(hh, ww)));
    const title = 'saliency dLoss/dx (clean image)';
    out.push(['saliency.png', () => png(renderHeatmap(sumChannels(saliency, ch, hh * ww, 1), hh, ww, { colormap: 'rdbu_r', symmetric: true, colorbar: true, scale: s, title }))]);
  }
  if (saliencyTimesStd) {
    out.push([
      'saliency_times_std.png',
      () => png(renderHeatmap(sumChannels(saliencyTimesStd, c, h * w, 1), h, w, { colormap: 'magma', colorbar: true, scale, title: '|saliency| x std' })),
    ]);
  }
  for (let k = 0; k < a.eigenCount; k++) {
    const v = a.eigenvectors.subarray(k * c * h * w, (k + 1) * c * h * w);
    const title = `eigen ${k + 1}: ${formatCompact(eigenvalues[k])} (${(100 * explained[k]).toFixed(1)}%)`;
    out.push([`eigen_${k + 1}.png`, () => png(renderHeatmap(sumChannels(v, c, h * w, 1), h, w, { colormap: 'rdbu_r', symmetric: true, colorbar: true, scale, title }))]);
  }
  return out;
}

function sumChannels(data: Float32Array, channels: number, plane: number, factor: number): Float32Array {
  const out = new Float32Array(plane);
  for (let ch = 0; ch < channels; ch++) for (let p = 0; p < plane; p++) out[p] += factor * data[ch * plane + p];
  return out;
}
