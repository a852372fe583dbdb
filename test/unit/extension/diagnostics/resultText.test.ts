import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { ParametersReport } from '../../../../src/engine/contract/parameterReport';
import type { ImageReport, Report } from '../../../../src/engine/contract/report';
import { SIGNATURES } from '../../../../src/core/policy/torchvisionSignatures';
import { PRESET_NAMES } from '../../../../src/model/preprocess';
import {
  formatCount, formatValue, isWarning, stabilityMarkdown, stabilityMessage, stabilityNumbers,
} from '../../../../src/extension/diagnostics/resultText';

/** A report as the engine writes it, with only the fields the diagnostics read filled in meaningfully. */
interface ImageFigures {
  path: string;
  expectedLoss: number;
  stdLoss: number;
  samples: number;
  flipRate?: number;
  /** The parameters block's total samples needed (a run with --parameters), or why it was skipped. */
  gradientSamples?: number | { skipped: string };
}

/** A run's parameters block with only the total's samples needed meaningful. */
function parametersBlock(samplesNeeded: number): ParametersReport {
  const stats = { size: 10, meanNorm: 1, traceCovariance: 1, snr: 1, samplesNeeded, cosine: { mean: 0.5, p5: 0.1, p95: 0.9 }, cleanCosine: 0.7 };
  return {
    method: 'exact', note: '', outcomes: 81, gradientRuns: 163, target: 8, tolerance: 0.01, confidence: 0.95, total: stats,
    layers: [{ ...stats, layer: 'conv', op: 'Conv', parameters: ['w'] }], error: null,
  };
}

function report(images: ImageFigures[]): Report {
  const image = (i: (typeof images)[number]): ImageReport => ({
    path: i.path,
    inputShape: [1, 28, 28],
    moments: {} as ImageReport['moments'],
    timingsMs: {},
    model: {
      method: 'exact',
      methodNote: 'all 81 outcomes evaluated (forward-pass budget 4096)',
      quadrature: null,
      inputSize: [28, 28],
      forwardPasses: 82,
      passes: { clean: 1, exactPath: 81, saliency: 0, monteCarlo: 0 },
      clean: { top1: 8, target: 8, probability: 0.999, loss: 0.001 },
      expectedLoss: i.expectedLoss,
      expectedLossInterval: null,
      stdLoss: i.stdLoss,
      flipRate: i.flipRate ?? 0.25,
      flipRateInterval: null,
      expectedKL: 0.5,
      topClasses: [],
      samplesNeeded: { loss: i.samples, flipRate: 7203 },
      ...(i.gradientSamples !== undefined && {
        parameters: typeof i.gradientSamples === 'number' ? parametersBlock(i.gradientSamples) : i.gradientSamples,
      }),
      analytic: null,
      saliency: {} as NonNullable<ImageReport['model']>['saliency'],
      monteCarlo: { samples: [], estimate: [], lower: [], upper: [], exact: i.expectedLoss, draws: 0, source: 'evaluated outcomes' },
    },
  });
  return {
    schemaVersion: 2,
    tool: { name: 'auglens', version: '0' },
    createdAt: '',
    policy: { text: '', canonical: '' },
    settings: { tolerance: 0.01, confidence: 0.95, topK: 0, forwardBudget: 4096, monteCarloSamples: 0, seed: 0 },
    model: { path: '/w/models/mnist-8.onnx' } as Report['model'],
    preprocessing: { name: 'unit', reason: 'a guess' } as Report['preprocessing'],
    images: images.map(image),
    aggregate: {} as Report['aggregate'],
  };
}

