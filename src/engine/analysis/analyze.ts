import { cleanPrediction, intervalWithin, samplesForLoss, samplesForRate, zForConfidence } from '../../core/outputs/outputMoments';
import { crossEntropy, type OutputKind } from '../../core/outputs/classifier';
import { secondOrderMeanCorrection, taylorValidity } from '../../core/alignment';
import { imageMoments, type ImageMoments } from '../../core/moments/imageMoments';
import { FIRST_POINTS, REPLICATES } from '../../core/moments/randomizedMoments';
import { latticeSequence } from '../../core/quadrature/latticeSequence';
import { formatPolicy, parsePolicy } from '../../core/policy';
import type { TransformSpec } from '../../core/policy/types';
import type { Image } from '../../core/image';
import type { EngineStage, AnalyzeParams } from '../contract/requests';
import { computeSaliency } from './saliency';
import { saliencyReport } from './saliencyReport';
import { evaluatedOutcomes, lossConvergence, type LossSource } from './convergence';
import type { ForwardModel } from './forward';
import { loadInputImage } from './inputImage';
import { modelMoments } from './modelMoments';
import { randomizedModelMoments } from './randomizedModelMoments';
import { CONTROL_SHARE, prefixControl } from './prefixControl';
import { openModel, type OpenedModel } from './openModel';
import type { MatrixProduct } from '../../core/linalg/matrixProduct';
import { ortMatrixProduct } from '../../model/ortMatrixProduct';
import { OutcomeIndex } from './outcomeIndex';
import { parameterGradients } from './parameterGradients';
import { ParameterPool } from './parameterPool';
import type { PooledParametersReport } from '../contract/parameterReport';
import { outputWarnings } from './outputWarnings';
import {
  REPORT_SCHEMA_VERSION,
  type AnalysisResult,
  type ImageArrays,
  type ImageMomentsReport,
  type ImageReport,
  type ModelMomentsReport,
  type Report,
} from '../contract/report';
import { VERSION } from '../../version';

export interface AnalysisHooks {
  progress(stage: EngineStage, fraction: number, message: string): void;
  log(message: string): void;
  /** An image's exact moments, available before its model analysis. */
  partial?(imageIndex: number, moments: ImageMomentsReport, arrays: ImageArrays): void;
}

/** The whole analysis: image moments for every image, and the model-level moments when a model is given. */
export async function analyze(params: AnalyzeParams, hooks: AnalysisHooks): Promise<AnalysisResult> {
  const policy = parsePolicy(params.policy);
  hooks.progress('load', 0, 'loading');
  const model = params.modelPath ? await openModel(params.modelPath, params.preprocess, params.threads) : null;
  const product = ortMatrixProduct(params.threads || undefined);
  try {
    const images: ImageReport[] = [];
    const arrays: ImageArrays[] = [];
    const pool = params.parameters ? new ParameterPool() : undefined;
    for (const [index, path] of params.imagePaths.entries()) {
      const sub = (stage: EngineStage) => (fraction: number, message: string) =>
        hooks.progress(stage, (index + fraction) / params.imagePaths.length, `${basename(path)}: ${message}`);
      const img = loadInputImage(path, params.size);
      const partial = (moments: ImageMomentsReport, a: ImageArrays) => hooks.partial?.(index, moments, a);
      const { report, arrays: a } = await analyzeImage(path, img, policy, params, model, product, sub, partial, pool);
      images.push(report);
      arrays.push(a);
    }
    hooks.progress('done', 1, 'done');
    return { report: buildReport(params, policy, model, images, pool?.result()), arrays };
  } finally {
    await model?.release();
    await product.dispose();
  }
}

