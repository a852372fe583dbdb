import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parsePolicy } from '../../../../src/core/policy/index';
import { parsed, withoutSpans } from './helpers';

const cifarCrop = { kind: 'RandomCrop', size: [32, 32], padding: [4, 4, 4, 4], padIfNeeded: false, fill: 0, paddingMode: 'constant' };
const hflip = { kind: 'RandomHorizontalFlip', p: 0.5 };
const cifarNormalize = { kind: 'Normalize', mean: [0.4914, 0.4822, 0.4465], std: [0.2023, 0.1994, 0.201] };
const imagenetNormalize = { kind: 'Normalize', mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] };
const resize256 = { kind: 'Resize', size: 256, interpolation: 'bilinear', maxSize: null, antialias: true };
const center224 = { kind: 'CenterCrop', size: [224, 224] };

describe('real-world spellings', () => {
  it('reads the CIFAR training transform of the classic training scripts', () => {
    const text = 'transforms.Compose([transforms.RandomCrop(32, padding=4), transforms.RandomHorizontalFlip(), transforms.ToTensor(), transforms.Normalize((0.4914, 0.4822, 0.4465), (0.2023, 0.1994, 0.2010))])';
    assert.deepEqual(parsed(text), [cifarCrop, hflip, cifarNormalize]);
  });

  it('reads a multi-line assignment with comments and trailing commas', () => {
    const text = [
      'train_transform = transforms.Compose([',
      '    transforms.RandomCrop(32, padding=4),  # pad, then crop',
      '    transforms.RandomHorizontalFlip(),',
      '    transforms.ToTensor(),',
      '    transforms.Normalize(mean=[0.485, 0.456, 0.406],',
      '                         std=[0.229, 0.224, 0.225]),',
      '])',
      '',
    ].join('\n');
    assert.deepEqual(parsed(text), [cifarCrop, hflip, imagenetNormalize]);
  });

  it('reads the ImageNet evaluation transform', () => {
    const text = 'transforms.Compose([transforms.Resize(256), transforms.CenterCrop(224), transforms.ToTensor(), transforms.Normalize(mean=[0.485, 0.456, 0.406], std=[0.229, 0.224, 0.225])])';
    assert.deepEqual(parsed(text), [resize256, center224, imagenetNormalize]);
  });

  it('reads the MNIST transform with one-element tuples', () => {
    assert.deepEqual(parsed('transforms.Compose([transforms.ToTensor(), transforms.Normalize((0.1307,), (0.3081,))])'), [
      { kind: 'Normalize', mean: [0.1307], std: [0.3081] },
    ]);
  });

  it('reads the transforms.v2 spelling with ToImage and ToDtype(..., scale=True)', () => {
    const text = `v2.Compose([
      v2.ToImage(),
      v2.RandomCrop(size=(224, 224), padding=8, padding_mode="reflect"),
      v2.RandomHorizontalFlip(p=0.5),
      v2.ToDtype(torch.float32, scale=True),  # Normalize expects float input
      v2.Normalize(mean=[0.485, 0.456, 0.406], std=[0.229, 0.224, 0.225]),
    ])`;
    assert.deepEqual(parsed(text), [
      { kind: 'RandomCrop', size: [224, 224], padding: [8, 8, 8, 8], padIfNeeded: false, fill: 0, paddingMode: 'reflect' },
      hflip,
      imagenetNormalize,
    ]);
  });

  it('reads T. and torchvision.transforms[.v2]. prefixes and InterpolationMode spellings', () => {
    const text = 'T.Compose([torchvision.transforms.Resize(256, interpolation=T.InterpolationMode.BICUBIC), torchvision.transforms.v2.CenterCrop(224), transforms.Resize((64, 48), InterpolationMode.NEAREST_EXACT, antialias=False)])';
    assert.deepEqual(parsed(text), [
      { ...resize256, interpolation: 'bicubic' },
      center224,
      { kind: 'Resize', size: [64, 48], interpolation: 'nearest-exact', maxSize: null, antialias: false },
    ]);
  });

  it('drops ConvertImageDtype(torch.float), Identity() and ToPureTensor()', () => {
    assert.deepEqual(parsed('Compose([ConvertImageDtype(torch.float), Identity(), RandomVerticalFlip(0.25), v2.ToPureTensor()])'), [
      { kind: 'RandomVerticalFlip', p: 0.25 },
    ]);
  });

  it('reads the translation-only RandomAffine of CIFAR scripts', () => {
    assert.deepEqual(parsed('T.RandomAffine(degrees=0, translate=(0.125, 0.125))'), [
      { kind: 'RandomAffine', degrees: [0, 0], translate: [0.125, 0.125], scale: null, shear: null, interpolation: 'nearest', fill: 0, center: null },
    ]);
  });
});

