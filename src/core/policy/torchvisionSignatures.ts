import {
  angleRange, antialias, bool, cropSize, dtype, fill, interpolation, nullable, numbers, padding, paddingMode, pair,
  positiveInt, probability, resizeSize, shear, transformList, type TorchDtype,
} from './kinds';
import { blurSigma, erasingValue, jitterRange, kernelSize, nonNegative, real } from './rangeKinds';
import { noOp, optional, required, transform, type Signature } from './signature';
import type {
  CenterCropSpec, ColorJitterSpec, ComposeSpec, FlipSpec, GaussianBlurSpec, GaussianNoiseSpec, NormalizeSpec, RandomAffineSpec,
  RandomApplySpec, RandomCropSpec, RandomErasingSpec, RandomGrayscaleSpec, RandomResizedCropSpec, RandomRotationSpec, ResizeSpec,
} from './types';

/*
 * torchvision.transforms (v1 and v2, torchvision >= 0.17) signatures: parameter names, positional order and defaults
 * as in their __init__. Adding a transform is one entry here (plus its spec type in types.ts).
 */

const compose = transform({
  name: 'Compose',
  params: { transforms: required(transformList, 'positional') },
  build: ({ transforms }, span) => ({ kind: 'Compose', transforms, span }),
  args: (s: ComposeSpec) => ({ transforms: s.transforms }),
});

const randomApply = transform({
  name: 'RandomApply',
  params: { transforms: required(transformList, 'positional'), p: optional(probability, 0.5, 'always') },
  build: ({ transforms, p }, span) => ({ kind: 'RandomApply', transforms, p, span }),
  args: (s: RandomApplySpec) => ({ transforms: s.transforms, p: s.p }),
});

const randomCrop = transform({
  name: 'RandomCrop',
  params: {
    size: required(cropSize),
    padding: optional(padding, null),
    pad_if_needed: optional(bool, false),
    fill: optional(fill, 0),
    padding_mode: optional(paddingMode, 'constant'),
  },
  build: (a, span) => ({
    kind: 'RandomCrop', size: a.size, padding: a.padding, padIfNeeded: a.pad_if_needed, fill: a.fill, paddingMode: a.padding_mode, span,
  }),
  args: (s: RandomCropSpec) => ({ size: s.size, padding: s.padding, pad_if_needed: s.padIfNeeded, fill: s.fill, padding_mode: s.paddingMode }),
});

const flip = (name: FlipSpec['kind']) => transform({
  name,
  params: { p: optional(probability, 0.5, 'always') },
  build: ({ p }, span) => ({ kind: name, p, span }),
  args: (s: FlipSpec) => ({ p: s.p }),
});

const randomAffine = transform({
  name: 'RandomAffine',
  params: {
    degrees: required(angleRange),
    translate: optional(nullable(pair('must be a sequence (a, b) of fractions in [0, 1]', (x) => x >= 0 && x <= 1)), null),
    scale: optional(nullable(pair('must be a sequence (min, max) of positive numbers', (x) => x > 0, true)), null),
    shear: optional(nullable(shear), null),
    interpolation: optional(interpolation(['nearest', 'bilinear']), 'nearest'),
    fill: optional(fill, 0),
    center: optional(nullable(pair('must be a sequence (x, y) of numbers', () => true)), null),
  },
  build: (a, span) => ({
    kind: 'RandomAffine', degrees: a.degrees, translate: a.translate, scale: a.scale, shear: a.shear,
    interpolation: a.interpolation, fill: a.fill, center: a.center, span,
  }),
  args: (s: RandomAffineSpec) => ({
    degrees: s.degrees, translate: s.translate, scale: s.scale, shear: s.shear, interpolation: s.interpolation, fill: s.fill, center: s.center,
  }),
});

const resize = transform({
  name: 'Resize',
  params: {
    size: required(resizeSize),
    interpolation: optional(interpolation(['nearest', 'nearest-exact', 'bilinear', 'bicubic']), 'bilinear'),
    max_size: optional(nullable(positiveInt), null),
    antialias: optional(antialias, true),
  },
  build(a, span, reject) {
    if (a.max_size !== null) {
      if (typeof a.size !== 'number') reject('max_size', 'is only allowed when size is an int (the smaller edge)');
      else if (a.max_size <= a.size) reject('max_size', `must be greater than size (${a.size})`);
    }
    return { kind: 'Resize', size: a.size, interpolation: a.interpolation, maxSize: a.max_size, antialias: a.antialias, span };
  },
  args: (s: ResizeSpec) => ({ size: s.size, interpolation: s.interpolation, max_size: s.maxSize, antialias: s.antialias }),
});

const centerCrop = transform({
  name: 'CenterCrop',
  params: { size: required(cropSize) },
  build: ({ size }, span) => ({ kind: 'CenterCrop', size, span }),
  args: (s: CenterCropSpec) => ({ size: s.size }),
});

const normalize = transform({
  name: 'Normalize',
  params: { mean: required(numbers), std: required(numbers), inplace: optional(bool, false) },
  build({ mean, std }, span, reject) {
    if (std.includes(0)) reject('std', 'must not contain 0 (Normalize divides by it)');
    if (mean.length !== std.length && mean.length !== 1 && std.length !== 1) reject('std', `must have as many values as mean (${mean.length})`);
    return { kind: 'Normalize', mean, std, span };
  },
  args: (s: NormalizeSpec) => ({ mean: s.mean, std: s.std, inplace: false }),
});

