import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parsed } from './helpers';

/*
 * Defaults and normalisation as in torchvision's signatures (torchvision >= 0.17, v1 and v2 alike):
 *   RandomCrop(size, padding=None, pad_if_needed=False, fill=0, padding_mode="constant")
 *   RandomHorizontalFlip(p=0.5), RandomVerticalFlip(p=0.5)
 *   RandomAffine(degrees, translate=None, scale=None, shear=None, interpolation=NEAREST, fill=0, center=None)
 *   Resize(size, interpolation=BILINEAR, max_size=None, antialias=True)
 *   CenterCrop(size), Normalize(mean, std, inplace=False), Compose(transforms), RandomApply(transforms, p=0.5)
 *   ToDtype(dtype, scale=False), ConvertImageDtype(dtype=torch.float32)
 */
/** The only transform of a policy, as a plain record. */
const one = (text: string): Record<string, unknown> => {
  const transforms = parsed(text);
  assert.equal(transforms.length, 1);
  return { ...transforms[0] };
};

describe('RandomCrop', () => {
  const crop = (size: number[], padding: number[] | null, rest: object = {}) => ({
    kind: 'RandomCrop', size, padding, padIfNeeded: false, fill: 0, paddingMode: 'constant', ...rest,
  });

  it('defaults to no padding, constant mode, fill 0', () => {
    assert.deepEqual(one('RandomCrop(32)'), crop([32, 32], null));
  });

  it('normalises size as _setup_size: int s -> (s, s), [s] -> (s, s), (h, w)', () => {
    assert.deepEqual(one('RandomCrop([24])').size, [24, 24]);
    assert.deepEqual(one('RandomCrop((24, 16))').size, [24, 16]);
    assert.deepEqual(one('RandomCrop([24, 16])').size, [24, 16]);
  });

  it('normalises padding to (left, top, right, bottom): int, 1-, 2- (left/right, top/bottom) and 4-sequences', () => {
    assert.deepEqual(one('RandomCrop(32, 4)').padding, [4, 4, 4, 4]);
    assert.deepEqual(one('RandomCrop(32, [3])').padding, [3, 3, 3, 3]);
    assert.deepEqual(one('RandomCrop(32, (1, 2))').padding, [1, 2, 1, 2]);
    assert.deepEqual(one('RandomCrop(32, (1, 2, 3, 4))').padding, [1, 2, 3, 4]);
  });

  it('treats zero padding as no padding, like torchvision', () => {
    assert.equal(one('RandomCrop(32, padding=0)').padding, null);
    assert.equal(one('RandomCrop(32, padding=(0, 0))').padding, null);
  });

  it('takes all arguments positionally in torchvision order', () => {
    assert.deepEqual(one("RandomCrop(32, 4, True, 0.5, 'edge')"), crop([32, 32], [4, 4, 4, 4], { padIfNeeded: true, fill: 0.5, paddingMode: 'edge' }));
  });

  it('accepts the four padding modes and scalar, per-channel and None fills', () => {
    for (const mode of ['constant', 'edge', 'reflect', 'symmetric']) {
      assert.equal(one(`RandomCrop(32, padding=2, padding_mode="${mode}")`).paddingMode, mode);
    }
    assert.equal(one('RandomCrop(32, fill=1)').fill, 1);
    assert.deepEqual(one('RandomCrop(32, fill=(0.1, 0.2, 0.3))').fill, [0.1, 0.2, 0.3]);
    assert.deepEqual(one('RandomCrop(32, fill=[0.5])').fill, [0.5]);
    assert.equal(one('RandomCrop(32, fill=None)').fill, 0);
  });
});

describe('flips', () => {
  it('default p to 0.5 and accept p positionally and at the ends of [0, 1]', () => {
    assert.deepEqual(one('RandomHorizontalFlip()'), { kind: 'RandomHorizontalFlip', p: 0.5 });
    assert.deepEqual(one('RandomVerticalFlip()'), { kind: 'RandomVerticalFlip', p: 0.5 });
    assert.deepEqual(one('RandomHorizontalFlip(0)'), { kind: 'RandomHorizontalFlip', p: 0 });
    assert.deepEqual(one('RandomVerticalFlip(p=1)'), { kind: 'RandomVerticalFlip', p: 1 });
  });
});

