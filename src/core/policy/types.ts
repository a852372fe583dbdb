/**
 * Typed augmentation policy, bound from torchvision-style source text.
 * Every spec carries the source range it came from so that diagnostics can point at it.
 */
export interface SourceSpan {
  /** Offsets into the policy text, [start, end). */
  readonly start: number;
  readonly end: number;
}

export type PaddingMode = 'constant' | 'edge' | 'reflect' | 'symmetric';
export type Interpolation = 'nearest' | 'nearest-exact' | 'bilinear' | 'bicubic';
/** A fill value: one number for every channel, or one per channel. */
export type Fill = number | readonly number[];
/** [left, top, right, bottom], torchvision's 4-element padding order. */
export type Padding = readonly [number, number, number, number];

interface SpecBase {
  readonly span?: SourceSpan;
}

export interface ComposeSpec extends SpecBase { readonly kind: 'Compose'; readonly transforms: readonly TransformSpec[] }
export interface RandomApplySpec extends SpecBase { readonly kind: 'RandomApply'; readonly transforms: readonly TransformSpec[]; readonly p: number }
export interface RandomCropSpec extends SpecBase {
  readonly kind: 'RandomCrop';
  /** [height, width] */
  readonly size: readonly [number, number];
  readonly padding: Padding | null;
  readonly padIfNeeded: boolean;
  readonly fill: Fill;
  readonly paddingMode: PaddingMode;
}
export interface FlipSpec extends SpecBase { readonly kind: 'RandomHorizontalFlip' | 'RandomVerticalFlip'; readonly p: number }
export interface RandomAffineSpec extends SpecBase {
  readonly kind: 'RandomAffine';
  /** [min, max] in degrees */
  readonly degrees: readonly [number, number];
  /** max fractions (a, b) of width and height */
  readonly translate: readonly [number, number] | null;
  readonly scale: readonly [number, number] | null;
  /** [xmin, xmax, ymin, ymax] in degrees */
  readonly shear: readonly [number, number, number, number] | null;
  readonly interpolation: Interpolation;
  readonly fill: Fill;
  /** [x, y] in pixels, or null for the image centre */
  readonly center: readonly [number, number] | null;
}
export interface ResizeSpec extends SpecBase {
  readonly kind: 'Resize';
  /** One number: the smaller edge; two: [height, width]. */
  readonly size: number | readonly [number, number];
  readonly interpolation: Interpolation;
  readonly maxSize: number | null;
  readonly antialias: boolean;
}
export interface CenterCropSpec extends SpecBase { readonly kind: 'CenterCrop'; readonly size: readonly [number, number] }
export interface NormalizeSpec extends SpecBase { readonly kind: 'Normalize'; readonly mean: readonly number[]; readonly std: readonly number[] }
export interface RandomRotationSpec extends SpecBase {
  readonly kind: 'RandomRotation';
  /** [min, max] in degrees, counter-clockwise */
  readonly degrees: readonly [number, number];
  readonly interpolation: Interpolation;
  readonly expand: boolean;
  /** [x, y] in pixels, or null for the image centre */
  readonly center: readonly [number, number] | null;
  readonly fill: Fill;
}
/** A factor range [min, max]; null when the adjustment is off (torchvision's `None`). */
export type JitterRange = readonly [number, number] | null;
export interface ColorJitterSpec extends SpecBase {
  readonly kind: 'ColorJitter';
  readonly brightness: JitterRange;
  readonly contrast: JitterRange;
  readonly saturation: JitterRange;
  /** hue shift range within [-0.5, 0.5] */
  readonly hue: JitterRange;
}
export interface GaussianBlurSpec extends SpecBase {
  readonly kind: 'GaussianBlur';
  /** [x size, y size] as torchvision's kernel_size: odd, positive */
  readonly kernelSize: readonly [number, number];
  /** sigma ~ U(min, max) */
  readonly sigma: readonly [number, number];
}
export interface RandomResizedCropSpec extends SpecBase {
  readonly kind: 'RandomResizedCrop';
  /** [height, width] */
  readonly size: readonly [number, number];
  /** range of the crop area as a fraction of the image area */
  readonly scale: readonly [number, number];
  /** range of the aspect ratio w / h */
  readonly ratio: readonly [number, number];
  readonly interpolation: Interpolation;
  readonly antialias: boolean;
}
export interface RandomGrayscaleSpec extends SpecBase { readonly kind: 'RandomGrayscale'; readonly p: number }
export interface GaussianNoiseSpec extends SpecBase { readonly kind: 'GaussianNoise'; readonly mean: number; readonly sigma: number; readonly clip: boolean }
export interface RandomErasingSpec extends SpecBase {
  readonly kind: 'RandomErasing';
  readonly p: number;
  readonly scale: readonly [number, number];
  readonly ratio: readonly [number, number];
  /** a number for every channel, one per channel, or 'random' (standard normal noise) */
  readonly value: number | readonly number[] | 'random';
  readonly inplace: boolean;
}

export type TransformSpec =
  | ComposeSpec
  | RandomApplySpec
  | RandomCropSpec
  | FlipSpec
  | RandomAffineSpec
  | ResizeSpec
  | CenterCropSpec
  | NormalizeSpec
  | RandomRotationSpec
  | ColorJitterSpec
  | GaussianBlurSpec
  | RandomResizedCropSpec
  | RandomGrayscaleSpec
  | GaussianNoiseSpec
  | RandomErasingSpec;
