import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parsePolicy } from '../../../../src/core/policy';
import { panelAnalyzeParams } from '../../../../src/extension/panel/panelAnalyzeParams';
import { defaultPolicy } from '../../../../src/extension/panel/defaultPolicy';
import { isPathInside } from '../../../../src/extension/common/pathCheck';
import { renderReportHtml } from '../../../../src/extension/report/reportHtml';
import type { AnalysisSettings } from '../../../../src/extension/common/settings';
import { modelSummaryView, resultViews, runSummaryView } from '../../../../src/extension/panel/viewResults';
import { type EditableInputs, defaultInputs } from '../../../../src/shared/panelInputs';
import { parseImageResult, parseRunSummary } from '../../../../src/shared/resultsView';
import { parseModelSummary } from '../../../../src/shared/modelSummaryView';
import { engineResult } from '../../shared/fixtures';

const settings: AnalysisSettings = {
  tolerance: 0.02,
  confidence: 0.9,
  topK: 4,
  forwardBudget: 512,
  monteCarloSamples: 300,
  seed: 7,
  threads: 2,
  defaultPreprocessing: 'auto',
  display: { sequential: 'viridis', diverging: 'rdbu_r' },
};

function editable(overrides: Partial<EditableInputs> = {}): EditableInputs {
  const { images: _images, ...rest } = defaultInputs('RandomHorizontalFlip()');
  return { ...rest, ...overrides };
}

test('analysis parameters: settings, the model input size, and preprocessing only where chosen', () => {
  const base = { modelPath: '/m.onnx', imagePaths: ['/a.png'], policy: 'P', modelInputSize: [32, 32] as const, settings };
  const p = panelAnalyzeParams({ ...base, inputs: editable() });
  assert.deepEqual(
    { ...p },
    {
      modelPath: '/m.onnx',
      imagePaths: ['/a.png'],
      policy: 'P',
      size: [32, 32],
      preprocess: undefined,
      label: undefined,
      tolerance: 0.02,
      confidence: 0.9,
      topK: 4,
      forwardBudget: 512,
      monteCarloSamples: 300,
      seed: 7,
      threads: 2,
    },
  );
  assert.equal(panelAnalyzeParams({ ...base, inputs: editable({ imageSize: { mode: 'original' } }) }).size, undefined);
  assert.equal(panelAnalyzeParams({ ...base, modelInputSize: null, inputs: editable() }).size, undefined, 'free-size models keep the image size');
  assert.deepEqual(panelAnalyzeParams({ ...base, inputs: editable({ imageSize: { mode: 'custom', height: 20, width: 30 } }) }).size, [20, 30]);
  const custom = editable({ label: 4, preprocessing: { preset: 'auto', channels: 'bgr', scale: 255, mean: null, std: [2] } });
  const q = panelAnalyzeParams({ ...base, inputs: custom, settings: { ...settings, defaultPreprocessing: 'imagenet' } });
  assert.deepEqual(q.preprocess, { preset: 'imagenet', channels: 'bgr', scale: 255, std: [2] });
  assert.equal(q.label, 4);
});

test('the default policy parses and fits the model input', () => {
  for (const summary of [
    { channels: 1, inputSize: [28, 28] as [number, number] },
    { channels: 3, inputSize: [32, 32] as [number, number] },
    { channels: 3, inputSize: [224, 160] as [number, number] },
    { channels: 3, inputSize: null },
  ]) {
    const text = defaultPolicy(summary);
    assert.doesNotThrow(() => parsePolicy(text), text);
    if (summary.channels === 3 && summary.inputSize) assert.match(text, new RegExp(`RandomCrop\\(\\(?${summary.inputSize[0]}`));
  }
});

test('path containment resolves . and .. and needs a strict prefix at a separator', () => {
  assert.ok(isPathInside('/w/project', '/w/project/images/a.png'));
  assert.ok(isPathInside('/w/project/', '/w/project/./a.png'));
  assert.ok(!isPathInside('/w/project', '/w/project/../secret.png'));
  assert.ok(!isPathInside('/w/project', '/w/project-other/a.png'));
  assert.ok(!isPathInside('/w/project', '/w/project'));
  assert.ok(!isPathInside('/w/project', '/etc/passwd'));
});

test('engine results become panel views that pass the webview validators, infinities as null', () => {
  const result = engineResult();
  const [view] = resultViews(result, ['cat.png']);
  assert.ok(parseImageResult(view), 'the converted view validates');
  assert.equal(view.model?.samplesNeeded.loss, null);
  assert.equal(view.model?.samplesNeeded.flipRate, 1825);
  assert.notEqual(view.arrays.mean.buffer, result.arrays[0].mean.buffer, 'arrays are copied into their own buffers');
  assert.deepEqual(Array.from(view.arrays.mean), Array.from(result.arrays[0].mean));
  assert.deepEqual(Array.from(view.arrays.saliencyTimesStd ?? []), Array.from(result.arrays[0].saliencyTimesStd ?? [1]));
  assert.deepEqual(view.model?.saliency?.alignment?.shares, [0.3, 0.1]);
  assert.equal(view.model?.analytic?.secondOrderExpectedLoss, 0.29);
  assert.equal(view.moments.approximation, null);
  const summary = runSummaryView(result.report, 1234);
  assert.ok(parseRunSummary(summary));
  assert.match(summary.preprocessing ?? '', /^cifar: RGB, scale 1, mean 0\.5, std 0\.5, model input 4x5, a guess of low certainty$/);
});

