import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ParametersReport, PooledParametersReport } from '../../../../src/engine/contract/parameterReport';
import type { AnalysisResult } from '../../../../src/engine/contract/report';
import { panelAnalyzeParams } from '../../../../src/extension/panel/panelAnalyzeParams';
import type { AnalysisSettings } from '../../../../src/extension/common/settings';
import { resultViews, runSummaryView } from '../../../../src/extension/panel/viewResults';
import { defaultInputs } from '../../../../src/shared/panelInputs';
import { parseImageResult, parseRunSummary } from '../../../../src/shared/resultsView';
import { parseWebviewMessage } from '../../../../src/shared/panelProtocol';
import { MAX_PARAMETER_LAYERS, parseParametersResult, parsePooledParameters } from '../../../../src/shared/parametersView';
import { engineResult } from '../../shared/fixtures';

const stats = (meanNorm: number, traceCovariance: number, cleanCosine = 0.9) => ({
  size: 10,
  meanNorm,
  traceCovariance,
  snr: traceCovariance === 0 ? Infinity : meanNorm ** 2 / traceCovariance,
  samplesNeeded: meanNorm === 0 ? Infinity : (1.96 ** 2 * traceCovariance) / (0.01 ** 2 * meanNorm ** 2),
  cosine: { mean: 0.6, p5: 0.2, p95: 0.95 },
  cleanCosine,
});

export function parametersReport(): ParametersReport {
  return {
    method: 'exact',
    note: 'all 18 outcomes',
    outcomes: 18,
    gradientRuns: 37,
    target: 3,
    tolerance: 0.01,
    confidence: 0.95,
    total: stats(2, 3),
    layers: [
      { layer: 'conv1', op: 'Conv', parameters: ['conv1.weight', 'conv1.bias'], ...stats(1.5, 2) },
      { layer: 'fc', op: 'Gemm', parameters: ['fc.weight'], ...stats(1, 0, NaN) },
    ],
    error: null,
  };
}

const pooled: PooledParametersReport = {
  images: 2,
  total: { size: 10, meanNorm: 1, acrossImages: 0.5, withinAugmentations: 1.5, snr: 0.5 },
  layers: [{ layer: 'conv1', op: 'Conv', size: 10, meanNorm: 1, acrossImages: 0, withinAugmentations: 0, snr: Infinity }],
};

function withParameters(): AnalysisResult {
  const result = engineResult();
  const [image] = result.report.images;
  return {
    ...result,
    report: {
      ...result.report,
      images: [{ ...image, model: image.model && { ...image.model, parameters: parametersReport() } }],
      aggregate: { ...result.report.aggregate, images: 2, parameters: pooled },
    },
  };
}

/** What the webview receives of a view without typed arrays: postMessage serialises through JSON. */
const sent = <T>(value: T): unknown => JSON.parse(JSON.stringify(value));

test('parameter-gradient reports become views that survive JSON and validate, infinities and NaN as null', () => {
  const result = withParameters();
  const [view] = resultViews(result, ['cat.png']);
  assert.deepEqual(sent(view.model?.parameters), view.model?.parameters, 'nothing JSON cannot carry');
  const parsed = parseImageResult(structuredClone(view));
  assert.ok(parsed, 'the image view validates');
  const p = parsed.model?.parameters;
  assert.ok(p && !('skipped' in p));
  assert.equal(p.layers.length, 2);
  assert.deepEqual(p.layers.map((l) => [l.layer, l.op]), [['conv1', 'Conv'], ['fc', 'Gemm']]);
  assert.equal(p.layers[1].snr, null, 'a gradient that never varies: infinite SNR as null');
  assert.equal(p.layers[1].cleanCosine, null, 'an undefined cosine as null');
  assert.ok(Math.abs(p.total.samplesNeeded! - (1.96 ** 2 * 3) / (1e-4 * 4)) < 1e-6);
  assert.ok(!('parameters' in p.layers[0]), 'the initializer names stay in report.json');
  const summary = parseRunSummary(sent(runSummaryView(result.report, 10)));
  assert.ok(summary?.aggregate.parameters);
  assert.equal(summary.aggregate.parameters.total.withinAugmentations, 1.5);
  assert.equal(summary.aggregate.parameters.layers[0].snr, null);
});

