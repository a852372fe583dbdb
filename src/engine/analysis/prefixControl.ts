import { createHash } from 'node:crypto';
import { compilePolicy, flattenPolicy } from '../../core/augment/compile';
import { outcomeCount, outcomes, pointMixture, type Shape, type WeightedImage } from '../../core/augment/mixture';
import type { Image } from '../../core/image';
import { composeOf } from '../../core/moments/flipPairing';
import { argmax, assertFinite, crossEntropy } from '../../core/outputs/classifier';
import type { CleanPrediction } from '../../core/outputs/outputMoments';
import type { TransformSpec } from '../../core/policy/types';
import type { Rng } from '../../core/rng';
import type { Step } from '../../core/augment/step';
import type { ForwardModel } from './forward';

const BATCH = 32;
/** The largest share of the forward-pass budget the control's outcomes may take. */
export const CONTROL_SHARE = 1 / 8;

/** The control's values at a draw: the loss, its square's control and whether the top-1 class differs from the clean one. */
export interface ControlValues {
  readonly loss: number;
  readonly loss2: number;
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
 *
 * When the next step reads a single uniform u (RandomRotation's angle, a one-factor ColorJitter) and the budget allows
 * three passes per outcome, each outcome runs at u = 0, 1/2, 1 instead, and a draw's control is the quadratic through
 * the three values at its own u: with t = 2u - 1, q(t) = b + t (c - a) / 2 + t^2 ((a + c) / 2 - b). u is uniform and
 * independent of the prefix's outcome, so E[q] = (a + 4 b + c) / 6 exactly (Simpson's rule is exact for quadratics),
 * and q also follows how the loss moves with that step's parameter.
 */
export interface PrefixControl {
  /** What the control's passes evaluated: "RandomCrop + RandomHorizontalFlip" or "..., each at 3 values of RandomRotation's parameter". */
  readonly label: string;
  /** The control in words, for the rule's note. */
  readonly description: string;
  /** The forward passes spent on the exact means (the prefix's outcomes, times 3 with the next step's nodes). */
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
    const next = compilePolicy(composeOf(transforms.slice(s, s + 1)), shape);
    const rest = s + 1 < transforms.length ? compilePolicy(composeOf(transforms.slice(s + 1)), next.outputShape) : null;
    const first = outcomes(mixture).next().value!;
    const nodes = 3 * count <= maxOutcomes && readsOneUniform(next, first.image) ? NODES : null;
    const prefixLabel = transforms.slice(0, s).map((t) => t.kind).join(' + ');
    const nextLabel = transforms[s].kind;
    const table = new Map<string, ControlValues[]>();
    const mean = { loss: 0, loss2: 0, flip: 0 };
    let evaluated = 0;
    const run = async (chunk: WeightedImage[]) => {
      // Each outcome's image, or its images at the next step's nodes.
      const images = chunk.flatMap((o) => (nodes ? nodes.map((u) => next.sample(o.image, fixedUniform(u))) : [o.image]));
      const rows = await model.run(images);
      evaluated += rows.length;
      const per = rows.length / chunk.length;
      chunk.forEach((o, k) => {
        const values = rows.slice(k * per, (k + 1) * per).map((row, i) => {
          assertFinite(row, `the control's image (an outcome of ${prefixLabel}${nodes ? `, ${nextLabel} at u = ${nodes[i]}` : ''})`);
          const loss = crossEntropy(row, clean.kind, clean.target);
          return { loss, loss2: loss * loss, flip: argmax(row) !== clean.top1 ? 1 : 0 };
        });
        // Two outcomes with the same image (a symmetric photo) have the same values: either serves.
        table.set(keyOf(o.image), values);
        // Plain: the outcome's weight; with nodes, Simpson's weights 1/6, 4/6, 1/6 on top of it.
        values.forEach((v, i) => {
          const w = o.weight * (nodes ? SIMPSON[i] : 1);
          mean.loss += w * v.loss;
          mean.loss2 += w * v.loss2;
          mean.flip += w * v.flip;
        });
      });
    };
    // A batch of images at a time: a few hundred images of 224 x 224 would not fit in memory at once.
    const perBatch = Math.max(1, Math.floor(BATCH / (nodes?.length ?? 1)));
    let chunk: WeightedImage[] = [];
    for (const o of outcomes(mixture)) {
      chunk.push(o);
      if (chunk.length < perBatch) continue;
      await run(chunk);
      chunk = [];
    }
    if (chunk.length) await run(chunk);
    return {
      label: nodes ? `${prefixLabel}, each at ${nodes.length} values of ${nextLabel}'s parameter` : prefixLabel,
      description: nodes
        ? `the loss at the draw's ${prefixLabel} outcome as the quadratic in ${nextLabel}'s parameter through its values at ${nodes.length} nodes, all ${count} outcomes evaluated at each`
        : `the loss at the draw's ${prefixLabel} outcome, all ${count} of them evaluated once`,
      outcomes: evaluated,
      mean,
      draw: (x, rng) => {
        const g = prefix.sample(x, rng);
        const read: number[] = [];
        const h = next.sample(g, { next: () => read[read.push(rng.next()) - 1] });
        const image = rest ? rest.sample(h, rng) : h;
        const values = table.get(keyOf(g));
        if (!values) return { image };
        if (!nodes) return { image, control: values[0] };
        // A draw that read other than one uniform (no such step passes readsOneUniform) has no control value.
        return { image, control: read.length === 1 ? quadraticAt(values, 2 * read[0] - 1) : undefined };
      },
    };
  }
  return null;
}

/** The next step's parameter nodes (u in [0, 1]) and Simpson's weights for them. */
const NODES = [0, 0.5, 1];
const SIMPSON = [1 / 6, 4 / 6, 1 / 6];

const fixedUniform = (u: number): Rng => ({ next: () => u });

/** Whether the step's draw reads exactly one uniform, at both ends and the middle of [0, 1) (a coin of RandomApply reads more). */
function readsOneUniform(step: Step, probe: Image): boolean {
  if (!step.quadrature) return false;
  return [0, 0.5, 0.999].every((u) => {
    let reads = 0;
    step.sample(probe, { next: () => (reads++, u) });
    return reads === 1;
  });
}

/** The quadratic through the values at t = -1, 0, 1, at t, for each of loss, loss2 and flip. */
function quadraticAt([a, b, c]: readonly ControlValues[], t: number): ControlValues {
  const q = (y0: number, y1: number, y2: number) => y1 + (t * (y2 - y0)) / 2 + t * t * ((y0 + y2) / 2 - y1);
  return { loss: q(a.loss, b.loss, c.loss), loss2: q(a.loss2, b.loss2, c.loss2), flip: q(a.flip, b.flip, c.flip) };
}

/** An image's identity: the digest of its shape and float32 values, bit for bit. */
function keyOf(x: Image): string {
  const d = x.data;
  return createHash('sha1').update(`${x.channels}x${x.height}x${x.width}`).update(new Uint8Array(d.buffer, d.byteOffset, d.byteLength)).digest('base64');
}