describe('policy forms', () => {
  it('reads a ;-separated list as a Compose', () => {
    assert.deepEqual(parsed('RandomCrop(32, padding=4); RandomHorizontalFlip(p=0.5)'), [cifarCrop, hflip]);
  });

  it('reads a newline-separated list, with blank lines and comments, as a Compose', () => {
    assert.deepEqual(parsed('# CIFAR\nRandomCrop(32, padding=4)\n\n  RandomHorizontalFlip()  # flip\n'), [cifarCrop, hflip]);
  });

  it('reads a bare Python list and a comma-separated list as a Compose', () => {
    assert.deepEqual(parsed('[RandomCrop(32, padding=4), RandomHorizontalFlip(),]'), [cifarCrop, hflip]);
    assert.deepEqual(parsed('RandomCrop(32, padding=4), RandomHorizontalFlip()'), [cifarCrop, hflip]);
  });

  it('reads a JSON array of objects, with nested transforms', () => {
    const text = JSON.stringify([
      { type: 'RandomCrop', size: 32, padding: 4 },
      { type: 'RandomApply', transforms: [{ type: 'RandomVerticalFlip', p: 1 }, { type: 'ToTensor' }], p: 0.3 },
      { type: 'Compose', transforms: [{ type: 'transforms.RandomHorizontalFlip' }] },
      { type: 'Resize', size: [64, 64], interpolation: 'bicubic', antialias: null },
      { type: 'Resize', size: 64, interpolation: 'InterpolationMode.NEAREST', max_size: 100 },
      { type: 'RandomAffine', degrees: [-10, 10], interpolation: 'BILINEAR', fill: [0.5, 0.5, 0.5] },
      { type: 'ToDtype', dtype: 'torch.float32', scale: true },
      { type: 'ConvertImageDtype', dtype: 'float64' },
    ]);
    assert.deepEqual(parsed(text), [
      cifarCrop,
      { kind: 'RandomApply', transforms: [{ kind: 'RandomVerticalFlip', p: 1 }], p: 0.3 },
      { kind: 'Compose', transforms: [hflip] },
      { kind: 'Resize', size: [64, 64], interpolation: 'bicubic', maxSize: null, antialias: false },
      { kind: 'Resize', size: 64, interpolation: 'nearest', maxSize: 100, antialias: true },
      { kind: 'RandomAffine', degrees: [-10, 10], translate: null, scale: null, shear: null, interpolation: 'bilinear', fill: [0.5, 0.5, 0.5], center: null },
    ]);
  });

  it('reads {"policy": [...]} and {"policy": "<python>"}', () => {
    const list = '{"policy": [{"type": "RandomCrop", "size": 32, "padding": 4}, {"type": "RandomHorizontalFlip"}]}';
    const string = '{"policy": "RandomCrop(32, padding=4, padding_mode=\\"constant\\"); RandomHorizontalFlip()"}';
    assert.deepEqual(parsed(list), [cifarCrop, hflip]);
    assert.deepEqual(parsed(string), [cifarCrop, hflip]);
  });

  it('gives spans into the original text, also inside a JSON policy string with escapes', () => {
    const text = '{"policy": "RandomCrop(32, padding_mode=\\"edge\\"); RandomVerticalFlip(p=0.1)"}';
    const spec = parsePolicy(text);
    const [crop, flip] = spec.transforms;
    assert.equal(text.slice(crop.span!.start, crop.span!.end), 'RandomCrop(32, padding_mode=\\"edge\\")');
    assert.equal(text.slice(flip.span!.start, flip.span!.end), 'RandomVerticalFlip(p=0.1)');
  });

  it('returns a single top-level Compose as the root, with its span', () => {
    const text = '  T.Compose([T.RandomHorizontalFlip()])  ';
    const spec = parsePolicy(text);
    assert.equal(text.slice(spec.span!.start, spec.span!.end), 'T.Compose([T.RandomHorizontalFlip()])');
    assert.deepEqual(withoutSpans(spec), { kind: 'Compose', transforms: [hflip] });
  });

  it('wraps anything else in a root Compose spanning the statements, keeping nested Compose', () => {
    const text = 'Compose([RandomHorizontalFlip()]); RandomVerticalFlip()';
    const spec = parsePolicy(text);
    assert.deepEqual(spec.span, { start: 0, end: text.length });
    assert.deepEqual(withoutSpans(spec).transforms, [{ kind: 'Compose', transforms: [hflip] }, { kind: 'RandomVerticalFlip', p: 0.5 }]);
    assert.deepEqual(withoutSpans(parsePolicy('RandomHorizontalFlip()')), { kind: 'Compose', transforms: [hflip] });
    assert.deepEqual(withoutSpans(parsePolicy('ToTensor()')), { kind: 'Compose', transforms: [] });
  });

  it('reads numbers as Python does: 1e-3, .5, 5., -2, 1_000 and constant arithmetic', () => {
    const [affine] = parsed('RandomAffine(degrees=(-2, 1_000), translate=(.5, 1e-3), scale=(5., 6.5E+1), center=(+3, -1.5), fill=255 / 255 * 0.5)');
    assert.deepEqual(affine, {
      kind: 'RandomAffine', degrees: [-2, 1000], translate: [0.5, 0.001], scale: [5, 65], shear: null, interpolation: 'nearest', fill: 0.5, center: [3, -1.5],
    });
    assert.deepEqual(parsed('Normalize([0.5 - 0.25, (1 + 1) / 4], (3 * 0.5, 2 - -1))')[0], { kind: 'Normalize', mean: [0.25, 0.5], std: [1.5, 3] });
  });

  it("reads strings in both quotes, True/False/None and JSON's true/false/null", () => {
    assert.deepEqual(parsed("RandomCrop(8, None, True, None, 'symmetric'); {\"type\": \"RandomCrop\", \"size\": 8, \"padding\": null, \"pad_if_needed\": true}"), [
      { kind: 'RandomCrop', size: [8, 8], padding: null, padIfNeeded: true, fill: 0, paddingMode: 'symmetric' },
      { kind: 'RandomCrop', size: [8, 8], padding: null, padIfNeeded: true, fill: 0, paddingMode: 'constant' },
    ]);
  });

  it('reads JSON string escapes', () => {
    assert.deepEqual(parsed('[{"type": "RandomCrop", "size": 8, "padding_mode": "\\u0072efl\\u0065ct"}]')[0], {
      kind: 'RandomCrop', size: [8, 8], padding: null, padIfNeeded: false, fill: 0, paddingMode: 'reflect',
    });
  });
});