describe('RandomAffine', () => {
  const affine = { kind: 'RandomAffine', translate: null, scale: null, shear: null, interpolation: 'nearest', fill: 0, center: null };

  it('turns a number d into (-d, d) and keeps a (min, max) sequence', () => {
    assert.deepEqual(one('RandomAffine(15)'), { ...affine, degrees: [-15, 15] });
    assert.deepEqual(one('RandomAffine([-5, 20])').degrees, [-5, 20]);
  });

  it('gives degrees=0 as (0, 0) without a negative zero', () => {
    const degrees = one('RandomAffine(0)').degrees as number[];
    assert.ok(Object.is(degrees[0], 0) && Object.is(degrees[1], 0));
  });

  it('expands shear to (xmin, xmax, ymin, ymax): number, 2- and 4-sequences', () => {
    assert.deepEqual(one('RandomAffine(0, shear=10)').shear, [-10, 10, 0, 0]);
    assert.deepEqual(one('RandomAffine(0, shear=(-5, 8))').shear, [-5, 8, 0, 0]);
    assert.deepEqual(one('RandomAffine(0, shear=(-5, 8, -1, 2))').shear, [-5, 8, -1, 2]);
  });

  it('takes all arguments positionally in torchvision order', () => {
    assert.deepEqual(one('RandomAffine(10, (0.1, 0.2), (0.9, 1.1), 5, InterpolationMode.BILINEAR, (0.5, 0.5, 0.5), (1, 2))'), {
      kind: 'RandomAffine', degrees: [-10, 10], translate: [0.1, 0.2], scale: [0.9, 1.1], shear: [-5, 5, 0, 0],
      interpolation: 'bilinear', fill: [0.5, 0.5, 0.5], center: [1, 2],
    });
  });

  it('accepts translate fractions at the ends of [0, 1] and None for the optional ranges', () => {
    assert.deepEqual(one('RandomAffine(0, translate=(0, 1), scale=None, shear=None, center=None)'), { ...affine, degrees: [0, 0], translate: [0, 1] });
  });
});

describe('Resize', () => {
  it('defaults to bilinear, no max_size and antialias=True (torchvision >= 0.17)', () => {
    assert.deepEqual(one('Resize(256)'), { kind: 'Resize', size: 256, interpolation: 'bilinear', maxSize: null, antialias: true });
  });

  it('reads an int or a 1-sequence as the smaller edge and a 2-sequence as (h, w)', () => {
    assert.equal(one('Resize([256])').size, 256);
    assert.deepEqual(one('Resize((224, 200))').size, [224, 200]);
  });

  it('takes all arguments positionally and reads antialias=None as False (tensor backend)', () => {
    assert.deepEqual(one('Resize(100, InterpolationMode.NEAREST, 200, False)'), { kind: 'Resize', size: 100, interpolation: 'nearest', maxSize: 200, antialias: false });
    assert.equal(one('Resize(100, antialias=None)').antialias, false);
  });
});

describe('CenterCrop, Normalize, RandomApply, Compose', () => {
  it('CenterCrop turns an int into (s, s)', () => {
    assert.deepEqual(one('CenterCrop(224)'), { kind: 'CenterCrop', size: [224, 224] });
    assert.deepEqual(one('CenterCrop((200, 100))'), { kind: 'CenterCrop', size: [200, 100] });
  });

  it('Normalize accepts sequences, scalars and the inplace flag', () => {
    assert.deepEqual(one('Normalize((0.5, 0.5, 0.5), (0.5, 0.5, 0.5), True)'), { kind: 'Normalize', mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5] });
    assert.deepEqual(one('Normalize(0.5, std=[0.25, 0.5, 1])'), { kind: 'Normalize', mean: [0.5], std: [0.25, 0.5, 1] });
  });

  it('RandomApply defaults p to 0.5 and takes it positionally', () => {
    assert.deepEqual(one('RandomApply([RandomVerticalFlip()])'), { kind: 'RandomApply', transforms: [{ kind: 'RandomVerticalFlip', p: 0.5 }], p: 0.5 });
    assert.equal(one('RandomApply([RandomVerticalFlip()], 0.2)').p, 0.2);
    assert.deepEqual(one('RandomApply(transforms=(), p=1)'), { kind: 'RandomApply', transforms: [], p: 1 });
  });

  it('Compose takes transforms by keyword too and nests', () => {
    assert.deepEqual(one('RandomApply([Compose(transforms=[ToTensor(), CenterCrop(8)])])'), {
      kind: 'RandomApply', transforms: [{ kind: 'Compose', transforms: [{ kind: 'CenterCrop', size: [8, 8] }] }], p: 0.5,
    });
  });
});

describe('no-op conversions', () => {
  it('drops ToTensor, ToImage, Identity, ToPureTensor, scaling float ToDtype and float ConvertImageDtype', () => {
    const text = 'ToTensor(); ToImage(); Identity(); ToPureTensor(); ToDtype(torch.float32, scale=True); ToDtype(torch.float64, True); ConvertImageDtype(); ConvertImageDtype(torch.double); ConvertImageDtype(dtype=torch.float)';
    assert.deepEqual(parsed(text), []);
  });
});