describe('the stability message', () => {
  test('reads like the spec: Std[loss] and the samples for 1% error', () => {
    const numbers = stabilityNumbers(report([{ path: '/w/a.png', expectedLoss: 1.22, stdLoss: 0.3127, samples: 24_321 }]))!;
    assert.equal(stabilityMessage(numbers, 'transform'), 'Std[loss] 0.31 under this transform; ~24,000 samples for 1% error');
    assert.equal(stabilityMessage(numbers, 'Compose'), 'Std[loss] 0.31 under this Compose; ~24,000 samples for 1% error');
  });

  test('several images: the mean Std and the largest sample count', () => {
    const numbers = stabilityNumbers(report([
      { path: '/w/a.png', expectedLoss: 1, stdLoss: 0.2, samples: 1500 },
      { path: '/w/b.png', expectedLoss: 1, stdLoss: 0.4, samples: 6149 },
    ]))!;
    assert.equal(stabilityMessage(numbers, 'transform'), 'Std[loss] 0.3 (mean over 2 images) under this transform; ~6,100 samples for 1% error');
  });

  test('a transform that never changes the loss, and a loss of exactly 0', () => {
    const still = stabilityNumbers(report([{ path: 'a.png', expectedLoss: 0.5, stdLoss: 0, samples: 1 }]))!;
    assert.equal(stabilityMessage(still, 'transform'), 'Std[loss] 0 under this transform: the loss is the same for every outcome, one sample gives E[loss] exactly');
    const zero = stabilityNumbers(report([{ path: 'a.png', expectedLoss: 0, stdLoss: 0.1, samples: Infinity }]))!;
    assert.match(stabilityMessage(zero, 'transform'), /E\[loss\] is 0, so no sample count reaches a relative error$/);
  });

  test('warning above either threshold', () => {
    const numbers = stabilityNumbers(report([{ path: 'a.png', expectedLoss: 1, stdLoss: 0.2, samples: 1600 }]))!;
    assert.equal(isWarning(numbers, { stdLoss: 0.25, samples: 10_000 }), false);
    assert.equal(isWarning(numbers, { stdLoss: 0.1, samples: 10_000 }), true);
    assert.equal(isWarning(numbers, { stdLoss: 0.25, samples: 1000 }), true);
  });

  test('a run with parameter gradients quotes the augmented samples per image for the gradient', () => {
    const numbers = stabilityNumbers(report([{ path: 'a.png', expectedLoss: 1.22, stdLoss: 0.3127, samples: 24_321, gradientSamples: 91_834 }]))!;
    assert.equal(numbers.samplesForGradient, 91_834);
    assert.equal(
      stabilityMessage(numbers, 'Compose'),
      'Std[loss] 0.31 under this Compose; ~24,000 samples for 1% error; ~92,000 augmented samples per image for the gradient',
    );
    const still = stabilityNumbers(report([{ path: 'a.png', expectedLoss: 0.5, stdLoss: 0, samples: 1, gradientSamples: 12 }]))!;
    assert.match(stabilityMessage(still, 'transform'), /one sample gives E\[loss\] exactly; ~12 augmented samples per image for the gradient$/);
  });

  test('the gradient figure: the largest over the images that have one; none without parameters, skipped or E[g] = 0', () => {
    const mixed = stabilityNumbers(report([
      { path: 'a.png', expectedLoss: 1, stdLoss: 0.2, samples: 1500, gradientSamples: 4_000 },
      { path: 'b.png', expectedLoss: 1, stdLoss: 0.4, samples: 6149, gradientSamples: { skipped: 'no float initializers' } },
      { path: 'c.png', expectedLoss: 1, stdLoss: 0.3, samples: 2000, gradientSamples: 7_777 },
    ]))!;
    assert.equal(mixed.samplesForGradient, 7_777);
    assert.match(stabilityMessage(mixed, 'transform'), /; ~7,800 augmented samples per image for the gradient$/);
    const plain = stabilityNumbers(report([{ path: 'a.png', expectedLoss: 1, stdLoss: 0.2, samples: 1500 }]))!;
    assert.equal(plain.samplesForGradient, null);
    assert.doesNotMatch(stabilityMessage(plain, 'transform'), /gradient/);
    const skipped = stabilityNumbers(report([{ path: 'a.png', expectedLoss: 1, stdLoss: 0.2, samples: 1500, gradientSamples: { skipped: 'quantized' } }]))!;
    assert.equal(skipped.samplesForGradient, null);
    const flat = stabilityNumbers(report([{ path: 'a.png', expectedLoss: 1, stdLoss: 0.2, samples: 1500, gradientSamples: Infinity }]))!;
    assert.doesNotMatch(stabilityMessage(flat, 'transform'), /gradient/);
  });

  test('no numbers without model results', () => {
    const r = report([{ path: 'a.png', expectedLoss: 1, stdLoss: 1, samples: 1 }]);
    assert.equal(stabilityNumbers({ ...r, images: [{ ...r.images[0], model: null }] }), null);
  });
});