test('runs without parameter gradients carry no parameters view; a skipped one carries its reason', () => {
  const result = engineResult();
  const [view] = resultViews(result, ['cat.png']);
  assert.ok(!('parameters' in view.model!));
  assert.ok(!('parameters' in runSummaryView(result.report, 1).aggregate));
  const image = result.report.images[0];
  const skipped = { ...result, report: { ...result.report, images: [{ ...image, model: image.model && { ...image.model, parameters: { skipped: 'no float initializers' } } }] } };
  const parsed = parseImageResult(structuredClone(resultViews(skipped, ['cat.png'])[0]));
  assert.deepEqual(parsed?.model?.parameters, { skipped: 'no float initializers' });
});

test('malformed parameters views are rejected, and so is the image result carrying one', () => {
  const [view] = resultViews(withParameters(), ['cat.png']);
  const good = sent(view.model!.parameters) as Record<string, unknown> & { total: Record<string, unknown>; layers: Record<string, unknown>[] };
  assert.ok(parseParametersResult(good));
  const bad: unknown[] = [
    null,
    { ...good, method: 'guessed' },
    { ...good, outcomes: 0 },
    { ...good, confidence: 1 },
    { ...good, error: { meanRelative: 0.1, traceRelative: 0.1, replicates: 4 } },
    { ...good, method: 'sampled' },
    { ...good, total: { ...good.total, traceCovariance: -1 } },
    { ...good, total: { ...good.total, cosine: { mean: 0.5, p5: -1.5, p95: 1 } } },
    { ...good, total: { ...good.total, snr: 'infinite' } },
    { ...good, layers: [{ ...good.layers[0], layer: 42 }] },
    { ...good, layers: Array.from({ length: MAX_PARAMETER_LAYERS + 1 }, () => good.layers[0]) },
    { skipped: 'why', extra: 1 },
    { skipped: 7 },
  ];
  for (const value of bad) assert.equal(parseParametersResult(value), undefined, JSON.stringify(value)?.slice(0, 200));
  assert.ok(parseParametersResult({ ...good, method: 'sampled', error: { meanRelative: 0.1, traceRelative: 0.2, replicates: 4 } }));
  const image = structuredClone(view) as unknown as { model: Record<string, unknown> };
  assert.equal(parseImageResult({ ...image, model: { ...image.model, parameters: { ...good, target: -1 } } }), undefined);
  const pooledView = sent(runSummaryView(withParameters().report, 1).aggregate.parameters) as Record<string, unknown>;
  assert.ok(parsePooledParameters(pooledView));
  assert.equal(parsePooledParameters({ ...pooledView, images: 0 }), undefined);
  assert.equal(parsePooledParameters({ ...pooledView, total: { ...(pooledView.total as object), acrossImages: -0.1 } }), undefined);
});

test('the run command carries the training-gradients box as a boolean, on run only', () => {
  assert.deepEqual(parseWebviewMessage({ type: 'command', command: 'run', parameters: true }), { type: 'command', command: 'run', parameters: true });
  assert.deepEqual(parseWebviewMessage({ type: 'command', command: 'run', parameters: false }), { type: 'command', command: 'run', parameters: false });
  assert.deepEqual(parseWebviewMessage({ type: 'command', command: 'run' }), { type: 'command', command: 'run' });
  for (const parameters of ['true', 1, null, {}]) {
    assert.equal(parseWebviewMessage({ type: 'command', command: 'run', parameters }), undefined, `parameters: ${JSON.stringify(parameters)}`);
  }
  assert.equal(parseWebviewMessage({ type: 'command', command: 'export', parameters: true }), undefined);
  assert.equal(parseWebviewMessage({ type: 'command', command: 'run', parameters: true, layers: 'all' }), undefined);
});

test('the flag reaches AnalyzeParams only when asked for', () => {
  const settings: AnalysisSettings = {
    tolerance: 0.01,
    confidence: 0.95,
    topK: 5,
    forwardBudget: 4096,
    monteCarloSamples: 200,
    seed: 0,
    threads: 1,
    defaultPreprocessing: 'auto',
    display: { sequential: 'viridis', diverging: 'rdbu_r' },
  };
  const { images: _images, ...inputs } = defaultInputs('RandomHorizontalFlip()');
  const base = { modelPath: '/m.onnx', imagePaths: ['/a.png'], policy: 'P', modelInputSize: null, settings, inputs };
  assert.equal(panelAnalyzeParams({ ...base, parameters: true }).parameters, true);
  assert.ok(!('parameters' in panelAnalyzeParams({ ...base, parameters: false })));
  assert.ok(!('parameters' in panelAnalyzeParams(base)));
});
