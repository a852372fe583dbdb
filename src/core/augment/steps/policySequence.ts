import { createImage, type Image } from '../../image';
import { lawOfMixture, lawOfMoments, type PixelLaw } from '../../moments/pixelLaw';
import { latticeRule } from '../../quadrature/lattice';
import type { Rng } from '../../rng';
import type { CompileOptions } from '../compileOptions';
import { lazyFamily, liftKeepingLazy, reweighted } from '../lazyFamily';
import { outcomeCount, pointMixture, windowOf, type Mixture, type Shape, type WeightedImage } from '../mixture';
import type { Step, StepQuadrature } from '../step';

/**
 * Compose for policies with continuous steps. Exact steps lift their outcome sets exactly (lazy families stay lazy);
 * one continuous step uses its own rule on every outcome; two or more are integrated jointly, from the first to the
 * last, by one rank-1 lattice rule over all their parameters (a product of per-step rules would multiply the node
 * counts). `parts` exposes the resulting steps for reductions between them.
 */
export function policySequence(parts: readonly Step[], input: Shape, label: string, opts: CompileOptions): Step {
  // Noise steps draw one number per value: they lift on their own, outside any joint rule.
  const continuous = parts.flatMap((p, i) => (p.quadrature && !p.noise ? [i] : []));
  const first = continuous[0];
  const last = continuous[continuous.length - 1];
  // A non-linear continuous step after many exact outcomes would multiply them by its nodes: fold them into the core.
  const start = continuous.length === 1 && !parts[first].quadrature!.linear && exactOutcomes(parts.slice(0, first), input) * parts[first].quadrature!.nodes > JOINT_THRESHOLD * 2 ** opts.level ? 0 : first;
  const steps: Step[] = continuous.length === 0 || (continuous.length === 1 && start === first) ? [...parts] : [...parts.slice(0, start), jointCore(parts.slice(start, last + 1), opts), ...parts.slice(last + 1)];
  const quadratureSteps = steps.filter((s) => s.quadrature);
  return {
    label,
    inputShape: input,
    outputShape: steps.length ? steps[steps.length - 1].outputShape : input,
    affine: steps.every((s) => s.affine),
    get varianceGain() {
      return steps.reduce<number | undefined>((g, s) => (g === undefined || s.varianceGain === undefined ? undefined : g * s.varianceGain), 1);
    },
    parts: steps,
    quadrature: quadratureSteps.length ? combinedQuadrature(quadratureSteps) : undefined,
    sample: (img, rng) => steps.reduce((x, s) => s.sample(x, rng), img),
    enumerate: (img) =>
      steps.reduce<WeightedImage[]>(
        (set, s) => set.flatMap((o) => s.enumerate(o.image).map((r) => ({ weight: o.weight * r.weight, image: r.image }))),
        [{ weight: 1, image: img }],
      ),
    lift: (m) => steps.reduce((x, s) => liftKeepingLazy(s.lift, x), m),
    // The exact route follows the steps as written: grouping is only how the outcome set is built.
    pixelLaw: (law) => parts.reduce<PixelLaw | null>((l, s) => (l ? stepLaw(s, l) : null), law),
  };
}

/** Outcome count past which a non-linear continuous step is integrated jointly with the exact steps before it. */
const JOINT_THRESHOLD = 4096;

/** Outcomes of exact steps on an image of this shape: their structure does not depend on the pixels. */
function exactOutcomes(steps: readonly Step[], input: Shape): number {
  const blank = createImage(input.channels, input.height, input.width);
  return outcomeCount(steps.reduce((m, s) => s.lift(m), pointMixture(blank)));
}

/** The exact per-pixel law through one step: the exact lift while the law is finite, else the step's own route. */
export function stepLaw(step: Step, law: PixelLaw): PixelLaw | null {
  if (law.mixture && !step.quadrature) return lawOfMixture(step.lift(law.mixture));
  return step.pixelLaw ? step.pixelLaw(law) : null;
}

