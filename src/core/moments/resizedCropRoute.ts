import { compilePolicy } from '../augment/compile';
import { resizedCropLaw } from '../augment/resizedCropLaw';
import type { Image } from '../image';
import type { MatrixProduct } from '../linalg/matrixProduct';
import type { TransformSpec } from '../policy/types';
import { flattenPolicy } from './flipPairing';
import { lawOfMoments, type PixelLaw } from './pixelLaw';
import { resizedCropMoments } from './resizedCropMoments';

/**
 * The exact per-pixel law of a policy that starts with RandomResizedCrop on an image too large to enumerate: the
 * crop's moments by matrix products (resizedCropMoments), carried through the later steps by their own per-pixel
 * routes (flips, Normalize, ...). Null when the policy does not start so, or a later step has no route from moments.
 */
export async function resizedCropPixelLaw(img: Image, policy: TransformSpec, product: MatrixProduct): Promise<PixelLaw | null> {
  const transforms = flattenPolicy(policy);
  const [first, ...rest] = transforms;
  if (first?.kind !== 'RandomResizedCrop') return null;
  const crop = compilePolicy(first, img);
  if (!crop.quadrature) return null;
  const moments = await resizedCropMoments(
    img,
    { size: first.size, interpolation: first.interpolation, antialias: first.antialias, law: resizedCropLaw(img.height, img.width, first.scale, first.ratio) },
    product,
  );
  const law = lawOfMoments(crop.outputShape, moments.mean, moments.second);
  if (rest.length === 0) return law;
  return compilePolicy({ kind: 'Compose', transforms: rest }, crop.outputShape).pixelLaw?.(law) ?? null;
}
