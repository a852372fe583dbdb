import { hsvToRgb, mod1, rgbToHsv } from './hsv';

/**
 * Mean and second moment of clamp(a + f d, 0, 1) for f uniform on [lo, hi] (lo < hi): the blend of every
 * brightness, contrast and saturation adjustment is linear in its factor, so it is piecewise linear with kinks where
 * a + f d crosses 0 and 1 (docs/math.md, section 3), and each piece integrates in closed form. Writes [E, E2] at `at`.
 */
export function clampedLinearMoments(a: number, d: number, lo: number, hi: number, out: Float64Array, at: number): void {
  let s1 = 0;
  let s2 = 0;
  const cuts = [lo];
  if (d !== 0) {
    for (const t of [-a / d, (1 - a) / d].sort((x, y) => x - y)) if (t > lo && t < hi) cuts.push(t);
  }
  cuts.push(hi);
  for (let i = 0; i + 1 < cuts.length; i++) {
    const len = cuts[i + 1] - cuts[i];
    const mid = a + ((cuts[i] + cuts[i + 1]) / 2) * d;
    if (mid <= 0) continue;
    if (mid >= 1) {
      s1 += len;
      s2 += len;
      continue;
    }
    const ya = a + cuts[i] * d;
    const yb = a + cuts[i + 1] * d;
    s1 += (len * (ya + yb)) / 2;
    s2 += (len * (ya * ya + ya * yb + yb * yb)) / 3;
  }
  out[at] = s1 / (hi - lo);
  out[at + 1] = s2 / (hi - lo);
}

/**
 * Mean and second moment of each channel of adjust_hue(pixel, f) for f uniform on [lo, hi]: with (H, S, V) of the
 * pixel, the output is hsv2rgb((H + f) mod 1, S, V), continuous and linear in f between the points where 6 (H + f)
 * crosses an integer, so each channel is integrated exactly from its values at those points. Writes
 * [E_r, E2_r, E_g, E2_g, E_b, E2_b].
 */
export function hueMoments(r: number, g: number, b: number, lo: number, hi: number, out: Float64Array): void {
  const hsv = new Float64Array(3);
  rgbToHsv(r, g, b, hsv);
  out.fill(0);
  const first = Math.ceil(6 * (hsv[0] + lo));
  const cuts = [lo];
  for (let k = first; (k / 6 - hsv[0]) < hi; k++) if (k / 6 - hsv[0] > lo) cuts.push(k / 6 - hsv[0]);
  cuts.push(hi);
  const ya = new Float64Array(3);
  const yb = new Float64Array(3);
  hsvToRgb(mod1(hsv[0] + lo), hsv[1], hsv[2], ya);
  for (let i = 0; i + 1 < cuts.length; i++) {
    const len = cuts[i + 1] - cuts[i];
    hsvToRgb(mod1(hsv[0] + cuts[i + 1]), hsv[1], hsv[2], yb);
    for (let c = 0; c < 3; c++) {
      out[2 * c] += (len * (ya[c] + yb[c])) / 2;
      out[2 * c + 1] += (len * (ya[c] * ya[c] + ya[c] * yb[c] + yb[c] * yb[c])) / 3;
    }
    ya.set(yb);
  }
  for (let i = 0; i < 6; i++) out[i] /= hi - lo;
}
