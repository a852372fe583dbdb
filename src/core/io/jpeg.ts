import { decode as decodeJpegJs } from 'jpeg-js';
import { createImage, type Image } from '../image';
import { checkImageDimensions, MAX_IMAGE_MEGAPIXELS } from './limits';
import { readJpegLayout, UnsupportedJpegError, type JpegLayout } from './jpegMarkers';
import { upsamplePlane, type SamplePlane } from './jpegUpsample';

export { isJpeg } from './jpegMarkers';

/**
 * Decodes a JPEG as `ToTensor()(PIL.Image.open(f).convert('L' or 'RGB'))`: 1 channel for a grayscale JPEG,
 * 3 for colour, values uint8 / 255.
 * jpeg-js does the entropy decoding and the IDCT; the chroma upsampling and the YCbCr -> RGB conversion are
 * redone here the way libjpeg-turbo (PIL's decoder) does them. The IDCTs still differ in rounding (jpeg-js vs
 * libjpeg's ISLOW), so some samples are off PIL's by 1/255 (rarely up to 3/255 after colour conversion).
 * CMYK JPEGs (Adobe, as PIL writes them) are converted to RGB by jpeg-js; checked against PIL to within 1/255.
 * The frame's dimensions are checked against the pixel limit before any sample is decoded.
 */
export function decodeJpeg(bytes: Uint8Array, name: string): Image {
  const layout = namingFailures(name, () => readJpegLayout(bytes));
  checkImageDimensions(layout.width, layout.height, name);
  return namingFailures(name, () => {
    if (layout.precision !== 8) throw new UnsupportedJpegError(`${layout.precision}-bit samples (only 8-bit)`);
    const count = layout.components.length;
    if (count === 1) return decodeGray(bytes, layout);
    if (count === 3) return decodeThreeComponents(bytes, layout);
    if (count === 4) return decodeFourComponents(bytes, layout);
    throw new UnsupportedJpegError(`${count} colour components`);
  });
}

