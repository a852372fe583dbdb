// A small torchvision ImageFolder for the dataset tests in VS Code: one class folder per fixture photo, each holding
// 32x32 PNGs (square crops of the photo at several places and sizes, every other one mirrored), and one file in the
// last class that is not an image (the run reports it as a failed image and goes on).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createImage, type Image } from '../../src/core/image';
import { resizeWindow } from '../../src/core/augment/resize';
import { decodeImage } from '../../src/core/io/decode';
import { imageToPng } from '../../src/core/io/encode';

/** Class folder name and the fixture photo its images are cut from. */
const CLASSES: readonly [string, string][] = [
  ['astronaut', 'astronaut.png'],
  ['cat', 'chelsea.png'],
  ['coffee', 'coffee.png'],
];
const PER_CLASS = 8;
const SIDE = 32;
export const BROKEN_IMAGE = 'coffee/broken.png';

export interface GeneratedDataset {
  /** Workspace-relative folder. */
  folder: string;
  classes: string[];
  /** Readable images (the broken file not counted). */
  images: number;
}

function mirrored(img: Image): Image {
  const out = createImage(img.channels, img.height, img.width);
  for (let c = 0; c < img.channels; c++) {
    for (let y = 0; y < img.height; y++) {
      for (let x = 0; x < img.width; x++) {
        out.data[(c * img.height + y) * img.width + x] = img.data[(c * img.height + y) * img.width + (img.width - 1 - x)];
      }
    }
  }
  return out;
}

/** Writes the dataset into `workspace`/`name` from the photos in `photos`. */
export function writeDatasetFolder(workspace: string, photos: string, name = 'dataset'): GeneratedDataset {
  for (const [className, photo] of CLASSES) {
    const img = decodeImage(readFileSync(join(photos, photo)), photo);
    const short = Math.min(img.height, img.width);
    mkdirSync(join(workspace, name, className), { recursive: true });
    for (let i = 0; i < PER_CLASS; i++) {
      const side = Math.round(short * (0.5 + 0.5 * ((i % 4) / 4)));
      const top = Math.round(((img.height - side) * ((i * 3) % 8)) / 7);
      const left = Math.round(((img.width - side) * ((i * 5) % 8)) / 7);
      const crop = resizeWindow(img, top, left, side, side, SIDE, SIDE, { interpolation: 'bilinear', antialias: true });
      writeFileSync(join(workspace, name, className, `${className}_${i}.png`), imageToPng(i % 2 ? mirrored(crop) : crop));
    }
  }
  writeFileSync(join(workspace, name, BROKEN_IMAGE), 'not a picture: the dataset run lists it as a failed image\n');
  return { folder: name, classes: CLASSES.map(([c]) => c), images: CLASSES.length * PER_CLASS };
}
