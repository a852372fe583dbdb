import { compilePolicy, flattenPolicy } from '../augment/compile';
import { resizedCropLaw } from '../augment/resizedCropLaw';
import type { Image } from '../image';
import type { MatrixProduct } from '../linalg/matrixProduct';
import type { TransformSpec } from '../policy/types';
import { lawOfMoments, type PixelLaw } from './pixelLaw';
import { resizedCropMoments } from './resizedCropMoments';

/**
 * The exact per-pixel law after the first `count` steps of a policy (count >= 1), or null when those steps have no
 * per-pixel route from moments.
 */
export type PrefixLaw = (count: number) => PixelLaw | null;

/**
 * For a policy that starts with RandomResizedCrop on an image too large to enumerate: the crop's moments by matrix
 * products (resizedCropMoments), computed once, carried through any number of the later steps by their own
 * per-pixel routes (flips, Normalize, ...). Null when the policy does not start so.
 */
export async function resizedCropPrefixLaw(img: Image, policy: TransformSpec, product: MatrixProduct): Promise<PrefixLaw | null> {
  const [first, ...rest] = flattenPolicy(policy);
  if (first?.kind !== 'RandomResizedCrop') return null;
  const crop = compilePolicy(first, img);
  if (!crop.quadrature) return null;
  const moments = await resizedCropMoments(
    img,
    { size: first.size, interpolation: first.interpolation, antialias: first.antialias, law: resizedCropLaw(img.height, img.width, first.scale, first.ratio) },
    product,
  );
  const law = lawOfMoments(crop.outputShape, moments.mean, moments.second);
  return (count) => (count <= 1 ? law : (compilePolicy({ kind: 'Compose', transforms: rest.slice(0, count - 1) }, crop.outputShape).pixelLaw?.(law) ?? null));
}