describe('the hover', () => {
  test('a row per number, a column per image, then what was analysed', () => {
    const numbers = stabilityNumbers(report([{ path: '/w/mnist_28.png', expectedLoss: 1.2208, stdLoss: 2.3178, samples: 13_900 }]))!;
    const markdown = stabilityMarkdown(numbers, {
      analysed: ['RandomCrop(size=(28, 28), padding=(4, 4, 4, 4))'],
      leftOut: ['RandomHorizontalFlip'],
      normalization: null,
      context: 'mnist.auglens.json',
    });
    const lines = markdown.split('\n');
    assert.ok(lines.includes('|  | `mnist_28.png` |'));
    assert.ok(lines.includes('| E[loss] | 1.2 |'));
    assert.ok(lines.includes('| Std[loss] | 2.3 |'));
    assert.ok(lines.includes('| samples for 1% error on E[loss] (95%) | 14,000 |'));
    assert.ok(lines.includes('| top-1 flip rate | 25% |'));
    assert.ok(lines.includes('| method | all 81 outcomes evaluated (forward-pass budget 4096) |'));
    assert.ok(!lines.some((l) => l.includes('parameter gradient')), 'no gradient row without --parameters');
    assert.equal(lines[0], '**AugLens stability** of `RandomCrop(size=(28, 28), padding=(4, 4, 4, 4))` (left out: RandomHorizontalFlip)');
    assert.ok(lines.includes('Model `mnist-8.onnx`, input normalisation: preprocessing unit (a guess). Settings from mnist.auglens.json.'));
  });
});

describe('the hover with parameter gradients', () => {
  test('a row of samples for the gradient per image, saying where it was not computed', () => {
    const numbers = stabilityNumbers(report([
      { path: '/w/a.png', expectedLoss: 1, stdLoss: 0.2, samples: 1500, gradientSamples: 391_234 },
      { path: '/w/b.png', expectedLoss: 1, stdLoss: 0.2, samples: 1500, gradientSamples: { skipped: 'quantized' } },
      { path: '/w/c.png', expectedLoss: 1, stdLoss: 0.2, samples: 1500, gradientSamples: Infinity },
    ]))!;
    const lines = stabilityMarkdown(numbers, { analysed: ['RandomCrop'], leftOut: [], normalization: null, context: 'settings' }).split('\n');
    assert.ok(lines.includes('| samples for 1% error on the parameter gradient (95%) | 390,000 | not computed | n/a (E[g] = 0) |'));
  });
});

describe('number formatting', () => {
  test('two significant digits, grouping for large values', () => {
    assert.deepEqual([0.3127, 2.3178, 12.34, 1234.5, 0, 0.00003].map(formatValue), ['0.31', '2.3', '12', '1,235', '0', '3.0e-5']);
    assert.deepEqual([1, 87, 100, 24_321, 1_234_567].map(formatCount), ['1', '87', '100', '24,000', '1,200,000']);
  });
});

describe('the policy file schema', () => {
  const schema = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', '..', 'schemas', 'auglens.schema.json'), 'utf8'));

  test('offers exactly the engine preprocessing presets', () => {
    assert.deepEqual([...schema.definitions.preset.enum].sort(), [...PRESET_NAMES].sort());
    assert.equal(schema.definitions.preset.markdownEnumDescriptions.length, PRESET_NAMES.length);
  });

  test('suggests only transforms the policy parser knows', () => {
    const examples: string[] = schema.properties.policy.oneOf[1].items.properties.type.examples;
    for (const name of examples) assert.ok(SIGNATURES.has(name), name);
  });

  test('is what package.json contributes for *.auglens.json', () => {
    const manifest = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', '..', 'package.json'), 'utf8'));
    assert.deepEqual(manifest.contributes.jsonValidation, [{ fileMatch: '*.auglens.json', url: './schemas/auglens.schema.json' }]);
  });
});
