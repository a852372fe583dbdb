/** An image as torchvision's ToTensor() gives it: float32, CHW, values in [0, 1] (after Normalize: any range). */
export interface Image {
  readonly channels: number;
  readonly height: number;
  readonly width: number;
  /** Row-major CHW: index = (c * height + y) * width + x. */
  readonly data: Float32Array;
}

/**
 * The most values an image may hold here: 2^26 float32 (256 MiB), e.g. 3 x 4729 x 4729. The moments keep a few
 * float64 companions of each canvas, so larger images would not fit in memory.
 */
export const MAX_IMAGE_VALUES = 2 ** 26;

/** Throws a clear error when `what` (e.g. "RandomCrop: the padded image") would be larger than MAX_IMAGE_VALUES. */
export function assertImageFits(what: string, channels: number, height: number, width: number): void {
  const values = channels * height * width;
  if (values > MAX_IMAGE_VALUES) {
    throw new Error(`${what} would be ${channels}x${height}x${width} = ${values.toExponential(2)} values, more than the ${MAX_IMAGE_VALUES.toExponential(2)} AugLens can hold`);
  }
}

export function createImage(channels: number, height: number, width: number, data?: Float32Array): Image {
  const size = channels * height * width;
  if (data && data.length !== size) {
    throw new Error(`image data has ${data.length} values, expected ${channels}x${height}x${width} = ${size}`);
  }
  return { channels, height, width, data: data ?? new Float32Array(size) };
}

export function shapeLabel(img: Pick<Image, 'channels' | 'height' | 'width'>): string {
  return `${img.channels}x${img.height}x${img.width}`;
}
