import { createHash } from 'node:crypto';
import { compilePolicy, flattenPolicy } from '../../core/augment/compile';
import { outcomeCount, outcomes, pointMixture, type Shape, type WeightedImage } from '../../core/augment/mixture';
import type { Image } from '../../core/image';
import { composeOf } from '../../core/moments/flipPairing';
import { argmax, crossEntropy } from '../../core/outputs/classifier';
import type { CleanPrediction } from '../../core/outputs/outputMoments';
import type { TransformSpec } from '../../core/policy/types';
import type { Rng } from '../../core/rng';
import type { ForwardModel } from './forward';

const BATCH = 32;
/** The largest share of the forward-pass budget the control's outcomes may take. */
export const CONTROL_SHARE = 1 / 8;

/** The loss of an image and whether its top-1 class differs from the clean one (1 or 0). */
export interface ControlValues {
  readonly loss: number;
  readonly flip: number;
}

/** One draw of the policy, and the control: the values at the image its prefix gave (undefined: no enumerated outcome matched). */
export interface ControlledDraw {
  readonly image: Image;
  readonly control?: ControlValues;
}

/**
 * A control variate for the model-level moments: the policy's longest proper prefix whose outcomes are few enough to
 * enumerate (e.g. RandomCrop + RandomHorizontalFlip before RandomRotation and ColorJitter) and that keeps the output
 * shape. Each of its outcomes runs through the model once, which gives E[loss], E[loss^2] and the flip rate of the
 * prefix's images exactly; each draw of the whole policy then carries the values of its prefix image (found by its
 * bytes, no forward pass), a control of exactly known mean that follows the loss closely.
 */
export interface PrefixControl {
  readonly label: string;
  /** Outcomes of the prefix: the forward passes spent on the exact means. */
  readonly outcomes: number;
  readonly mean: { readonly loss: number; readonly loss2: number; readonly flip: number };
  /** The policy's draw at a point: its prefix, then the remaining steps on the prefix's image (the policy's own law). */
  draw(img: Image, rng: Rng): ControlledDraw;
}

/** The control, or null when no proper prefix has between 2 and `maxOutcomes` outcomes and the policy's output shape. */
export async function prefixControl(
  policy: TransformSpec,
  img: Image,
  output: Shape,
  model: ForwardModel,
  clean: CleanPrediction,
  maxOutcomes: number,
): Promise<PrefixControl | null> {
  const transforms = flattenPolicy(policy);
  for (let s = transforms.length - 1; s >= 1; s--) {
    const prefix = compilePolicy(composeOf(transforms.slice(0, s)), img);
    const shape = prefix.outputShape;
    if (prefix.quadrature || shape.channels !== output.channels || shape.height !== output.height || shape.width !== output.width) continue;
    const mixture = prefix.lift(pointMixture(img));
    const count = outcomeCount(mixture);
    if (count < 2 || count > maxOutcomes) continue;
    const suffix = compilePolicy(composeOf(transforms.slice(s)), shape);
    const table = new Map<string, ControlValues>();
    const mean = { loss: 0, loss2: 0, flip: 0 };
    let evaluated = 0;
    const run = async (chunk: WeightedImage[]) => {
      const rows = await model.run(chunk.map((o) => o.image));
      evaluated += rows.length;
      rows.forEach((row, j) => {
        const values = { loss: crossEntropy(row, clean.kind, clean.target), flip: argmax(row) !== clean.top1 ? 1 : 0 };
        table.set(keyOf(chunk[j].image), values);
        const w = chunk[j].weight;
        mean.loss += w * values.loss;
        mean.loss2 += w * values.loss * values.loss;
        mean.flip += w * values.flip;
      });
    };
    // The outcomes a batch at a time: a few hundred images of 224 x 224 would not fit in memory at once.
    let chunk: WeightedImage[] = [];
    for (const o of outcomes(mixture)) {
      chunk.push(o);
      if (chunk.length < BATCH) continue;
      await run(chunk);
      chunk = [];
    }
    if (chunk.length) await run(chunk);
    return {
      label: transforms.slice(0, s).map((t) => t.kind).join(' + '),
      outcomes: evaluated,
      mean,
      draw: (x, rng) => {
        const g = prefix.sample(x, rng);
        return { image: suffix.sample(g, rng), control: table.get(keyOf(g)) };
      },
    };
  }
  return null;
}

/** An image's identity: the digest of its shape and float32 values, bit for bit. */
function keyOf(x: Image): string {
  const d = x.data;
  return createHash('sha1').update(`${x.channels}x${x.height}x${x.width}`).update(new Uint8Array(d.buffer, d.byteOffset, d.byteLength)).digest('base64');
}
