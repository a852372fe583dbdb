/** ITU-R 601 luma weights of torchvision's rgb_to_grayscale. */
export const GRAY_WEIGHTS = [0.2989, 0.587, 0.114] as const;

export function grayOf(r: number, g: number, b: number): number {
  return GRAY_WEIGHTS[0] * r + GRAY_WEIGHTS[1] * g + GRAY_WEIGHTS[2] * b;
}

/**
 * torchvision's `_rgb2hsv` for one pixel (tensor backend, from Pillow's Convert.c): h in [0, 1), with h and s set
 * to 0 where max = min. Writes [h, s, v] into `out`.
 */
export function rgbToHsv(r: number, g: number, b: number, out: Float64Array): void {
  const maxc = Math.max(r, g, b);
  const minc = Math.min(r, g, b);
  const eqc = maxc === minc;
  const cr = maxc - minc;
  const s = cr / (eqc ? 1 : maxc);
  const div = eqc ? 1 : cr;
  const rc = (maxc - r) / div;
  const gc = (maxc - g) / div;
  const bc = (maxc - b) / div;
  let h: number;
  if (maxc === r) h = bc - gc;
  else if (maxc === g) h = 2 + rc - bc;
  else h = 4 + gc - rc;
  // torch.fmod(h / 6 + 1, 1); the argument is positive here.
  const x = h / 6 + 1;
  out[0] = x - Math.trunc(x);
  out[1] = s;
  out[2] = maxc;
}

const clamp01 = (v: number) => (v < 0 ? 0 : v > 1 ? 1 : v);

/** torchvision's `_hsv2rgb` for one pixel: sector i = floor(6h) mod 6, fraction f = 6h - floor(6h). Writes [r, g, b]. */
export function hsvToRgb(h: number, s: number, v: number, out: Float64Array): void {
  const i6 = Math.floor(h * 6);
  const f = h * 6 - i6;
  const p = clamp01(v * (1 - s));
  const q = clamp01(v * (1 - s * f));
  const t = clamp01(v * (1 - s * (1 - f)));
  switch (i6 - 6 * Math.floor(i6 / 6)) {
    case 0: out[0] = v; out[1] = t; out[2] = p; break;
    case 1: out[0] = q; out[1] = v; out[2] = p; break;
    case 2: out[0] = p; out[1] = v; out[2] = t; break;
    case 3: out[0] = p; out[1] = q; out[2] = v; break;
    case 4: out[0] = t; out[1] = p; out[2] = v; break;
    default: out[0] = v; out[1] = p; out[2] = q; break;
  }
}

/**
 * adjust_hue on the planes of an RGB image (`out` may be `src`): H shifted by `factor` modulo 1. The per-pixel
 * arithmetic of rgbToHsv, mod1 and hsvToRgb, written out in one loop with locals (the same values, without two
 * calls and six typed-array round trips per pixel).
 */
export function shiftHue(src: Float32Array, plane: number, factor: number, out: Float32Array): void {
  for (let i = 0, j = plane, k = 2 * plane; i < plane; i++, j++, k++) {
    const r = src[i];
    const g = src[j];
    const b = src[k];
    const maxc = Math.max(r, g, b);
    const minc = Math.min(r, g, b);
    const eqc = maxc === minc;
    const cr = maxc - minc;
    const s = cr / (eqc ? 1 : maxc);
    const div = eqc ? 1 : cr;
    let h: number;
    if (maxc === r) h = (maxc - b) / div - (maxc - g) / div;
    else if (maxc === g) h = 2 + (maxc - r) / div - (maxc - b) / div;
    else h = 4 + (maxc - g) / div - (maxc - r) / div;
    const x = h / 6 + 1;
    const hue = mod1(x - Math.trunc(x) + factor);
    const i6 = Math.floor(hue * 6);
    const f = hue * 6 - i6;
    const v = maxc;
    const p = clamp01(v * (1 - s));
    const q = clamp01(v * (1 - s * f));
    const t = clamp01(v * (1 - s * (1 - f)));
    switch (i6 - 6 * Math.floor(i6 / 6)) {
      case 0: out[i] = v; out[j] = t; out[k] = p; break;
      case 1: out[i] = q; out[j] = v; out[k] = p; break;
      case 2: out[i] = p; out[j] = v; out[k] = t; break;
      case 3: out[i] = p; out[j] = q; out[k] = v; break;
      case 4: out[i] = t; out[j] = p; out[k] = v; break;
      default: out[i] = v; out[j] = p; out[k] = q; break;
    }
  }
}

/** torch's `%` for floats (Python semantics): the result has the sign of the divisor, here in [0, 1). */
export function mod1(x: number): number {
  const r = x - Math.floor(x);
  return r >= 1 ? 0 : r;
}
