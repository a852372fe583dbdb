import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createImage } from '../core/image';
import { encodePng } from '../core/io/encode';
import { encodeNpyFloat32 } from '../core/io/npy';
import { renderHeatmap, renderImage } from '../core/render/heatmap';
import type { RgbaImage } from '../core/render/canvas';
import { formatCompact } from '../core/render/ticks';
import type { AnalysisResult, ImageArrays } from './analysis/result';

/** Writes report.json, the arrays as float32 .npy and PNG heatmaps into `dir`; returns the file names written. */
export function writeReportFiles(dir: string, result: AnalysisResult): string[] {
  mkdirSync(dir, { recursive: true });
  const written: string[] = [];
  const put = (name: string, data: string | Buffer) => {
    writeFileSync(join(dir, name), data);
    written.push(name);
  };
  put('report.json', JSON.stringify(result.report, null, 2) + '\n');
  result.arrays.forEach((a, i) => {
    const prefix = result.arrays.length > 1 ? `image${i}_` : '';
    const eigenvalues = result.report.images[i].moments.eigenvalues;
    const explained = result.report.images[i].moments.explainedVariance;
    put(`${prefix}mean.npy`, encodeNpyFloat32(a.mean, a.shape));
    put(`${prefix}variance.npy`, encodeNpyFloat32(a.variance, a.shape));
    put(`${prefix}eigenvectors.npy`, encodeNpyFloat32(a.eigenvectors, [a.eigenCount, ...a.shape]));
    if (a.saliency) put(`${prefix}saliency.npy`, encodeNpyFloat32(a.saliency, a.cleanShape));
    if (a.saliencyMean) put(`${prefix}saliency_mean.npy`, encodeNpyFloat32(a.saliencyMean, a.shape));
    if (a.saliencyTimesStd) put(`${prefix}saliency_times_std.npy`, encodeNpyFloat32(a.saliencyTimesStd, a.shape));
    for (const [name, png] of heatmaps(a, eigenvalues, explained)) put(`${prefix}${name}`, png);
  });
  return written;
}

/** The PNG pictures of one image's moments: mean image, variance with colour bar, each eigen-image. */
export function heatmaps(a: ImageArrays, eigenvalues: readonly number[], explained: readonly number[]): [string, Buffer][] {
  const [c, h, w] = a.shape;
  const scale = Math.max(1, Math.floor(256 / Math.max(h, w)));
  const png = (img: RgbaImage) => encodePng(img.rgba, img.width, img.height);
  const out: [string, Buffer][] = [];
  const inUnitRange = a.mean.every((v) => v >= -1e-6 && v <= 1 + 1e-6);
  out.push([
    'mean.png',
    png(
      inUnitRange && (c === 1 || c === 3)
        ? renderImage(createImage(c, h, w, a.mean), { scale, title: 'mean image E[T(x)]' })
        : renderHeatmap(sumChannels(a.mean, c, h * w, 1 / c), h, w, { colormap: 'viridis', colorbar: true, scale, title: 'mean (channel average)' }),
    ),
  ]);
  out.push([
    'variance.png',
    png(renderHeatmap(sumChannels(a.variance, c, h * w, 1), h, w, { colormap: 'viridis', colorbar: true, scale, title: 'variance (sum over channels)' })),
  ]);
  const signed = (name: string, data: Float32Array, [ch, hh, ww]: readonly number[], title: string) => {
    const s = Math.max(1, Math.floor(256 / Math.max(hh, ww)));
    out.push([name, png(renderHeatmap(sumChannels(data, ch, hh * ww, 1), hh, ww, { colormap: 'rdbu_r', symmetric: true, colorbar: true, scale: s, title }))]);
  };
  if (a.saliency) signed('saliency.png', a.saliency, a.cleanShape, 'saliency dLoss/dx (clean image)');
  if (a.saliencyTimesStd) {
    out.push([
      'saliency_times_std.png',
      png(renderHeatmap(sumChannels(a.saliencyTimesStd, c, h * w, 1), h, w, { colormap: 'magma', colorbar: true, scale, title: '|saliency| x std' })),
    ]);
  }
  for (let k = 0; k < a.eigenCount; k++) {
    const v = a.eigenvectors.subarray(k * c * h * w, (k + 1) * c * h * w);
    const title = `eigen ${k + 1}: ${formatCompact(eigenvalues[k])} (${(100 * explained[k]).toFixed(1)}%)`;
    out.push([
      `eigen_${k + 1}.png`,
      png(renderHeatmap(sumChannels(v, c, h * w, 1), h, w, { colormap: 'rdbu_r', symmetric: true, colorbar: true, scale, title })),
    ]);
  }
  return out;
}

function sumChannels(data: Float32Array, channels: number, plane: number, factor: number): Float32Array {
  const out = new Float32Array(plane);
  for (let ch = 0; ch < channels; ch++) for (let p = 0; p < plane; p++) out[p] += factor * data[ch * plane + p];
  return out;
}
