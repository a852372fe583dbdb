import { crc32, deflateSync } from 'node:zlib';

/** Raw PNG colour types (PNG spec, IHDR). */
export const GRAY = 0;
export const RGB = 2;
export const PALETTE = 3;
export const GRAY_ALPHA = 4;
export const RGBA = 6;

const SAMPLES_PER_PIXEL: Record<number, number> = { [GRAY]: 1, [RGB]: 3, [PALETTE]: 1, [GRAY_ALPHA]: 2, [RGBA]: 4 };

export interface PngSpec {
  width: number;
  height: number;
  colorType: number;
  bitDepth: number;
  /** Samples row-major, pixel-interleaved; palette indices for colour type 3. */
  samples: ArrayLike<number>;
  /** RGB triples for colour type 3. */
  palette?: number[][];
  /** Raw tRNS chunk payload. */
  trns?: Uint8Array;
}

/** Adam7 passes: first column, first row, column step, row step (PNG spec, section 8.2). */
const ADAM7 = [[0, 0, 8, 8], [4, 0, 8, 8], [0, 4, 4, 8], [2, 0, 4, 4], [0, 2, 2, 4], [1, 0, 2, 2], [0, 1, 1, 2]];

/**
 * Builds a PNG byte for byte from raw samples (filter type 0, one IDAT, optionally Adam7-interlaced),
 * independently of pngjs, so that decoder tests know exactly what the file holds.
 */
export function buildPng(spec: PngSpec & { interlaced?: boolean }): Buffer {
  const { width, height, colorType, bitDepth, samples } = spec;
  const perPixel = SAMPLES_PER_PIXEL[colorType];
  const pixel = (x: number, y: number) => Array.from({ length: perPixel }, (_, k) => samples[(y * width + x) * perPixel + k]);
  const rows: number[][] = [];
  for (const [x0, y0, dx, dy] of spec.interlaced ? ADAM7 : [[0, 0, 1, 1]]) {
    for (let y = y0; y < height; y += dy) {
      const row: number[] = [];
      for (let x = x0; x < width; x += dx) row.push(...pixel(x, y));
      if (row.length > 0) rows.push(row);
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([bitDepth, colorType, 0, 0, spec.interlaced ? 1 : 0], 8);
  const chunks = [chunk('IHDR', ihdr)];
  if (spec.palette) chunks.push(chunk('PLTE', Buffer.from(spec.palette.flat())));
  if (spec.trns) chunks.push(chunk('tRNS', Buffer.from(spec.trns)));
  const raw = Buffer.concat(rows.map((row) => packRow(row, bitDepth)));
  chunks.push(chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0)));
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), ...chunks]);
}

/** One scanline: filter type 0 (none), then the samples packed big-endian at `bitDepth` bits each. */
function packRow(row: number[], bitDepth: number): Buffer {
  const out = Buffer.alloc(1 + Math.ceil((row.length * bitDepth) / 8));
  row.forEach((v, i) => {
    if (bitDepth === 16) out.writeUInt16BE(v, 1 + 2 * i);
    else if (bitDepth === 8) out[1 + i] = v;
    else {
      const bit = i * bitDepth;
      out[1 + (bit >> 3)] |= v << (8 - bitDepth - (bit & 7));
    }
  });
  return out;
}

function chunk(type: string, data: Buffer): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}
