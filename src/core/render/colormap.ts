/**
 * Colour maps as 256-entry RGB lookup tables, each interpolated linearly (in sRGB) between evenly spaced anchors:
 * - viridis, magma, inferno (sequential, perceptually uniform): every 8th entry of matplotlib's 256-entry tables
 *   (van der Walt & Smith, CC0), which reproduces the full tables to within 2/255;
 * - rdbu_r (diverging, for signed data: blue < 0 < red, near-white at 0): ColorBrewer's 11-class RdBu
 *   (Cynthia Brewer, colorbrewer2.org) reversed, interpolated as matplotlib's "RdBu_r";
 * - gray: black to white.
 */
export type ColormapName = 'viridis' | 'magma' | 'inferno' | 'rdbu_r' | 'gray';

export const COLORMAP_NAMES: readonly ColormapName[] = ['viridis', 'magma', 'inferno', 'rdbu_r', 'gray'];

export type Rgb = [number, number, number];

export const COLORMAP_SIZE = 256;

const ANCHORS: Record<ColormapName, readonly string[]> = {
  viridis: [
    '440154', '470d60', '48186a', '482374', '472d7b', '453781', '424086', '3e4989', '3b528b', '375b8d', '33638d',
    '2f6b8e', '2c728e', '297a8e', '26828e', '23898e', '21918c', '1f978b', '1f9f88', '21a685', '27ad81', '31b57b',
    '3dbc74', '4cc26c', '5cc863', '6ece58', '81d34d', '95d840', 'aadc32', 'c0df25', 'd5e21a', 'eae51a', 'fde725',
  ],
  magma: [
    '000004', '030312', '0a0822', '130d34', '1d1147', '29115a', '36106b', '440f76', '51127c', '5d177f', '6a1c81',
    '762181', '832681', '902a81', '9c2e7f', 'aa337d', 'b73779', 'c23b75', 'cf4070', 'db476a', 'e55064', 'ee5b5e',
    'f4695c', 'f9785d', 'fb8761', 'fd9668', 'fea571', 'feb47b', 'fec287', 'fed194', 'fde0a1', 'fceeb0', 'fcfdbf',
  ],
  inferno: [
    '000004', '040312', '0b0724', '150b37', '210c4a', '2f0a5b', '3d0965', '4a0c6b', '57106e', '64156e', '71196e',
    '7d1e6d', '8a226a', '972766', 'a32c61', 'b0315b', 'bc3754', 'c63d4d', 'd04545', 'da4e3c', 'e35933', 'eb6429',
    'f1711f', 'f67e14', 'f98c0a', 'fb9b06', 'fcaa0f', 'fbba1f', 'f9c932', 'f5d949', 'f2e865', 'f3f586', 'fcffa4',
  ],
  rdbu_r: ['053061', '2166ac', '4393c3', '92c5de', 'd1e5f0', 'f7f7f7', 'fddbc7', 'f4a582', 'd6604d', 'b2182b', '67001f'],
  gray: ['000000', 'ffffff'],
};

const tables = new Map<ColormapName, Uint8Array>();

/** The map's lookup table: COLORMAP_SIZE RGB triples, entry i for t = i / (COLORMAP_SIZE - 1). */
export function colormapTable(name: ColormapName): Uint8Array {
  let table = tables.get(name);
  if (!table) {
    table = interpolateAnchors(ANCHORS[name]);
    tables.set(name, table);
  }
  return table;
}

/** The colour of `value` on a map spanning [lo, hi] (values outside are clamped to the ends). */
export function colorize(value: number, lo: number, hi: number, map: ColormapName): Rgb {
  const i = colormapIndex(value, lo, hi);
  const table = colormapTable(map);
  return [table[3 * i], table[3 * i + 1], table[3 * i + 2]];
}

/** Table index for `value` on [lo, hi]; a degenerate range (hi <= lo) maps everything to the middle. */
export function colormapIndex(value: number, lo: number, hi: number): number {
  const t = hi > lo ? (value - lo) / (hi - lo) : 0.5;
  const clamped = t <= 0 ? 0 : t >= 1 ? 1 : t;
  return Math.round(clamped * (COLORMAP_SIZE - 1));
}

function interpolateAnchors(hexAnchors: readonly string[]): Uint8Array {
  const anchors = hexAnchors.map((hex) => [0, 2, 4].map((i) => parseInt(hex.slice(i, i + 2), 16)));
  const segments = anchors.length - 1;
  const table = new Uint8Array(3 * COLORMAP_SIZE);
  for (let i = 0; i < COLORMAP_SIZE; i++) {
    const position = (i / (COLORMAP_SIZE - 1)) * segments;
    const k = Math.min(Math.floor(position), segments - 1);
    const f = position - k;
    for (let c = 0; c < 3; c++) table[3 * i + c] = Math.round(anchors[k][c] + f * (anchors[k + 1][c] - anchors[k][c]));
  }
  return table;
}
