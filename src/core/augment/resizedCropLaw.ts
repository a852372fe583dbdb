import { roundHalfEven } from './geometry';

/** A crop size of RandomResizedCrop with its probability, and the top-left corner when it is the fallback. */
export interface CropSize {
  readonly h: number;
  readonly w: number;
  readonly p: number;
}

export interface ResizedCropLaw {
  /** Crop sizes accepted by an attempt, positions uniform over every integer corner. */
  readonly sizes: readonly CropSize[];
  /** The centre crop after ten rejected attempts. */
  readonly fallback: CropSize & { readonly top: number; readonly left: number };
  /** Probability that one attempt is accepted. */
  readonly acceptance: number;
}

/**
 * The exact law of RandomResizedCrop's (h, w): an attempt draws a ~ U(scale) (area fraction) and r ~ U(log ratio),
 * w = round(sqrt(A a e^r)), h = round(sqrt(A a e^-r)), accepted if 0 < w <= W and 0 < h <= H. P1(h, w) is the area
 * of {(a, r): both roundings hit (h, w)} over the area of the box. With alpha = log a the conditions are bands
 * alpha + r in [log((w - 1/2)^2 / A), log((w + 1/2)^2 / A)) and alpha - r likewise for h; for fixed alpha the r
 * interval has a length L(alpha) piecewise linear between computable breakpoints, and
 * P1 = (int e^alpha L(alpha) d alpha) / ((s1 - s0)(R1 - R0)), each piece in closed form. Ten independent attempts:
 * P(h, w) = P1 (1 - (1 - q)^10) / q with q = sum P1, and the fallback takes (1 - q)^10 (docs/math.md, section 4).
 */
export function resizedCropLaw(height: number, width: number, scale: readonly [number, number], ratio: readonly [number, number]): ResizedCropLaw {
  const key = `${height} ${width} ${scale[0]} ${scale[1]} ${ratio[0]} ${ratio[1]}`;
  let law = recentLaws.get(key);
  if (!law) {
    law = computeLaw(height, width, scale, ratio);
    if (recentLaws.size >= 8) recentLaws.delete(recentLaws.keys().next().value!);
    recentLaws.set(key, law);
  }
  return law;
}

/** The last few laws computed: a policy is compiled at several quadrature levels and for the exact route. */
const recentLaws = new Map<string, ResizedCropLaw>();

function computeLaw(height: number, width: number, scale: readonly [number, number], ratio: readonly [number, number]): ResizedCropLaw {
  // w goes with area * ratio; sizes from 1 up to the image side.
  const single = attemptLaw(height * width, scale, ratio, [1, width], [1, height]).map((c) => ({ h: c.b, w: c.a, p: c.p }));
  const q = single.reduce((s, c) => s + c.p, 0);
  const stay = (1 - q) ** 10;
  const sizes = q > 0 ? single.map((c) => ({ ...c, p: (c.p * (1 - stay)) / q })) : [];
  return { sizes, fallback: { ...fallbackCrop(height, width, ratio), p: stay }, acceptance: q };
}

/**
 * One attempt of the (area, log-ratio) draw shared by RandomResizedCrop and RandomErasing: a = round(sqrt(area s e^r)),
 * b = round(sqrt(area s e^-r)) with s ~ U(scale), r ~ U(log ratio); the probability of each accepted (a, b) with
 * a and b in the given inclusive ranges (a size of 0 is the band [0, 1/2)).
 */
export function attemptLaw(
  area: number,
  scale: readonly [number, number],
  ratio: readonly [number, number],
  aRange: readonly [number, number],
  bRange: readonly [number, number],
): { a: number; b: number; p: number }[] {
  const [a0, a1] = [Math.log(scale[0]), Math.log(scale[1])];
  const [r0, r1] = [Math.log(ratio[0]), Math.log(ratio[1])];
  const box = (scale[1] - scale[0]) * (r1 - r0);
  // round(x) = n for x in [n - 1/2, n + 1/2) (ties have probability zero).
  const band = (n: number): [number, number] => [n === 0 ? -Infinity : Math.log((n - 0.5) ** 2 / area), Math.log((n + 0.5) ** 2 / area)];
  const out: { a: number; b: number; p: number }[] = [];
  for (let b = bRange[0]; b <= bRange[1]; b++) {
    const [b0, b1] = band(b);
    for (let a = aRange[0]; a <= aRange[1]; a++) {
      const [w0, w1] = band(a);
      const p = singleAttempt(a0, a1, r0, r1, w0, w1, b0, b1, box);
      if (p > 0) out.push({ a, b, p });
    }
  }
  return out;
}

