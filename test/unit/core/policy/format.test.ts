import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatPolicy, parsePolicy, type ComposeSpec, type Interpolation, type PaddingMode, type TransformSpec } from '../../../../src/core/policy/index';
import { withoutSpans } from './helpers';

const canonical = (text: string) => formatPolicy(parsePolicy(text));

describe('formatPolicy', () => {
  it('prints the canonical torchvision spelling, leaving out defaults but always showing p', () => {
    assert.equal(canonical('RandomCrop(32, padding=4); RandomHorizontalFlip()'), 'Compose([RandomCrop(size=(32, 32), padding=(4, 4, 4, 4)), RandomHorizontalFlip(p=0.5)])');
    assert.equal(
      canonical('transforms.Compose([transforms.RandomCrop(32, padding=4), transforms.RandomHorizontalFlip(), transforms.ToTensor(), transforms.Normalize((0.4914, 0.4822, 0.4465), (0.2023, 0.1994, 0.2010))])'),
      'Compose([RandomCrop(size=(32, 32), padding=(4, 4, 4, 4)), RandomHorizontalFlip(p=0.5), Normalize(mean=(0.4914, 0.4822, 0.4465), std=(0.2023, 0.1994, 0.201))])',
    );
  });

  it('prints every non-default argument with its torchvision name', () => {
    assert.equal(
      canonical("RandomCrop((24, 16), (1, 2, 3, 4), True, (0.1, 0.2, 0.3), 'symmetric')"),
      "Compose([RandomCrop(size=(24, 16), padding=(1, 2, 3, 4), pad_if_needed=True, fill=(0.1, 0.2, 0.3), padding_mode='symmetric')])",
    );
    assert.equal(
      canonical('RandomAffine(10, (0.1, 0.2), (0.9, 1.1), 5, InterpolationMode.BILINEAR, 0.5, (1, 2))'),
      'Compose([RandomAffine(degrees=(-10, 10), translate=(0.1, 0.2), scale=(0.9, 1.1), shear=(-5, 5, 0, 0), interpolation=InterpolationMode.BILINEAR, fill=0.5, center=(1, 2))])',
    );
    assert.equal(
      canonical('Resize(256); Resize([224, 200], T.InterpolationMode.NEAREST_EXACT, antialias=None); Resize(8, max_size=9); CenterCrop(224)'),
      'Compose([Resize(size=256), Resize(size=(224, 200), interpolation=InterpolationMode.NEAREST_EXACT, antialias=False), Resize(size=8, max_size=9), CenterCrop(size=(224, 224))])',
    );
    assert.equal(
      canonical('RandomApply([Compose([RandomVerticalFlip(1)]), ToTensor()]); Normalize((0.1307,), (0.3081,), inplace=True)'),
      'Compose([RandomApply([Compose([RandomVerticalFlip(p=1)])], p=0.5), Normalize(mean=(0.1307,), std=(0.3081,))])',
    );
    assert.equal(canonical('ToTensor()'), 'Compose([])');
  });

  it('formats specs built without spans', () => {
    const spec: ComposeSpec = { kind: 'Compose', transforms: [{ kind: 'RandomAffine', degrees: [0, 0], translate: [0.1, 0.1], scale: null, shear: null, interpolation: 'nearest', fill: 0, center: null }] };
    assert.equal(formatPolicy(spec), 'Compose([RandomAffine(degrees=(0, 0), translate=(0.1, 0.1))])');
  });

  it('round-trips the real-world spellings', () => {
    for (const text of [
      'T.Compose([T.RandomCrop(32, padding=4, padding_mode="reflect"), T.RandomHorizontalFlip(), T.ToTensor()])',
      '[{"type": "RandomAffine", "degrees": 0, "translate": [0.125, 0.125], "fill": [0.5, 0.25, 0]}]',
      'v2.Resize(256, interpolation=v2.InterpolationMode.BICUBIC); v2.CenterCrop(224); v2.Normalize([0.485, 0.456, 0.406], [0.229, 0.224, 0.225])',
    ]) {
      const spec = parsePolicy(text);
      assert.deepEqual(withoutSpans(parsePolicy(formatPolicy(spec))), withoutSpans(spec));
    }
  });

  it('round-trips 500 random specs exactly, including awkward floats', () => {
    const random = mulberry32(20240531);
    const spec = (depth: number): TransformSpec => randomSpec(random, depth);
    for (let trial = 0; trial < 500; trial++) {
      const root: ComposeSpec = { kind: 'Compose', transforms: Array.from({ length: Math.floor(random() * 4) }, () => spec(2)) };
      const text = formatPolicy(root);
      assert.deepEqual(withoutSpans(parsePolicy(text)), root, text);
    }
  });
});

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomSpec(random: () => number, depth: number): TransformSpec {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)];
  const int = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
  const real = () => pick([random(), -random() * 100, random() * 1e-7, int(-3, 3), 1 / 3, 0.1 + 0.2]);
  const prob = () => pick([random(), 0, 1, 0.5]);
  const range = (): [number, number] => {
    const [a, b] = [real(), real()];
    return a <= b ? [a, b] : [b, a];
  };
  const fill = () => (random() < 0.5 ? real() : Array.from({ length: int(1, 3) }, real));
  const size = (): [number, number] => [int(1, 300), int(1, 300)];
  const nested = () => (depth === 0 ? [] : Array.from({ length: int(0, 2) }, () => randomSpec(random, depth - 1)));
  switch (int(0, 8)) {
    case 0:
      return { kind: 'Compose', transforms: nested() };
    case 1:
      return { kind: 'RandomApply', transforms: nested(), p: prob() };
    case 2: {
      const padding = [int(0, 5), int(0, 5), int(0, 5), int(1, 5)] as const;
      return {
        kind: 'RandomCrop', size: size(), padding: random() < 0.3 ? null : padding, padIfNeeded: random() < 0.5, fill: fill(),
        paddingMode: pick<PaddingMode>(['constant', 'edge', 'reflect', 'symmetric']),
      };
    }
    case 3:
      return { kind: pick(['RandomHorizontalFlip', 'RandomVerticalFlip'] as const), p: prob() };
    case 4: {
      const [x0, x1] = range();
      const [y0, y1] = range();
      return {
        kind: 'RandomAffine', degrees: range(), translate: random() < 0.5 ? null : [random(), random()],
        scale: random() < 0.5 ? null : ([0.5 + random(), 2 + random()] as const), shear: random() < 0.5 ? null : [x0, x1, y0, y1],
        interpolation: pick<Interpolation>(['nearest', 'bilinear']), fill: fill(), center: random() < 0.5 ? null : [real(), real()],
      };
    }
    case 5: {
      const smaller = int(1, 300);
      return {
        kind: 'Resize', size: random() < 0.5 ? size() : smaller, interpolation: pick<Interpolation>(['nearest', 'nearest-exact', 'bilinear', 'bicubic']),
        maxSize: null, antialias: random() < 0.5,
      };
    }
    case 6:
      return { kind: 'Resize', size: 10, interpolation: 'bilinear', maxSize: int(11, 500), antialias: true };
    case 7:
      return { kind: 'CenterCrop', size: size() };
    default: {
      const channels = int(1, 4);
      return { kind: 'Normalize', mean: Array.from({ length: channels }, real), std: Array.from({ length: channels }, () => 0.01 + random()) };
    }
  }
}