/** One image's moments and, with a model, its model-level moments; `partial` gets the moments before the model runs. */
export async function analyzeImage(
  path: string,
  img: Image,
  policy: TransformSpec,
  params: AnalyzeParams,
  model: OpenedModel | null,
  product: MatrixProduct,
  sub: (stage: EngineStage) => (fraction: number, message: string) => void,
  partial: (moments: ImageMomentsReport, arrays: ImageArrays) => void,
  pool?: ParameterPool,
): Promise<{ report: ImageReport; arrays: ImageArrays }> {
  const timings: Record<string, number> = {};
  const timed = async <T>(name: string, f: () => Promise<T> | T): Promise<T> => {
    const t = performance.now();
    const r = await f();
    timings[name] = performance.now() - t;
    return r;
  };
  sub('moments')(0, 'exact image moments');
  const m = await timed('imageMoments', () => imageMoments(img, policy, { topK: params.topK, tolerance: params.tolerance, maxDraws: params.maxDraws, seed: params.seed, onProgress: sub('moments'), product }));
  timings.eigen = m.timings.eigenMs;
  const shape: [number, number, number] = [m.shape.channels, m.shape.height, m.shape.width];
  const eig = m.eigen;
  const eigenvectors = new Float32Array((eig?.vectors.length ?? 0) * m.pixel.mean.length);
  eig?.vectors.forEach((v, k) => eigenvectors.set(v, k * m.pixel.mean.length));
  const moments: ImageMomentsReport = {
    shape,
    outcomes: m.outcomes,
    totalVariance: m.pixel.totalVariance,
    meanNorm: Math.sqrt(m.pixel.mean.reduce((s, v) => s + v * v, 0)),
    eigenvalues: eig?.values ?? [],
    explainedVariance: eig?.explained ?? [],
    eigenMethod: eig?.method ?? null,
    eigenResidual: eig?.residual ?? null,
    samplesForMeanImage: m.samplesForMean,
    reductions: m.reductions,
    quadrature: m.quadrature,
  };
  const arrays: ImageArrays = {
    mean: Float32Array.from(m.pixel.mean),
    variance: Float32Array.from(m.pixel.variance),
    eigenvectors,
    eigenCount: eig?.vectors.length ?? 0,
    shape,
    clean: img.data,
    cleanShape: [img.channels, img.height, img.width],
  };
  partial(moments, arrays);
  const analysed = model ? await timed('model', () => analyzeModel(img, policy, m, params, model, sub, timed, pool)) : null;
  return {
    report: { path, inputShape: [img.channels, img.height, img.width], moments, model: analysed?.report ?? null, timingsMs: timings },
    arrays: { ...arrays, ...analysed?.arrays },
  };
}