test('a skipped saliency reaches the panel as its reason, with no saliency view', () => {
  const result = engineResult();
  const skipped = { method: 'none' as const, requested: 'none' as const, skipped: 'switched off (--gradient none)' };
  const model = { ...result.report.images[0].model!, saliency: skipped, analytic: null };
  const [view] = resultViews({ ...result, report: { ...result.report, images: [{ ...result.report.images[0], model }] } }, ['cat.png']);
  assert.equal(view.model?.saliency, null);
  assert.equal(view.model?.saliencySkipped, 'switched off (--gradient none)');
  assert.equal(view.model?.forwardPasses, 18, "the exact path's passes, not the total of 19 with the clean pass");
  assert.deepEqual(parseImageResult(view)?.model?.saliencySkipped, 'switched off (--gradient none)');
});

test('results without saliency (no model gradient, or stored before it existed) show no saliency', () => {
  const result = engineResult();
  const { saliency: _s, ...model } = result.report.images[0].model!;
  const { saliency: _a, saliencyMean: _b, saliencyTimesStd: _c, ...arrays } = result.arrays[0];
  const old = { report: { ...result.report, images: [{ ...result.report.images[0], model: model as typeof result.report.images[0]['model'] }] }, arrays: [arrays] };
  const [view] = resultViews(old, ['cat.png']);
  assert.equal(view.model?.saliency, null);
  assert.deepEqual([view.arrays.saliency, view.arrays.saliencyMean, view.arrays.saliencyTimesStd], [null, null, null]);
  assert.ok(parseImageResult(view));
});

test('approximate image moments (quadrature, sigma-point reductions) are said in words', () => {
  const result = engineResult();
  const moments = {
    ...result.report.images[0].moments,
    reductions: [{ before: 'RandomAffine', outcomesBefore: 5000, rank: 64, varianceBound: 0.0012 }],
    quadrature: { rule: 'Gauss-Legendre', nodes: 9, refinedNodes: 17, pixelMethod: 'exact' as const, meanError: 1e-4, varianceError: 2e-3, eigenvalueError: null },
  };
  const [view] = resultViews({ ...result, report: { ...result.report, images: [{ ...result.report.images[0], moments }] } }, ['cat.png']);
  assert.match(view.moments.approximation ?? '', /Gauss-Legendre with 9 nodes .*refined to 17 nodes.*5000 outcomes before RandomAffine reduced to rank 64\), variance lost at most 0\.0012/);
});

test('model summaries carry the guess and every preset', () => {
  const view = modelSummaryView({
    model: {
      path: '/m.onnx',
      input: { name: 'x', dtype: 'float16', shape: ['N', 3, 224, 224] },
      output: { name: 'y', shape: ['N', 1000] },
      layout: 'NCHW',
      outputKind: 'probabilities',
      outputKindReason: 'Softmax at the end',
      opset: 7,
    },
    preprocessing: { name: 'raw255-bgr', channels: 'bgr', scale: 255, mean: [0, 0, 0], std: [1, 1, 1], inputSize: [224, 224], reason: 'a guess', certainty: 'low' },
    producer: 'onnx-caffe2',
    irVersion: 3,
    dynamicBatch: true,
    inputSize: [224, 224],
    channels: 3,
  });
  assert.deepEqual(parseModelSummary(view), view);
  assert.deepEqual(Object.keys(view.presets).sort(), ['cifar', 'imagenet', 'raw255', 'raw255-bgr', 'unit']);
  assert.equal(view.guess.preset, 'raw255-bgr');
});

test('the report page is self-contained: inline code and data only, nothing that can close its script early', () => {
  const html = renderReportHtml({
    title: 'AugLens report: <m>.onnx',
    css: 'body { color: red; }',
    script: 'const s = "</script><script>alert(1)</script>";',
    messagesJson: JSON.stringify([{ text: '</script><!-- x' }]),
    summaryText: 'E[loss] < 1 & more',
    pictures: [{ name: 'mean.png', png: Uint8Array.from([137, 80, 78, 71]) }],
  });
  assert.equal(html.match(/<\/script>/g)?.length, 2, 'only the two script elements end');
  assert.doesNotMatch(html, /(src|href)="(https?:)?\/\//, 'no remote resource');
  assert.match(html, /Content-Security-Policy" content="default-src 'none'/);
  assert.match(html, /<img alt="mean\.png" src="data:image\/png;base64,iVBORw==">/);
  assert.match(html, /<title>AugLens report: &#60;m&#62;\.onnx<\/title>/);
  assert.match(html, /E\[loss\] &#60; 1 &#38; more/);
});
