import { createImage } from '../image';
import { lawOfMoments, type PixelLaw } from '../moments/pixelLaw';
import type { FlipSpec, NormalizeSpec, TransformSpec } from '../policy/types';
import { outcomes, pointMixture } from './mixture';
import { fillValues } from './pad';
import type { Step } from './step';

/**
 * Per-pixel laws through exact steps once the input law is no longer finite (after a continuous step): flips and
 * Normalize map the moments directly; window steps (crops, whole-pixel translations) select pixels or the fill, so
 * E[y] and E[y^2] are their lifts of the mean and second-moment images, with the fill's square put back where the
 * fill lands (the lift of the zero image locates it). Those lifts run on float32 canvases: rounding 1e-7 relative.
 * Other steps (Resize mixes pixels) have no route: null.
 */
export function momentPropagation(spec: TransformSpec, step: Step): ((law: PixelLaw) => PixelLaw | null) | undefined {
  switch (spec.kind) {
    case 'RandomHorizontalFlip':
    case 'RandomVerticalFlip':
      return (law) => flipLaw(spec, law);
    case 'Normalize':
      return (law) => normalizeLaw(spec, law);
    case 'RandomCrop':
    case 'CenterCrop':
    case 'RandomAffine':
      return (law) => windowLaw(spec.kind === 'CenterCrop' ? 0 : spec.fill, step, law);
    default:
      return undefined;
  }
}

function flipLaw(spec: FlipSpec, law: PixelLaw): PixelLaw {
  const { height: h, width: w } = law.shape;
  const horizontal = spec.kind === 'RandomHorizontalFlip';
  const mix = (v: Float64Array) =>
    v.map((x, i) => {
      const plane = Math.floor(i / (h * w)) * h * w;
      const y = Math.floor((i - plane) / w);
      const col = i - plane - y * w;
      const mirrored = horizontal ? plane + y * w + (w - 1 - col) : plane + (h - 1 - y) * w + col;
      return (1 - spec.p) * x + spec.p * v[mirrored];
    });
  return lawOfMoments(law.shape, mix(law.mean), mix(law.second));
}

function normalizeLaw(spec: NormalizeSpec, law: PixelLaw): PixelLaw {
  const { channels, height: h, width: w } = law.shape;
  const plane = h * w;
  const at = (v: readonly number[], c: number) => (v.length === 1 ? v[0] : v[c]);
  const mean = new Float64Array(law.mean.length);
  const second = new Float64Array(law.mean.length);
  for (let c = 0; c < channels; c++) {
    const m = at(spec.mean, c);
    const s = at(spec.std, c);
    for (let i = c * plane; i < (c + 1) * plane; i++) {
      mean[i] = (law.mean[i] - m) / s;
      second[i] = (law.second[i] - 2 * m * law.mean[i] + m * m) / (s * s);
    }
  }
  return lawOfMoments(law.shape, mean, second);
}

function windowLaw(fill: number | readonly number[], step: Step, law: PixelLaw): PixelLaw {
  const expect = (v: Float64Array) => {
    const m = step.lift(pointMixture(createImage(law.shape.channels, law.shape.height, law.shape.width, Float32Array.from(v))));
    const out = new Float64Array(step.outputShape.channels * step.outputShape.height * step.outputShape.width);
    for (const o of outcomes(m)) for (let i = 0; i < out.length; i++) out[i] += o.weight * o.image.data[i];
    return out;
  };
  const mean = expect(law.mean);
  const second = expect(law.second);
  const fills = fillValues(fill, law.shape.channels);
  if (fills.some((f) => f !== 0)) {
    // lift(zeros) = fill x P(padding) per pixel; replace fill by fill^2 there.
    const atFill = expect(new Float64Array(law.mean.length));
    const plane = step.outputShape.height * step.outputShape.width;
    for (let i = 0; i < second.length; i++) {
      const f = fills[Math.floor(i / plane)];
      if (f !== 0) second[i] += (f - 1) * atFill[i];
    }
  }
  return lawOfMoments(step.outputShape, mean, second);
}