async function analyzeModel(
  img: Image,
  policy: TransformSpec,
  m: ImageMoments,
  params: AnalyzeParams,
  opened: OpenedModel,
  sub: (stage: EngineStage) => (fraction: number, message: string) => void,
  timed: <T>(name: string, f: () => Promise<T> | T) => Promise<T>,
  pool?: ParameterPool,
): Promise<{ report: ModelMomentsReport; arrays: Pick<ImageArrays, 'saliency' | 'saliencyMean' | 'saliencyTimesStd'> }> {
  const model = opened.at(m.shape.height, m.shape.width);
  const forward = model.forward();
  const passesSince = (start: number) => forward.passes - start;
  const [cleanRow] = await forward.run([img]);
  const clean = cleanPrediction(cleanRow, opened.info.outputKind, params.label);
  const settings = { budget: params.forwardBudget, confidence: params.confidence, seed: params.seed, tolerance: params.tolerance };
  const exactStart = forward.passes;
  const points = m.quadrature ? recordingLosses(forward, clean.kind, clean.target) : null;
  const mm = await timed('exactPath', async () => {
    if (!points) return modelMoments(new OutcomeIndex(m.mixture), forward, clean, settings, sub('model'));
    // The control's outcomes run on `forward`, not `points.model`: they are not draws of the policy.
    const control = await prefixControl(policy, img, m.step.outputShape, forward, clean, Math.floor(params.forwardBudget * CONTROL_SHARE));
    const sequence = latticeSequence(REPLICATES, params.seed);
    const draw = control
      ? (r: number, k: number) => control.draw(img, sequence.point(r, k))
      : (r: number, k: number) => ({ image: m.step.sample(img, sequence.point(r, k)) });
    return randomizedModelMoments(draw, REPLICATES, control, points.model, clean, { ...settings, firstPoints: FIRST_POINTS }, sub('model'));
  });
  const exactPasses = passesSince(exactStart);
  const z = zForConfidence(params.confidence);
  const o = mm.moments;
  sub('analytic')(0, 'saliency and the loss expansion along the eigenvectors');
  const saliencyStart = forward.passes;
  const sal = await timed('saliency', () =>
    computeSaliency(params.gradient ?? 'auto', model, forward, {
      img,
      mean: m.pixel.mean,
      shape: m.shape,
      eigen: m.eigen,
      clean,
      budget: params.forwardBudget,
      pixelStep: opened.info.input.dtype === 'float16' ? 2e-2 : 2e-3,
    }),
  );
  const computed = 'skipped' in sal ? null : sal;
  // The gradient graph runs its own session: each of its evaluations is a forward (and backward) pass too.
  const graphPasses = computed?.method === 'graph' ? computed.evaluations : 0;
  const saliencyPasses = passesSince(saliencyStart) + graphPasses;
  const e = computed?.expansion ?? null;
  const firstOrderVariance = e && m.eigen ? e.derivatives.reduce((s, d, k) => s + m.eigen!.values[k] * d * d, 0) : 0;
  const secondOrderLoss = e && m.eigen ? e.lossAtMean + secondOrderMeanCorrection(m.eigen.values, e.curvatures) : null;
  const source: LossSource = mm.losses
    ? evaluatedOutcomes(mm.losses.weights, mm.losses.values)
    : points
      ? evaluatedOutcomes(new Float64Array(points.losses.length).fill(1), Float64Array.from(points.losses))
      : { kind: 'sampler', step: m.step, img, model: forward, output: clean.kind, target: clean.target };
  const mcStart = forward.passes;
  const mc = await timed('monteCarlo', () =>
    lossConvergence(
      source,
      { samples: params.monteCarloSamples, timeMs: params.monteCarloTimeMs, confidence: params.confidence, seed: params.seed + 1 },
      sub('monte-carlo'),
    ),
  );
  const mcPasses = passesSince(mcStart);
  const parameters = params.parameters
    ? await timed('parameters', () =>
        parameterGradients({ info: opened.info, plan: model.plan, img, moments: m, clean, quadrature: mm.quadrature }, params, sub('analytic'), pool),
      )
    : undefined;
  const top = Array.from(o.expectedProbabilities.keys())
    .sort((a, b) => o.expectedProbabilities[b] - o.expectedProbabilities[a])
    .slice(0, 5);
  const salReport = computed ? saliencyReport(computed, m, o.stdLoss) : null;
  const report: ModelMomentsReport = {
    method: mm.method,
    methodNote: mm.note,
    quadrature: mm.quadrature,
    inputSize: [model.plan.target.height, model.plan.target.width],
    forwardPasses: forward.passes + graphPasses,
    passes: { clean: 1, exactPath: exactPasses, saliency: saliencyPasses, monteCarlo: mcPasses },
    clean: {
      top1: clean.top1,
      target: clean.target,
      probability: clean.probabilities[clean.top1],
      loss: crossEntropy(cleanRow, clean.kind, clean.target),
    },
    expectedLoss: o.expectedLoss,
    expectedLossInterval: mm.lossHalfWidth === null ? null : intervalWithin(o.expectedLoss, mm.lossHalfWidth, [0, Infinity]),
    stdLoss: o.stdLoss,
    flipRate: o.flipRate,
    flipRateInterval: mm.flipHalfWidth === null ? null : intervalWithin(o.flipRate, mm.flipHalfWidth, [0, 1]),
    expectedKL: o.expectedKL,
    topClasses: top.map((index) => ({ index, expectedProbability: o.expectedProbabilities[index], std: o.stdProbabilities[index] })),
    warnings: outputWarnings(o.expectedProbabilities.length, o),
    samplesNeeded: {
      loss: samplesForLoss(o.expectedLoss, o.stdLoss, params.tolerance, z),
      flipRate: samplesForRate(o.flipRate, params.tolerance, z),
    },
    analytic: e && {
      lossAtMean: e.lossAtMean,
      secondOrderExpectedLoss: secondOrderLoss!,
      firstOrderVariance,
      firstOrderStd: Math.sqrt(firstOrderVariance),
      directionalDerivatives: e.derivatives,
      curvatures: e.curvatures,
      method: computed!.method === 'graph' ? 'gradient graph' : computed!.method,
      step: e.step,
      validity: taylorValidity({ secondOrderExpectedLoss: secondOrderLoss!, firstOrderStd: Math.sqrt(firstOrderVariance) }, o),
    },
    saliency: salReport?.report ?? { method: 'none', requested: sal.requested, skipped: (sal as { skipped: string }).skipped },
    monteCarlo: { ...mc, exact: o.expectedLoss, source: source.kind === 'outcomes' ? 'evaluated outcomes' : 'model' },
    ...(parameters ? { parameters } : {}),
  };
  return { report, arrays: computed ? { saliency: computed.atClean, saliencyMean: computed.atMean, saliencyTimesStd: salReport!.timesStd } : {} };
}