/** P1 for one (h, w) band pair; a collapsed scale or ratio range makes the draw a segment or a point. */
function singleAttempt(a0: number, a1: number, r0: number, r1: number, w0: number, w1: number, h0: number, h1: number, box: number): number {
  const rInterval = (x: number) => Math.max(0, Math.min(r1, w1 - x, x - h0) - Math.max(r0, w0 - x, x - h1));
  if (a0 < a1 && r0 < r1) return bandIntegral(a0, a1, r0, r1, w0, w1, h0, h1) / box;
  if (a0 < a1) {
    // Fixed ratio r0: alpha in [w0 - r0, w1 - r0) and [h0 + r0, h1 + r0); the measure is in a = e^alpha.
    const lo = Math.max(a0, w0 - r0, h0 + r0);
    const hi = Math.min(a1, w1 - r0, h1 + r0);
    return hi > lo ? (Math.exp(hi) - Math.exp(lo)) / (Math.exp(a1) - Math.exp(a0)) : 0;
  }
  if (r0 < r1) return rInterval(a0) / (r1 - r0);
  return w0 <= a0 + r0 && a0 + r0 < w1 && h0 <= a0 - r0 && a0 - r0 < h1 ? 1 : 0;
}

/**
 * int over alpha in [a0, a1] of e^alpha |{r in [r0, r1]: w0 <= alpha + r < w1, h0 <= alpha - r < h1}| d alpha.
 * The interval's ends are max(r0, w0 - alpha, alpha - h1) and min(r1, w1 - alpha, alpha - h0): their length changes
 * slope only where two of these lines meet, so between those alphas it is linear and e^alpha times it integrates exactly.
 */
function bandIntegral(a0: number, a1: number, r0: number, r1: number, w0: number, w1: number, h0: number, h1: number): number {
  const lower = (x: number) => Math.max(r0, w0 - x, x - h1);
  const upper = (x: number) => Math.min(r1, w1 - x, x - h0);
  const length = (x: number) => Math.max(0, upper(x) - lower(x));
  const lows = [{ c: r0, s: 0 }, { c: w0, s: -1 }, { c: -h1, s: 1 }];
  const highs = [{ c: r1, s: 0 }, { c: w1, s: -1 }, { c: -h0, s: 1 }];
  const lines = [...lows, ...highs];
  const cuts = [a0, a1];
  for (let i = 0; i < lines.length; i++) {
    for (let j = i + 1; j < lines.length; j++) {
      if (lines[i].s !== lines[j].s) cuts.push((lines[j].c - lines[i].c) / (lines[i].s - lines[j].s));
    }
  }
  const inside = cuts.filter((x) => Number.isFinite(x) && x >= a0 && x <= a1).sort((x, y) => x - y);
  let total = 0;
  for (let i = 0; i + 1 < inside.length; i++) {
    const a = inside[i];
    const b = inside[i + 1];
    if (b <= a) continue;
    const la = length(a);
    const lb = length(b);
    if (la === 0 && lb === 0 && length((a + b) / 2) === 0) continue;
    // int_a^b e^x (la + s (x - a)) dx with s the slope.
    const s = (lb - la) / (b - a);
    total += Math.exp(b) * (lb - s) - Math.exp(a) * (la - s);
  }
  return total;
}

/** torchvision's fallback: the centre crop with the ratio clamped to the allowed range, corner at the floor halves. */
function fallbackCrop(height: number, width: number, ratio: readonly [number, number]): { h: number; w: number; top: number; left: number } {
  const inRatio = width / height;
  let w = width;
  let h = height;
  if (inRatio < Math.min(...ratio)) h = roundHalfEven(w / Math.min(...ratio));
  else if (inRatio > Math.max(...ratio)) w = roundHalfEven(h * Math.max(...ratio));
  return { h, w, top: Math.floor((height - h) / 2), left: Math.floor((width - w) / 2) };
}
