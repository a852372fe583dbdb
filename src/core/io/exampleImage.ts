import { createImage, type Image } from '../image';

export const EXAMPLE_IMAGE_SIZE = 48;

type Rgb = readonly [number, number, number];

const DISC = { cx: 15, cy: 14, radius: 9.5, color: [0.9, 0.2, 0.15] as Rgb };
const BAR = { x0: 34, x1: 38, y0: 6, y1: 42, color: [0.95, 0.85, 0.2] as Rgb };
/** Right triangle with its right angle at the bottom left: no flip maps it onto itself. */
const TRIANGLE = { x0: 6, x1: 26, y0: 28, y1: 42, color: [0.2, 0.75, 0.3] as Rgb };

/**
 * AugLens' built-in example picture, 3 x 48 x 48 RGB: a two-way colour gradient background, a red disc at the
 * upper left, a yellow vertical bar at the right and a green right triangle at the lower left, so that crops,
 * translations and both flips all change it. Deterministic; values are multiples of 1/255, as ToTensor gives.
 */
export function makeExampleImage(): Image {
  const n = EXAMPLE_IMAGE_SIZE;
  const plane = n * n;
  const data = new Float32Array(3 * plane);
  for (let y = 0; y < n; y++) {
    for (let x = 0; x < n; x++) {
      const rgb = colorAt(x, y, n - 1);
      for (let c = 0; c < 3; c++) data[c * plane + y * n + x] = Math.round(rgb[c] * 255) / 255;
    }
  }
  return createImage(3, n, n, data);
}

function colorAt(x: number, y: number, last: number): Rgb {
  if ((x - DISC.cx) ** 2 + (y - DISC.cy) ** 2 <= DISC.radius ** 2) return DISC.color;
  if (x >= BAR.x0 && x <= BAR.x1 && y >= BAR.y0 && y <= BAR.y1) return BAR.color;
  const inTriangle =
    x >= TRIANGLE.x0 && y <= TRIANGLE.y1 &&
    (x - TRIANGLE.x0) / (TRIANGLE.x1 - TRIANGLE.x0) + (TRIANGLE.y1 - y) / (TRIANGLE.y1 - TRIANGLE.y0) <= 1;
  if (inTriangle) return TRIANGLE.color;
  return [0.15 + 0.35 * (x / last), 0.25 + 0.3 * (y / last), 0.55 - 0.25 * (y / last)];
}
