import { createImage, type Image } from '../../image';
import { lawOfMixture, type PixelLaw } from '../../moments/pixelLaw';
import type { ColorJitterSpec } from '../../policy/types';
import { latticeCubeRule } from '../../quadrature/latticeCube';
import { tensorGaussRule, type CubeRule } from '../../quadrature/tensorRule';
import type { Rng } from '../../rng';
import { adjust, adjustInto, ADJUSTMENTS, type Adjustment } from '../color/adjust';
import { singleAdjustmentLaw } from '../color/jitterPixelLaw';
import type { CompileOptions } from '../compileOptions';
import { canvasShapeOf, lazyFamily, materialize } from '../lazyFamily';
import { windowOf, type Mixture, type Shape, type WindowFamily } from '../mixture';
import type { Step } from '../step';

interface Active {
  readonly kind: Adjustment;
  readonly lo: number;
  readonly hi: number;
}

interface JitterNode {
  readonly weight: number;
  /** Adjustments in the order they run, with their factors. */
  readonly ops: readonly { readonly kind: Adjustment; readonly factor: number }[];
}

/**
 * ColorJitter: the set adjustments, each with a uniform factor, run in the order of randperm(4), each result clamped
 * to [0, 1]; only the relative order of the active ones matters, uniform over their k! orders. With one adjustment
 * the per-pixel moments are exact (piecewise integration); the outcome set is a tensor composite Gauss-Legendre rule
 * in the factors times every order (k <= 2) or a rank-1 lattice rule over the factors and the order (k >= 3).
 * Without contrast every adjustment acts on each pixel alone, so it maps the canvases of the input families.
 */
export function colorJitterStep(spec: ColorJitterSpec, input: Shape, label: string, opts: CompileOptions): Step {
  const colour = input.channels === 3;
  if (input.channels !== 1 && input.channels !== 3) throw new Error(`${label}: needs a 1- or 3-channel image, got ${input.channels} channels`);
  const active: Active[] = ADJUSTMENTS.flatMap((kind) => {
    const range = spec[kind];
    // Saturation and hue leave a 1-channel image unchanged (torchvision matches PIL there).
    if (!range || (!colour && (kind === 'saturation' || kind === 'hue'))) return [];
    return [{ kind, lo: range[0], hi: range[1] }];
  });
  const k = active.length;
  const orders = permutations(k);
  const varying = active.filter((a) => a.hi > a.lo);
  const factorAt = (a: Active, u: number) => a.lo + (a.hi - a.lo) * u;
  const rule: CubeRule = k >= 3 ? latticeCubeRule(varying.length + 1, opts.level) : tensorGaussRule(varying.length, opts.level);
  const nodes: JitterNode[] = [];
  for (let n = 0; n < rule.size; n++) {
    const u = rule.points.subarray(n * rule.dims, (n + 1) * rule.dims);
    const factors = new Map(active.map((a) => [a.kind, a.hi > a.lo ? factorAt(a, u[varying.indexOf(a)]) : a.lo]));
    const nodeOrders = k >= 3 ? [orders[Math.min(Math.floor(u[rule.dims - 1] * orders.length), orders.length - 1)]] : orders;
    for (const order of nodeOrders) {
      nodes.push({ weight: rule.weights[n] / nodeOrders.length, ops: order.map((i) => ({ kind: active[i].kind, factor: factors.get(active[i].kind)! })) });
    }
  }
  const apply = (img: Image, node: JitterNode) => node.ops.reduce((x, op) => adjust(x, op.kind, op.factor), img);
  const pointwise = !active.some((a) => a.kind === 'contrast');
  const lift = (m: Mixture): Mixture => {
    if (k === 0) return m;
    const families = pointwise
      ? m.families.flatMap((f) => nodes.map((node) => lazyFamily(f.weight * node.weight, () => apply(f.base, node), canvasShapeOf(f), f.offsets)))
      : m.families.flatMap((f) => outcomeRefs(f).flatMap(({ k: o, w }) => nodes.map((node) => lazyFamily(w * node.weight, () => apply(windowOf(f, o, m.shape), node), m.shape))));
    return { shape: m.shape, families };
  };

  return {
    label,
    inputShape: input,
    outputShape: input,
    affine: k === 0,
    quadrature: { rule: `${rule.description}${k > 1 && k < 3 ? `, times the ${orders.length} orders` : ''}`, nodes: nodes.length, linear: k === 0, exactPixels: k <= 1 },
    sample: (img: Image, rng: Rng) => {
      const order = active.map((_, i) => i);
      for (let i = order.length - 1; i > 0; i--) {
        const j = Math.floor(rng.next() * (i + 1));
        [order[i], order[j]] = [order[j], order[i]];
      }
      const factors = active.map((a) => (a.hi > a.lo ? factorAt(a, rng.next()) : a.lo));
      if (k === 0) return img;
      // The first adjustment reads the input; the others run in place on the new image.
      const out = createImage(img.channels, img.height, img.width);
      order.forEach((i, n) => adjustInto(n === 0 ? img : out, active[i].kind, factors[i], out.data));
      return out;
    },
    enumerate: (img: Image) => nodes.map((node) => ({ weight: node.weight, image: apply(img, node) })),
    lift,
    pixelLaw: (law: PixelLaw): PixelLaw | null => {
      if (k === 0) return law;
      if (!law.mixture) return null;
      // Fixed factors: a deterministic map of every outcome, the law stays finite.
      if (varying.length === 0) return lawOfMixture(materialize(lift(law.mixture)));
      if (k > 1) return null;
      return singleAdjustmentLaw(law.mixture, active[0].kind, active[0].lo, active[0].hi);
    },
  };
}

function outcomeRefs(f: WindowFamily): { k: number; w: number }[] {
  return Array.from(f.offsets.p, (p, k) => ({ k, w: f.weight * p })).filter((o) => o.w > 0);
}

/** All orders of 0..k-1. */
function permutations(k: number): number[][] {
  if (k === 0) return [[]];
  return permutations(k - 1).flatMap((p) => Array.from({ length: k }, (_, i) => [...p.slice(0, i), k - 1, ...p.slice(i)]));
}
