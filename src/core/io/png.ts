import { crc32 } from 'node:zlib';
import { PNG } from 'pngjs';
import { createImage, type Image } from '../image';
import { checkImageDimensions } from './limits';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

export function isPng(bytes: Uint8Array): boolean {
  return PNG_SIGNATURE.every((b, i) => bytes[i] === b);
}

/**
 * Decodes a PNG the way `ToTensor()(PIL.Image.open(f).convert(mode))` sees it, with mode 'L' for grayscale
 * PNGs (colour types 0 and 4) and 'RGB' for the others (2, 3 = palette, 6):
 * - samples are uint8 / 255; 1-, 2- and 4-bit samples are first scaled to 0..255 as PIL does (v * 255 / (2^d - 1));
 * - 16-bit samples keep their high byte, (v >> 8) / 255: exactly what PIL gives for 16-bit RGB, RGBA and
 *   gray+alpha PNGs. (Pillow 9.4 opens 16-bit grayscale as mode 'I', whose convert('L') clips every value above 255
 *   to white; we apply the same high-byte rule instead.)
 * - alpha (an alpha channel or a tRNS chunk) is dropped, not composited: RGBA -> RGB keeps the colour values.
 * - no gamma correction (PIL ignores gAMA too).
 * The header's dimensions are checked against the pixel limit before anything is inflated or allocated.
 */
export function decodePng(bytes: Uint8Array, name: string): Image {
  const header = readHeader(bytes);
  if (header) checkImageDimensions(header.width, header.height, name);
  let png: ReturnType<typeof PNG.sync.read>;
  try {
    const withoutTransparency = checkedChunksWithoutTransparency(bytes);
    png = PNG.sync.read(withoutTransparency, { skipRescale: true });
  } catch (err) {
    throw new Error(`${name}: corrupt PNG: ${err instanceof Error ? err.message : String(err)}`);
  }
  const { width, height, depth, palette, color } = png;
  const channels = color || palette ? 3 : 1;
  const toUnit = sampleToUnit(depth, palette);
  // pngjs gives RGBA (gray replicated into R, G, B), one sample per element, unscaled when skipRescale is set.
  const rgba = png.data as unknown as ArrayLike<number>;
  const plane = width * height;
  const data = new Float32Array(channels * plane);
  for (let c = 0; c < channels; c++) {
    const out = c * plane;
    for (let p = 0; p < plane; p++) data[out + p] = toUnit(rgba[4 * p + c]);
  }
  return createImage(channels, height, width, data);
}

/** Width and height from the IHDR chunk, which must come first; null when it is missing (reported as corrupt later). */
function readHeader(bytes: Uint8Array): { width: number; height: number } | null {
  const isIhdr = bytes.length >= 24 && String.fromCharCode(...bytes.subarray(12, 16)) === 'IHDR';
  return isIhdr ? { width: readUint32(bytes, 16), height: readUint32(bytes, 20) } : null;
}

/** Maps a raw sample to [0, 1] as PIL + ToTensor do (see decodePng). Palette entries are already 8-bit. */
function sampleToUnit(depth: number, palette: boolean): (v: number) => number {
  if (palette || depth === 8) return (v) => v / 255;
  if (depth === 16) return (v) => (v >> 8) / 255;
  const scale = 255 / (2 ** depth - 1);
  return (v) => Math.round(v * scale) / 255;
}

/**
 * Walks the chunks, checking lengths, CRCs and the closing IEND, and drops tRNS chunks: pngjs turns pixels
 * matching the tRNS colour into (0, 0, 0, 0), erasing their colour, while PIL keeps it (and alpha is dropped).
 */
function checkedChunksWithoutTransparency(bytes: Uint8Array): Buffer {
  const parts: Uint8Array[] = [bytes.subarray(0, 8)];
  let offset = 8;
  for (;;) {
    if (offset + 8 > bytes.length) throw new Error(`truncated: file ends after ${bytes.length} bytes without an IEND chunk`);
    const length = readUint32(bytes, offset);
    const type = String.fromCharCode(...bytes.subarray(offset + 4, offset + 8));
    if (!/^[A-Za-z]{4}$/.test(type)) throw new Error(`bad chunk header at byte ${offset}`);
    const end = offset + 12 + length;
    if (end > bytes.length) throw new Error(`truncated: chunk ${type} ends at byte ${end} but the file has ${bytes.length} bytes`);
    if (crc32(bytes.subarray(offset + 4, end - 4)) !== readUint32(bytes, end - 4)) {
      throw new Error(`CRC mismatch in chunk ${type} at byte ${offset} (damaged file)`);
    }
    if (type !== 'tRNS') parts.push(bytes.subarray(offset, end));
    offset = end;
    if (type === 'IEND') return Buffer.concat(parts);
  }
}

function readUint32(bytes: Uint8Array, offset: number): number {
  return ((bytes[offset] << 24) | (bytes[offset + 1] << 16) | (bytes[offset + 2] << 8) | bytes[offset + 3]) >>> 0;
}
