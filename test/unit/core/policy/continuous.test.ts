import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatPolicy, parsePolicy } from '../../../../src/core/policy/index';
import { assertPolicyError, parsed, withoutSpans } from './helpers';

/*
 * The continuous and photometric transforms, with torchvision's defaults:
 *   RandomRotation(degrees, interpolation=NEAREST, expand=False, center=None, fill=0)
 *   ColorJitter(brightness=0, contrast=0, saturation=0, hue=0)
 *   GaussianBlur(kernel_size, sigma=(0.1, 2.0))
 *   RandomResizedCrop(size, scale=(0.08, 1.0), ratio=(3/4, 4/3), interpolation=BILINEAR, antialias=True)
 *   RandomGrayscale(p=0.1), v2.GaussianNoise(mean=0.0, sigma=0.1, clip=True)
 *   RandomErasing(p=0.5, scale=(0.02, 0.33), ratio=(0.3, 3.3), value=0, inplace=False)
 */
const one = (text: string): Record<string, unknown> => {
  const transforms = parsed(text);
  assert.equal(transforms.length, 1);
  return { ...transforms[0] };
};

describe('continuous and photometric transforms', () => {
  it('RandomRotation: degrees as _setup_angle, defaults, positional order', () => {
    assert.deepEqual(one('RandomRotation(10)'), { kind: 'RandomRotation', degrees: [-10, 10], interpolation: 'nearest', expand: false, center: null, fill: 0 });
    assert.deepEqual(one('T.RandomRotation((-5, 20), InterpolationMode.BILINEAR, False, (3, 4), [0.5])'), {
      kind: 'RandomRotation', degrees: [-5, 20], interpolation: 'bilinear', expand: false, center: [3, 4], fill: [0.5],
    });
  });

  it('angle, scale and shear ranges: any width torch float32 uniform_ accepts (max - min <= 3.4028234663852886e38)', () => {
    assert.deepEqual(one('RandomRotation(1e9)').degrees, [-1e9, 1e9]);
    assert.deepEqual(one('RandomRotation(1.7e38)').degrees, [-1.7e38, 1.7e38]);
    const affine = one('RandomAffine((-720, 3e38), scale=(1e-30, 3e38), shear=(-1e6, 1e6, 0, 3.4e38))');
    assert.deepEqual([affine.degrees, affine.scale, affine.shear], [[-720, 3e38], [1e-30, 3e38], [-1e6, 1e6, 0, 3.4e38]]);
  });

  it('ColorJitter: a number v gives [max(0, 1 - v), 1 + v] (hue [-v, v]); 0 and collapsed ranges are off', () => {
    assert.deepEqual(one('ColorJitter(0.4, 0.4, 0.4, 0.1)'), {
      kind: 'ColorJitter', brightness: [0.6, 1.4], contrast: [0.6, 1.4], saturation: [0.6, 1.4], hue: [-0.1, 0.1],
    });
    assert.deepEqual(one('ColorJitter(brightness=1.5, hue=(0, 0.2))'), { kind: 'ColorJitter', brightness: [0, 2.5], contrast: null, saturation: null, hue: [0, 0.2] });
    assert.deepEqual(one('ColorJitter(contrast=(1, 1), saturation=0)'), { kind: 'ColorJitter', brightness: null, contrast: null, saturation: null, hue: null });
  });

  it('GaussianBlur, RandomResizedCrop, RandomGrayscale, GaussianNoise, RandomErasing defaults', () => {
    assert.deepEqual(one('GaussianBlur(5)'), { kind: 'GaussianBlur', kernelSize: [5, 5], sigma: [0.1, 2] });
    assert.deepEqual(one('GaussianBlur((3, 7), 1.5)'), { kind: 'GaussianBlur', kernelSize: [3, 7], sigma: [1.5, 1.5] });
    assert.deepEqual(one('RandomResizedCrop(224)'), {
      kind: 'RandomResizedCrop', size: [224, 224], scale: [0.08, 1], ratio: [3 / 4, 4 / 3], interpolation: 'bilinear', antialias: true,
    });
    assert.deepEqual(one('RandomGrayscale()'), { kind: 'RandomGrayscale', p: 0.1 });
    assert.deepEqual(one('v2.GaussianNoise()'), { kind: 'GaussianNoise', mean: 0, sigma: 0.1, clip: true });
    assert.deepEqual(one("RandomErasing(value='random')"), { kind: 'RandomErasing', p: 0.5, scale: [0.02, 0.33], ratio: [0.3, 3.3], value: 'random', inplace: false });
  });

  it('formats canonically and parses back', () => {
    const text = "RandomResizedCrop(224, scale=(0.2, 1)); RandomRotation(10, fill=(0.1, 0.2, 0.3)); ColorJitter(0.4, 0, 0.2, 0.05); GaussianBlur(3); RandomGrayscale(0.2); GaussianNoise(sigma=0.05, clip=False); RandomErasing(0.3, value=(0.5, 0.4, 0.3))";
    const spec = parsePolicy(text);
    assert.deepEqual(withoutSpans(parsePolicy(formatPolicy(spec))), withoutSpans(spec));
    assert.match(formatPolicy(spec), /ColorJitter\(brightness=\(0\.6, 1\.4\), saturation=\(0\.8, 1\.2\), hue=\(-0\.05, 0\.05\)\)/);
  });

  it('rejects bad arguments by name', () => {
    assertPolicyError('ColorJitter(hue=0.7)', { kind: 'argument', message: "ColorJitter: argument 'hue' must be at most 0.5, got 0.7", at: '0.7' });
    assertPolicyError('ColorJitter(brightness=(1.2, 0.8))', {
      kind: 'argument', message: "ColorJitter: argument 'brightness' must be a pair (min, max) with values in [0, inf], got (1.2, 0.8)", at: '(1.2, 0.8)',
    });
    assertPolicyError('GaussianBlur(4)', { kind: 'argument', message: "GaussianBlur: argument 'kernel_size' must be an odd positive int or a pair of them, got 4", at: '4' });
    assertPolicyError('GaussianBlur(3, (2, 1))', { kind: 'argument', message: "GaussianBlur: argument 'sigma' must be a pair (min, max) with 0 < min <= max, got (2, 1)", at: '(2, 1)' });
    assertPolicyError("RandomErasing(value='noise')", { kind: 'argument', message: "RandomErasing: argument 'value' must be a number, a sequence of numbers or 'random', got 'noise'", at: "'noise'" });
    assertPolicyError('GaussianNoise(sigma=-1)', { kind: 'argument', message: "GaussianNoise: argument 'sigma' must be a non-negative number, got -1", at: '-1' });
  });
});
