import type {
  CenterCropSpec, ComposeSpec, FlipSpec, NormalizeSpec, PaddingMode, RandomAffineSpec, RandomApplySpec,
  RandomCropSpec, ResizeSpec, TransformSpec,
} from '../../../../src/core/policy/types';

/** Policy specs built directly, with torchvision's defaults, so core tests do not depend on the parser. */
export const crop = (size: number, padding = 0, paddingMode: PaddingMode = 'constant', fill = 0, padIfNeeded = false): RandomCropSpec => ({
  kind: 'RandomCrop',
  size: [size, size],
  padding: padding ? [padding, padding, padding, padding] : null,
  padIfNeeded,
  fill,
  paddingMode,
});
export const hflip = (p = 0.5): FlipSpec => ({ kind: 'RandomHorizontalFlip', p });
export const vflip = (p = 0.5): FlipSpec => ({ kind: 'RandomVerticalFlip', p });
export const translate = (a: number, b: number, fill: number | number[] = 0): RandomAffineSpec => ({
  kind: 'RandomAffine',
  degrees: [0, 0],
  translate: [a, b],
  scale: null,
  shear: null,
  interpolation: 'nearest',
  fill,
  center: null,
});
export const centerCrop = (h: number, w = h): CenterCropSpec => ({ kind: 'CenterCrop', size: [h, w] });
export const resize = (size: number | [number, number], antialias = true): ResizeSpec => ({
  kind: 'Resize', size, interpolation: 'bilinear', maxSize: null, antialias,
});
export const normalize = (mean: number[], std: number[]): NormalizeSpec => ({ kind: 'Normalize', mean, std });
export const compose = (...transforms: TransformSpec[]): ComposeSpec => ({ kind: 'Compose', transforms });
export const randomApply = (p: number, ...transforms: TransformSpec[]): RandomApplySpec => ({ kind: 'RandomApply', transforms, p });