/** The model with every row's loss recorded in run order: the randomized rule's points, all of equal weight. */
function recordingLosses(forward: ForwardModel, kind: OutputKind, target: number): { model: ForwardModel; losses: number[] } {
  const losses: number[] = [];
  const model: ForwardModel = {
    run: async (images) => {
      const rows = await forward.run(images);
      for (const row of rows) losses.push(crossEntropy(row, kind, target));
      return rows;
    },
    get passes() {
      return forward.passes;
    },
  };
  return { model, losses };
}

/** The report's blocks that describe the run rather than an image: policy, settings, model and preprocessing. */
export function describeRun(
  params: Omit<AnalyzeParams, 'imagePaths'>,
  policy: TransformSpec,
  model: OpenedModel | null,
): Pick<Report, 'policy' | 'settings' | 'model' | 'preprocessing'> {
  return {
    policy: { text: params.policy, canonical: formatPolicy(policy) },
    settings: {
      tolerance: params.tolerance,
      confidence: params.confidence,
      topK: params.topK,
      forwardBudget: params.forwardBudget,
      monteCarloSamples: params.monteCarloSamples,
      seed: params.seed,
    },
    model: model?.summary() ?? null,
    preprocessing: model?.preprocessingSummary() ?? null,
  };
}

function buildReport(params: AnalyzeParams, policy: TransformSpec, model: OpenedModel | null, images: ImageReport[], pooled?: PooledParametersReport | null): Report {
  const withModel = images.filter((i) => i.model);
  const avg = (f: (r: ImageReport) => number) => (withModel.length ? withModel.reduce((s, r) => s + f(r), 0) / withModel.length : null);
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    tool: { name: 'auglens', version: VERSION },
    createdAt: new Date().toISOString(),
    ...describeRun(params, policy, model),
    images,
    aggregate: {
      images: images.length,
      meanExpectedLoss: avg((r) => r.model!.expectedLoss),
      meanStdLoss: avg((r) => r.model!.stdLoss),
      meanFlipRate: avg((r) => r.model!.flipRate),
      meanTotalVariance: images.reduce((s, r) => s + r.moments.totalVariance, 0) / images.length,
      ...(pooled ? { parameters: pooled } : {}),
    },
  };
}

function basename(p: string): string {
  return p.split(/[\\/]/).pop() ?? p;
}