function combinedQuadrature(steps: readonly Step[]): StepQuadrature {
  return {
    rule: steps.map((s) => `${s.label}: ${s.quadrature!.rule}`).join('; '),
    nodes: steps.reduce((n, s) => n * s.quadrature!.nodes, 1),
    linear: steps.every((s) => s.quadrature!.linear),
    exactPixels: steps.every((s) => s.quadrature!.exactPixels),
  };
}

/**
 * Several steps integrated jointly: outcome k of an input is the chain of their samplers fed with the coordinates of
 * lattice point k (each step reads its uniforms in order), weight 1 / N, N = 256 * 2^level. The refined rule (next
 * level) contains this one.
 */
function jointCore(steps: readonly Step[], opts: CompileOptions): Step {
  const rule = latticeRule(256 * 2 ** opts.level);
  const pointRng = (k: number): Rng => {
    let j = 0;
    return { next: () => rule.coordinate(k, j++) };
  };
  const chain = (img: Image, rng: Rng) => steps.reduce((x, s) => s.sample(x, rng), img);
  const points = Array.from({ length: rule.size }, (_, k) => k);
  const output = steps[steps.length - 1].outputShape;
  return {
    label: steps.map((s) => s.label).join(' + '),
    inputShape: steps[0].inputShape,
    outputShape: output,
    affine: steps.every((s) => s.affine),
    quadrature: {
      rule: `rank-1 lattice rule, ${rule.size} points over the parameters of ${steps.map((s) => s.label).join(', ')}`,
      nodes: rule.size,
      linear: steps.every((s) => s.affine),
      exactPixels: false,
    },
    sample: chain,
    enumerate: (img) => points.map((k) => ({ weight: 1 / rule.size, image: chain(img, pointRng(k)) })),
    lift: (m: Mixture): Mixture => ({
      shape: output,
      families: m.families.flatMap((f) =>
        Array.from(f.offsets.p, (p, o) => ({ o, w: f.weight * p }))
          .filter((r) => r.w > 0)
          .flatMap(({ o, w }) => points.map((k) => lazyFamily(w / rule.size, () => chain(windowOf(f, o, m.shape), pointRng(k)), output))),
      ),
    }),
  };
}

/** RandomApply around steps with continuous parameters: the input kept with 1 - p, the steps' lift with p, lazily. */
export function randomApplyContinuous(inner: Step, p: number, label: string): Step {
  if (p < 1 && (inner.outputShape.height !== inner.inputShape.height || inner.outputShape.width !== inner.inputShape.width)) {
    throw new Error(`${label}: the transforms change the image size, so applying them at random gives images of two sizes`);
  }
  const scaled = (m: Mixture, w: number) => m.families.map((f) => reweighted(f, f.weight * w));
  return {
    label,
    inputShape: inner.inputShape,
    outputShape: inner.outputShape,
    affine: inner.affine,
    quadrature: inner.quadrature,
    // torchvision: `if self.p < torch.rand(1): return img`.
    sample: (img, rng) => (p < rng.next() ? img : inner.sample(img, rng)),
    enumerate: (img) =>
      [{ weight: 1 - p, image: img }, ...inner.enumerate(img).map((o) => ({ weight: p * o.weight, image: o.image }))].filter((o) => o.weight > 0),
    lift: (m) => ({ shape: inner.outputShape, families: [...(p < 1 ? scaled(m, 1 - p) : []), ...(p > 0 ? scaled(inner.lift(m), p) : [])] }),
    pixelLaw: (law) => {
      const applied = stepLaw(inner, law);
      if (!applied) return null;
      if (law.mixture && applied.mixture) {
        return lawOfMixture({ shape: law.shape, families: [...scaled(law.mixture, 1 - p), ...scaled(applied.mixture, p)] });
      }
      const mix = (a: Float64Array, b: Float64Array) => a.map((v, i) => (1 - p) * v + p * b[i]);
      return lawOfMoments(law.shape, mix(law.mean, applied.mean), mix(law.second, applied.second));
    },
  };
}
