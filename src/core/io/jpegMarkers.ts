/** What decoding needs from a JPEG's marker segments, read by walking the whole file up to its EOI marker. */
export interface JpegLayout {
  precision: number;
  width: number;
  height: number;
  components: { id: number; h: number; v: number }[];
  hasJfif: boolean;
  /** Byte offset of the Adobe APP14 colour-transform flag and its value, when the marker is present. */
  adobeTransform: { offset: number; value: number } | null;
}

/** A valid JPEG that uses a feature this decoder does not support (as opposed to a damaged file). */
export class UnsupportedJpegError extends Error {}

const SOI = 0xd8;
const EOI = 0xd9;
const SOS = 0xda;
const TEM = 0x01;

export function isJpeg(bytes: Uint8Array): boolean {
  return bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === SOI && bytes[2] === 0xff;
}

/** Walks the marker segments and entropy-coded scans; throws a plain message for a corrupt or truncated file. */
export function readJpegLayout(bytes: Uint8Array): JpegLayout {
  let frame: Pick<JpegLayout, 'precision' | 'width' | 'height' | 'components'> | null = null;
  let hasJfif = false;
  let adobeTransform: JpegLayout['adobeTransform'] = null;
  let offset = 2;
  for (;;) {
    if (offset + 2 > bytes.length) throw new Error('truncated: no end-of-image marker');
    if (bytes[offset] !== 0xff) throw new Error(`expected a marker at byte ${offset}, found 0x${hex(bytes[offset])}`);
    const marker = bytes[offset + 1];
    if (marker === 0xff) {
      offset += 1; // fill byte
      continue;
    }
    if (marker === EOI) break;
    if (marker === TEM || (marker >= 0xd0 && marker <= 0xd7)) {
      offset += 2;
      continue;
    }
    if (offset + 4 > bytes.length) throw new Error('truncated inside a marker segment');
    const length = (bytes[offset + 2] << 8) | bytes[offset + 3];
    const start = offset + 4;
    const end = offset + 2 + length;
    if (length < 2 || end > bytes.length) throw new Error(`truncated: segment 0xFF${hex(marker)} at byte ${offset} runs past the end`);
    if (isStartOfFrame(marker)) {
      if (frame) throw new Error('more than one frame');
      frame = readFrame(bytes.subarray(start, end), marker);
    } else if (marker === 0xe0 && startsWith(bytes, start, 'JFIF\0')) {
      hasJfif = true;
    } else if (marker === 0xee && startsWith(bytes, start, 'Adobe') && end - start >= 12) {
      adobeTransform = { offset: start + 11, value: bytes[start + 11] };
    }
    offset = end;
    if (marker === SOS) {
      if (!frame) throw new Error('scan before the frame header');
      offset = skipEntropyCodedData(bytes, offset);
    }
  }
  if (!frame) throw new Error('no frame header (SOF marker)');
  return { ...frame, hasJfif, adobeTransform };
}

function isStartOfFrame(marker: number): boolean {
  return marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
}

function readFrame(segment: Uint8Array, marker: number): Pick<JpegLayout, 'precision' | 'width' | 'height' | 'components'> {
  if (marker !== 0xc0 && marker !== 0xc1 && marker !== 0xc2) {
    throw new UnsupportedJpegError(`SOF marker 0xFF${hex(marker)} (lossless, hierarchical or arithmetic coding); only baseline and progressive Huffman JPEGs are supported`);
  }
  const precision = segment[0];
  const height = (segment[1] << 8) | segment[2];
  const width = (segment[3] << 8) | segment[4];
  const count = segment[5];
  if (segment.length < 6 + 3 * count) throw new Error('frame header too short');
  if (width === 0 || height === 0) throw new Error(`invalid size ${width}x${height}`);
  const components = [];
  for (let i = 0; i < count; i++) {
    const s = segment[7 + 3 * i];
    components.push({ id: segment[6 + 3 * i], h: s >> 4, v: s & 15 });
  }
  return { precision, width, height, components };
}

/** Returns the offset of the first marker after a scan's entropy-coded data (skipping stuffed 0xFF00 and RSTn). */
function skipEntropyCodedData(bytes: Uint8Array, offset: number): number {
  for (let i = offset; i + 1 < bytes.length; i++) {
    if (bytes[i] !== 0xff) continue;
    const next = bytes[i + 1];
    if (next !== 0x00 && next !== 0xff && !(next >= 0xd0 && next <= 0xd7)) return i;
  }
  throw new Error('truncated: image data ends before the end-of-image marker');
}

function startsWith(bytes: Uint8Array, offset: number, text: string): boolean {
  for (let i = 0; i < text.length; i++) if (bytes[offset + i] !== text.charCodeAt(i)) return false;
  return true;
}

function hex(byte: number | undefined): string {
  return (byte ?? 0).toString(16).padStart(2, '0').toUpperCase();
}
