import { join } from 'node:path';
import { flipHorizontal, flipVertical } from '../core/augment/geometry';
import type { Image } from '../core/image';
import { imageToPng } from '../core/io/encode';
import { makeExampleImage } from '../core/io/exampleImage';
import { encodeModel } from '../model/onnx/codec';
import { linearModel } from '../model/onnx/linearModel';
import type { Report } from '../engine/contract/report';
import type { ReportEntry } from '../engine/report/reportEntries';

export const EXAMPLE_POLICY = 'Compose([RandomCrop(48, padding=4), RandomHorizontalFlip(p=0.5)])';

export const EXAMPLE_IMAGE = 'example.png';
export const EXAMPLE_MODEL = 'example-model.onnx';

/**
 * The built-in example's two files, EXAMPLE_IMAGE and EXAMPLE_MODEL: a generated picture and a generated ONNX classifier that tells the picture's
 * four orientations apart (a linear template matcher: class k scores 6 <x - m, t_k - m> / ||t_k - m||^2, t_k the k-th orientation,
 * m their mean). Horizontal flips swap its top class, so the example shows a policy the model is not invariant to.
 */
export function exampleEntries(): ReportEntry[] {
  const img = makeExampleImage();
  const templates = [img, flipHorizontal(img), flipVertical(img), flipVertical(flipHorizontal(img))];
  const d = img.data.length;
  const mean = new Float64Array(d);
  for (const t of templates) for (let i = 0; i < d; i++) mean[i] += t.data[i] / templates.length;
  const weights = new Float32Array(templates.length * d);
  const bias = new Float32Array(templates.length);
  templates.forEach((t: Image, k) => {
    let norm = 0;
    for (let i = 0; i < d; i++) norm += (t.data[i] - mean[i]) ** 2;
    const scale = 6 / norm;
    for (let i = 0; i < d; i++) {
      weights[k * d + i] = scale * (t.data[i] - mean[i]);
      bias[k] -= scale * (t.data[i] - mean[i]) * mean[i];
    }
  });
  const model = linearModel({ channels: 3, height: img.height, width: img.width, weights, bias, outputName: 'orientation_logits' });
  return [
    { name: EXAMPLE_IMAGE, data: () => imageToPng(img) },
    { name: EXAMPLE_MODEL, data: () => encodeModel(model) },
  ];
}

/** The report with the example's paths moved from the staging folder the analysis read them from into `dir`. */
export function relocateExample(report: Report, dir: string): Report {
  return {
    ...report,
    model: report.model && { ...report.model, path: join(dir, EXAMPLE_MODEL) },
    images: report.images.map((image) => ({ ...image, path: join(dir, EXAMPLE_IMAGE) })),
  };
}
