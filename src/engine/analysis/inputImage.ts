import { readFileSync } from 'node:fs';
import { compilePolicy } from '../../core/augment/compile';
import type { Image } from '../../core/image';
import { decodeImage } from '../../core/io/decode';

/** Reads an image file as ToTensor() would, optionally Resize(min side) + CenterCrop((h, w)) as torchvision. */
export function loadInputImage(path: string, size?: readonly [number, number]): Image {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new Error(`${path}: cannot read the image (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  const img = decodeImage(bytes, path);
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
