import { createImage, type Image } from '../core/image';
import { resizedSize, resizeImage, type ResizeOptions } from '../core/augment/resize';

/** The resize fitToInput applies (the gradient's chain rule applies its transpose). */
export const FIT_RESIZE: ResizeOptions = { interpolation: 'bilinear', antialias: true };

/** How an image of one size is brought to the model's input size. */
export interface FitGeometry {
  /** [height, width] after Resize, or null when no resize is needed. */
  readonly resize: readonly [number, number] | null;
  /** The centre crop of the resized image, or null when it already has the input size. */
  readonly crop: { readonly top: number; readonly left: number; readonly height: number; readonly width: number } | null;
}

/** Python's round(): halves go to the even neighbour. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * torchvision `Resize(s)` then `CenterCrop((height, width))`: s resizes the smaller edge (the other one truncated,
 * aspect ratio kept) and is the smallest size whose result covers the input size, i.e. s = height for a square
 * input. The crop offsets are round((H - h) / 2) as in torchvision's center_crop.
 */
export function fitGeometry(imageHeight: number, imageWidth: number, height: number, width: number): FitGeometry {
  if (imageHeight === height && imageWidth === width) return { resize: null, crop: null };
  let short = Math.min(height, width);
  let size = resizedSize(imageHeight, imageWidth, short, null);
  while (size[0] < height || size[1] < width) size = resizedSize(imageHeight, imageWidth, ++short, null);
  const resize = size[0] === imageHeight && size[1] === imageWidth ? null : size;
  if (size[0] === height && size[1] === width) return { resize, crop: null };
  const top = roundHalfEven((size[0] - height) / 2);
  const left = roundHalfEven((size[1] - width) / 2);
  return { resize, crop: { top, left, height, width } };
}

/** The image resized (bilinear with antialiasing, torchvision's default for tensors) and centre-cropped. */
export function fitToInput(image: Image, height: number, width: number): Image {
  const geometry = fitGeometry(image.height, image.width, height, width);
  const resized = geometry.resize
    ? resizeImage(image, geometry.resize[0], geometry.resize[1], FIT_RESIZE)
    : image;
  const crop = geometry.crop;
  if (!crop) return resized;
  const data = new Float32Array(image.channels * crop.height * crop.width);
  for (let c = 0; c < image.channels; c++) {
    for (let y = 0; y < crop.height; y++) {
      const from = (c * resized.height + crop.top + y) * resized.width + crop.left;
      data.set(resized.data.subarray(from, from + crop.width), (c * crop.height + y) * crop.width);
    }
  }
  return createImage(image.channels, crop.height, crop.width, data);
}
