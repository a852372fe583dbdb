// The shape an image file decodes to, [channels, height, width] as decodeImage gives it, read from the PNG header
// or the JPEG frame marker without decoding the pixels. No vscode, no file system.
import type { Shape } from '../../../core/augment/mixture';
import { isJpeg, readJpegLayout } from '../../../core/io/jpegMarkers';
import { isPng } from '../../../core/io/png';

/** Throws a one-line message for a file that is not a readable PNG or JPEG. */
export function imageShape(bytes: Uint8Array): Shape {
  if (isPng(bytes)) return pngShape(bytes);
  if (isJpeg(bytes)) {
    const layout = readJpegLayout(bytes);
    return { channels: layout.components.length === 1 ? 1 : 3, height: layout.height, width: layout.width };
  }
  throw new Error('not a PNG or JPEG image');
}

/** IHDR is the first chunk: width and height at bytes 16..23, colour type at 25 (0 and 4 are grayscale). */
function pngShape(bytes: Uint8Array): Shape {
  const ihdr = String.fromCharCode(...bytes.subarray(12, 16));
  if (bytes.length < 26 || ihdr !== 'IHDR') throw new Error('corrupt PNG: no IHDR header');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const colourType = bytes[25];
  return { channels: colourType === 0 || colourType === 4 ? 1 : 3, height: view.getUint32(20), width: view.getUint32(16) };
}
