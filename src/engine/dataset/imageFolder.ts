import { readdirSync, realpathSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** torchvision's IMG_EXTENSIONS, matched on the lower-cased name as `has_file_allowed_extension` does. */
export const DATASET_IMAGE_EXTENSIONS = ['.jpg', '.jpeg', '.png', '.ppm', '.bmp', '.pgm', '.tif', '.tiff', '.webp'] as const;

export interface DatasetListing {
  readonly root: string;
  /** 'imageFolder': the root holds class folders and no images; 'plain': the images directly in the root. */
  readonly layout: 'imageFolder' | 'plain';
  /** Every class folder's name in torchvision's order (its position is the class index), empty ones included. */
  readonly classes: readonly string[];
  /** Paths relative to the root, '/'-separated, in the order torchvision lists them. */
  readonly images: readonly { readonly path: string; readonly className: string | null }[];
}

/** A dataset folder that cannot be listed, in words. */
export class DatasetListingError extends Error {}

/**
 * Python's `sorted` on str: code-point order. JavaScript compares UTF-16 code units, which differs only where a
 * surrogate (half of a code point >= 0x10000) meets a unit >= 0xE000: surrogates are moved above those.
 */
export function byCodePoint(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codePointRank(x) - codePointRank(y);
  }
  return a.length - b.length;
}

const codePointRank = (unit: number) => (unit >= 0xd800 && unit <= 0xdfff ? unit + 0x2000 : unit >= 0xe000 ? unit - 0x800 : unit);

const isDatasetImage = (name: string) => DATASET_IMAGE_EXTENSIONS.some((ext) => name.toLowerCase().endsWith(ext));

/**
 * Lists a dataset folder as torchvision's ImageFolder does (`find_classes` + `make_dataset`): every sub-folder is a
 * class (sorted, links followed), its files with an image extension are found at any depth (`os.walk` with
 * followlinks, sorted by folder then name) and kept whatever they hold, so an unreadable one becomes a failed image
 * rather than vanishing. A class folder without images keeps its index (torchvision's `allow_empty=True`). A root
 * that holds image files itself is a plain folder: those files, no classes.
 */
export function listDataset(root: string): DatasetListing {
  const entries = readFolder(root);
  const topImages = entries.filter((name) => isDatasetImage(name) && !isFolder(join(root, name))).sort(byCodePoint);
  if (topImages.length) return { root, layout: 'plain', classes: [], images: topImages.map((path) => ({ path, className: null })) };
  const classes = classFolders(root, entries);
  if (!classes.length) throw new DatasetListingError(`${root}: the folder holds no images and no class folders`);
  const images = classes.flatMap((className) => walkImages(root, className).map((path) => ({ path, className })));
  return { root, layout: 'imageFolder', classes, images };
}

/** Whether `path` is a folder in ImageFolder layout: class folders and no image files of its own. */
export function isImageFolder(path: string): boolean {
  if (!isFolder(path)) return false;
  const entries = readFolder(path);
  return !entries.some((name) => isDatasetImage(name) && !isFolder(join(path, name))) && classFolders(path, entries).length > 0;
}

function classFolders(root: string, entries: readonly string[]): string[] {
  return entries.filter((name) => isFolder(join(root, name))).sort(byCodePoint);
}

/** The image files under root/classFolder, relative to root: folders in path order, names sorted within each. */
function walkImages(root: string, classFolder: string): string[] {
  const found: { folder: string; name: string }[] = [];
  const seen = new Set<string>();
  const visit = (folder: string) => {
    const real = realpathSync(join(root, folder));
    if (seen.has(real)) return;
    seen.add(real);
    for (const name of readFolder(join(root, folder))) {
      const rel = `${folder}/${name}`;
      if (isFolder(join(root, rel))) visit(rel);
      else if (isDatasetImage(name)) found.push({ folder, name });
    }
  };
  visit(classFolder);
  found.sort((a, b) => byCodePoint(a.folder, b.folder) || byCodePoint(a.name, b.name));
  return found.map((f) => `${f.folder}/${f.name}`);
}

function readFolder(path: string): string[] {
  try {
    return readdirSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new DatasetListingError(`${path}: no such folder`);
    if (code === 'ENOTDIR') throw new DatasetListingError(`${path} is not a folder`);
    throw new DatasetListingError(`${path}: cannot read the folder (${code ?? (e as Error).message})`);
  }
}

/** A folder, or a link to one (as os.scandir's is_dir and os.walk with followlinks). */
function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
