/** An image as torchvision's ToTensor() gives it: float32, CHW, values in [0, 1] (after Normalize: any range). */
export interface Image {
  readonly channels: number;
  readonly height: number;
  readonly width: number;
  /** Row-major CHW: index = (c * height + y) * width + x. */
  readonly data: Float32Array;
}

export function createImage(channels: number, height: number, width: number, data?: Float32Array): Image {
  const size = channels * height * width;
  if (data && data.length !== size) {
    throw new Error(`image data has ${data.length} values, expected ${channels}x${height}x${width} = ${size}`);
  }
  return { channels, height, width, data: data ?? new Float32Array(size) };
}

export function imageSize(img: Pick<Image, 'channels' | 'height' | 'width'>): number {
  return img.channels * img.height * img.width;
}

export function shapeOf(img: Pick<Image, 'channels' | 'height' | 'width'>): string {
  return `${img.channels}x${img.height}x${img.width}`;
}
