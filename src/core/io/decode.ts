import type { Image } from '../image';
import { decodeJpeg, isJpeg } from './jpeg';
import { decodePng, isPng } from './png';

/**
 * Decodes PNG or JPEG bytes (format detected from the magic bytes, not the name) into the tensor that
 * `ToTensor()(PIL.Image.open(f).convert(mode))` gives: float32 CHW in [0, 1], mode 'L' (1 channel) for grayscale
 * files and 'RGB' (3 channels) for colour and palette files; alpha is dropped, not composited.
 * See decodePng / decodeJpeg for bit depths and the remaining differences from PIL.
 * Errors name the file and the problem.
 */
export function decodeImage(bytes: Uint8Array, nameForErrors: string): Image {
  if (bytes.length === 0) throw new Error(`${nameForErrors}: empty file, not a PNG or JPEG image`);
  if (isPng(bytes)) return decodePng(bytes, nameForErrors);
  if (isJpeg(bytes)) return decodeJpeg(bytes, nameForErrors);
  throw new Error(`${nameForErrors}: not a PNG or JPEG image (starts with ${describeStart(bytes)})`);
}

function describeStart(bytes: Uint8Array): string {
  const head = Array.from(bytes.subarray(0, 8), (b) => b.toString(16).padStart(2, '0')).join('');
  const ascii = Array.from(bytes.subarray(0, 8), (b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('');
  return `0x${head} "${ascii}"`;
}
