import { compilePolicy } from '../../core/augment/compile';
import type { Image } from '../../core/image';
import { decodeImage } from '../../core/io/decode';
import { MAX_IMAGE_FILE_BYTES } from '../../core/io/limits';
import { readRegularFile } from '../../core/io/regularFile';
import { EngineError } from '../contract/engineErrors';

/**
 * Reads an image file (a regular file within the size limit) as ToTensor() would, optionally Resize(min side) +
 * CenterCrop((h, w)) as torchvision. Any failure is an 'image' EngineError.
 */
export function loadInputImage(path: string, size?: readonly [number, number]): Image {
  try {
    return readImage(path, size);
  } catch (e) {
    throw new EngineError('image', e instanceof Error ? e.message : String(e));
  }
}

function readImage(path: string, size?: readonly [number, number]): Image {
  const img = decodeImage(readRegularFile(path, MAX_IMAGE_FILE_BYTES, 'image'), path);
  if (!size) return img;
  const [h, w] = size;
  const fit = compilePolicy(
    {
      kind: 'Compose',
      transforms: [
        { kind: 'Resize', size: h === w ? h : [h, w], interpolation: 'bilinear', maxSize: null, antialias: true },
        { kind: 'CenterCrop', size: [h, w] },
      ],
    },
    img,
  );
  return fit.enumerate(img)[0].image;
}
