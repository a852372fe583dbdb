/** One draw of RandomAffine's parameters (torchvision's `F.affine` arguments). */
export interface AffineParams {
  /** degrees, as F.affine takes it (F.rotate passes minus its angle) */
  readonly angle: number;
  readonly translate: readonly [number, number];
  readonly scale: number;
  /** [x, y] shear in degrees */
  readonly shear: readonly [number, number];
}

/**
 * torchvision's `_get_inverse_affine_matrix(center, angle, translate, scale, shear)` (inverted): the 2x3 matrix
 * [m0, m1, m2, m3, m4, m5] mapping an output point, in coordinates centred on the image centre, to its source point.
 * RotateScaleShear = R(angle) S(scale) SHy(shear_y) SHx(shear_x); its inverse has determinant 1 / scale^2.
 */
export function inverseAffineMatrix(center: readonly [number, number], p: AffineParams): Float64Array {
  const rot = (p.angle * Math.PI) / 180;
  const sx = (p.shear[0] * Math.PI) / 180;
  const sy = (p.shear[1] * Math.PI) / 180;
  const [cx, cy] = center;
  const [tx, ty] = p.translate;
  const a = Math.cos(rot - sy) / Math.cos(sy);
  const b = (-Math.cos(rot - sy) * Math.tan(sx)) / Math.cos(sy) - Math.sin(rot);
  const c = Math.sin(rot - sy) / Math.cos(sy);
  const d = (-Math.sin(rot - sy) * Math.tan(sx)) / Math.cos(sy) + Math.cos(rot);
  const m = Float64Array.of(d / p.scale, -b / p.scale, 0, -c / p.scale, a / p.scale, 0);
  m[2] += m[0] * (-cx - tx) + m[1] * (-cy - ty) + cx;
  m[5] += m[3] * (-cx - tx) + m[4] * (-cy - ty) + cy;
  return m;
}

/**
 * torchvision's centre argument for the tensor backend: pixel coordinates shifted so that (0, 0) is the image
 * centre (width / 2, height / 2); null means the centre itself.
 */
export function centeredCenter(center: readonly [number, number] | null, height: number, width: number): [number, number] {
  return center === null ? [0, 0] : [center[0] - width * 0.5, center[1] - height * 0.5];
}