function namingFailures<T>(name: string, work: () => T): T {
  try {
    return work();
  } catch (err) {
    const kind = err instanceof UnsupportedJpegError ? 'unsupported JPEG' : 'corrupt JPEG';
    throw new Error(`${name}: ${kind}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/**
 * jpeg-js's own memory budget (512 MB by default) would refuse valid images under our pixel limit: it counts 6 bytes
 * a pixel for each of up to 4 components (a 256-byte block per 64 samples, the component's plane and its copy in the
 * output) and 3 for its result.
 */
const JPEG_JS_BYTES_PER_PIXEL = 6 * 4 + 3;

function decodeRaw(bytes: Uint8Array, layout: JpegLayout, colorTransform?: boolean): Uint8Array {
  const opts = {
    useTArray: true as const,
    formatAsRGBA: false,
    tolerantDecoding: false,
    maxResolutionInMP: MAX_IMAGE_MEGAPIXELS,
    maxMemoryUsageInMB: Math.ceil((JPEG_JS_BYTES_PER_PIXEL * layout.width * layout.height) / 2 ** 20) + 16,
  };
  return decodeJpegJs(bytes, colorTransform === undefined ? opts : { ...opts, colorTransform }).data;
}

function decodeGray(bytes: Uint8Array, layout: JpegLayout): Image {
  const { width, height } = layout;
  const rgb = decodeRaw(bytes, layout, false);
  const data = new Float32Array(width * height);
  for (let p = 0; p < data.length; p++) data[p] = rgb[3 * p] / 255;
  return createImage(1, height, width, data);
}

function decodeFourComponents(bytes: Uint8Array, layout: JpegLayout): Image {
  return interleavedToImage(decodeRaw(bytes, layout), layout.width, layout.height, 3);
}

function decodeThreeComponents(bytes: Uint8Array, layout: JpegLayout): Image {
  const { width, height } = layout;
  // jpeg-js obeys a nonzero Adobe transform flag even when asked for raw samples: clear it in a copy.
  let input = bytes;
  if (layout.adobeTransform && layout.adobeTransform.value !== 0) {
    input = new Uint8Array(bytes); // a copy (Buffer#slice would alias the caller's bytes)
    input[layout.adobeTransform.offset] = 0;
  }
  const raw = decodeRaw(input, layout, false);
  const maxH = Math.max(...layout.components.map((c) => c.h));
  const maxV = Math.max(...layout.components.map((c) => c.v));
  const planes = layout.components.map((comp, c) => {
    if (maxH % comp.h !== 0 || maxV % comp.v !== 0) {
      throw new UnsupportedJpegError(`sampling factors ${comp.h}x${comp.v} with maximum ${maxH}x${maxV}`);
    }
    const native = recoverNativePlane(raw, width, height, c, comp.h / maxH, comp.v / maxV);
    return upsamplePlane(native, maxH / comp.h, maxV / comp.v);
  });
  const rgb = new Uint8Array(3 * width * height);
  const convert = isYCbCr(layout) ? yccToRgb : (y: number, cb: number, cr: number, out: Uint8Array, o: number) => {
    out[o] = y;
    out[o + 1] = cb;
    out[o + 2] = cr;
  };
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const p = y * width + x;
      convert(sampleAt(planes[0], x, y), sampleAt(planes[1], x, y), sampleAt(planes[2], x, y), rgb, 3 * p);
    }
  }
  return interleavedToImage(rgb, width, height, 3);
}

/**
 * jpeg-js with colorTransform=false returns each component replicated (nearest) to full size, pixel (x, y)
 * holding sample (floor(x * sx), floor(y * sy)). Reads the component's own samples back from that.
 */
function recoverNativePlane(raw: Uint8Array, width: number, height: number, c: number, sx: number, sy: number): SamplePlane {
  const colOf = firstIndexOfEachSample(width, sx);
  const rowOf = firstIndexOfEachSample(height, sy);
  const data = new Uint8Array(colOf.length * rowOf.length);
  for (let i = 0; i < rowOf.length; i++) {
    for (let j = 0; j < colOf.length; j++) data[i * colOf.length + j] = raw[3 * (rowOf[i] * width + colOf[j]) + c];
  }
  return { width: colOf.length, height: rowOf.length, data };
}

/** For each sample index k, the first output position n with floor(n * scale) = k (jpeg-js's own arithmetic). */
function firstIndexOfEachSample(size: number, scale: number): number[] {
  const first: number[] = [];
  for (let n = 0; n < size; n++) {
    const k = 0 | (n * scale);
    if (k === first.length) first.push(n);
  }
  return first;
}

function sampleAt(plane: SamplePlane, x: number, y: number): number {
  return plane.data[y * plane.width + x];
}

/** libjpeg's rule (jdapimin.c default_decompress_parms) for whether 3 components are YCbCr or RGB. */
function isYCbCr(layout: JpegLayout): boolean {
  if (layout.hasJfif) return true;
  if (layout.adobeTransform) return layout.adobeTransform.value !== 0;
  const [a, b, c] = layout.components.map((comp) => comp.id);
  return !(a === 0x52 && b === 0x47 && c === 0x42); // component ids 'R', 'G', 'B' mean RGB
}

// libjpeg's fixed-point YCbCr -> RGB tables (jdcolor.c build_ycc_rgb_table): 16 fractional bits.
const ONE_HALF = 1 << 15;
const fix = (x: number) => Math.round(x * 65536);
const CR_R = new Int32Array(256);
const CB_B = new Int32Array(256);
const CR_G = new Int32Array(256);
const CB_G = new Int32Array(256);
for (let i = 0; i < 256; i++) {
  const x = i - 128;
  CR_R[i] = (fix(1.402) * x + ONE_HALF) >> 16;
  CB_B[i] = (fix(1.772) * x + ONE_HALF) >> 16;
  CR_G[i] = -fix(0.71414) * x;
  CB_G[i] = -fix(0.34414) * x + ONE_HALF;
}

function yccToRgb(y: number, cb: number, cr: number, out: Uint8Array, o: number): void {
  out[o] = clamp8(y + CR_R[cr]);
  out[o + 1] = clamp8(y + ((CB_G[cb] + CR_G[cr]) >> 16));
  out[o + 2] = clamp8(y + CB_B[cb]);
}

function clamp8(v: number): number {
  return v < 0 ? 0 : v > 255 ? 255 : v;
}

function interleavedToImage(pixels: Uint8Array, width: number, height: number, channels: number): Image {
  const plane = width * height;
  const data = new Float32Array(channels * plane);
  for (let c = 0; c < channels; c++) {
    for (let p = 0; p < plane; p++) data[c * plane + p] = pixels[channels * p + c] / 255;
  }
  return createImage(channels, height, width, data);
}