const randomRotation = transform({
  name: 'RandomRotation',
  params: {
    degrees: required(angleRange),
    interpolation: optional(interpolation(['nearest', 'bilinear']), 'nearest'),
    expand: optional(bool, false),
    center: optional(nullable(pair('must be a sequence (x, y) of numbers', () => true)), null),
    fill: optional(fill, 0),
  },
  build: (a, span) => ({
    kind: 'RandomRotation', degrees: a.degrees, interpolation: a.interpolation, expand: a.expand, center: a.center, fill: a.fill, span,
  }),
  args: (s: RandomRotationSpec) => ({ degrees: s.degrees, interpolation: s.interpolation, expand: s.expand, center: s.center, fill: s.fill }),
});

const factor = jitterRange(1, [0, Infinity], true);
const colorJitter = transform({
  name: 'ColorJitter',
  params: {
    brightness: optional(factor, null),
    contrast: optional(factor, null),
    saturation: optional(factor, null),
    hue: optional(jitterRange(0, [-0.5, 0.5], false), null),
  },
  build: (a, span) => ({ kind: 'ColorJitter', brightness: a.brightness, contrast: a.contrast, saturation: a.saturation, hue: a.hue, span }),
  args: (s: ColorJitterSpec) => ({ brightness: s.brightness, contrast: s.contrast, saturation: s.saturation, hue: s.hue }),
});

const gaussianBlur = transform({
  name: 'GaussianBlur',
  params: { kernel_size: required(kernelSize), sigma: optional(blurSigma, [0.1, 2.0] as const) },
  build: (a, span) => ({ kind: 'GaussianBlur', kernelSize: a.kernel_size, sigma: a.sigma, span }),
  args: (s: GaussianBlurSpec) => ({ kernel_size: s.kernelSize, sigma: s.sigma }),
});

const randomResizedCrop = transform({
  name: 'RandomResizedCrop',
  params: {
    size: required(cropSize),
    scale: optional(pair('must be a sequence (min, max) of positive numbers', (x) => x > 0, true), [0.08, 1.0] as const),
    ratio: optional(pair('must be a sequence (min, max) of positive numbers', (x) => x > 0, true), [3 / 4, 4 / 3] as const),
    interpolation: optional(interpolation(['nearest', 'nearest-exact', 'bilinear', 'bicubic']), 'bilinear'),
    antialias: optional(antialias, true),
  },
  build: (a, span) => ({
    kind: 'RandomResizedCrop', size: a.size, scale: a.scale, ratio: a.ratio, interpolation: a.interpolation, antialias: a.antialias, span,
  }),
  args: (s: RandomResizedCropSpec) => ({ size: s.size, scale: s.scale, ratio: s.ratio, interpolation: s.interpolation, antialias: s.antialias }),
});

const randomGrayscale = transform({
  name: 'RandomGrayscale',
  params: { p: optional(probability, 0.1, 'always') },
  build: ({ p }, span) => ({ kind: 'RandomGrayscale', p, span }),
  args: (s: RandomGrayscaleSpec) => ({ p: s.p }),
});

const gaussianNoise = transform({
  name: 'GaussianNoise',
  params: { mean: optional(real, 0), sigma: optional(nonNegative, 0.1), clip: optional(bool, true) },
  build: (a, span) => ({ kind: 'GaussianNoise', mean: a.mean, sigma: a.sigma, clip: a.clip, span }),
  args: (s: GaussianNoiseSpec) => ({ mean: s.mean, sigma: s.sigma, clip: s.clip }),
});

const randomErasing = transform({
  name: 'RandomErasing',
  params: {
    p: optional(probability, 0.5, 'always'),
    scale: optional(pair('must be a sequence (min, max) of area fractions in [0, 1]', (x) => x >= 0 && x <= 1, true), [0.02, 0.33] as const),
    ratio: optional(pair('must be a sequence (min, max) of positive numbers', (x) => x > 0, true), [0.3, 3.3] as const),
    value: optional(erasingValue, 0),
    inplace: optional(bool, false),
  },
  build: (a, span) => ({ kind: 'RandomErasing', p: a.p, scale: a.scale, ratio: a.ratio, value: a.value, inplace: a.inplace, span }),
  args: (s: RandomErasingSpec) => ({ p: s.p, scale: s.scale, ratio: s.ratio, value: s.value, inplace: s.inplace }),
});

const FLOAT_DTYPES: readonly TorchDtype[] = ['float32', 'float64'];
const FLOAT_ONLY = 'must be torch.float32 or torch.float64: AugLens computes on float images with values in [0, 1]';

/** Conversions users put in front of their augmentations: the pipeline already acts on ToTensor()'s output. */
const noOps = [
  noOp({ name: 'ToTensor', params: {} }),
  noOp({ name: 'ToImage', params: {} }),
  noOp({ name: 'ToPureTensor', params: {} }),
  noOp({ name: 'Identity', params: {} }),
  noOp({
    name: 'ConvertImageDtype',
    params: { dtype: optional(dtype, 'float32') },
    check(a, reject) {
      if (!FLOAT_DTYPES.includes(a.dtype)) reject('dtype', FLOAT_ONLY);
    },
  }),
  noOp({
    name: 'ToDtype',
    params: { dtype: required(dtype), scale: optional(bool, false) },
    check(a, reject) {
      if (!FLOAT_DTYPES.includes(a.dtype)) reject('dtype', FLOAT_ONLY);
      if (!a.scale) reject('scale', 'must be True: without scaling, integer images keep values in [0, 255] while AugLens works on [0, 1]; write ToDtype(torch.float32, scale=True)');
    },
  }),
];

export const SIGNATURES: ReadonlyMap<string, Signature> = new Map(
  [
    compose, randomApply, randomCrop, flip('RandomHorizontalFlip'), flip('RandomVerticalFlip'), randomAffine, resize, centerCrop, normalize,
    randomRotation, colorJitter, gaussianBlur, randomResizedCrop, randomGrayscale, gaussianNoise, randomErasing,
    ...noOps,
  ].map((s) => [s.name, s]),
);
