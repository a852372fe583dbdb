// A small synthetic analysis result (3 x 4 x 5 image, 2 eigen-images, a model report with saliency) in the engine's
// format, and its panel view, for the protocol and conversion tests.
import type { AnalysisResult, ImageArrays, ImageReport } from '../../../src/engine/contract/report';
import { imageView } from '../../../src/extension/panel/viewResults';
import type { ImageResultView } from '../../../src/shared/resultsView';

const SHAPE = [3, 4, 5] as const;
const SIZE = 3 * 4 * 5;

function ramp(length: number, scale: number, offset = 0): Float32Array {
  return Float32Array.from({ length }, (_, i) => offset + scale * ((i * 7) % 13));
}

export function engineArrays(): ImageArrays {
  return {
    saliency: Float32Array.from({ length: SIZE }, (_, i) => Math.sin(i)),
    saliencyMean: Float32Array.from({ length: SIZE }, (_, i) => 0.5 * Math.cos(i)),
    saliencyTimesStd: ramp(SIZE, 0.02),
    mean: ramp(SIZE, 0.1),
    variance: ramp(SIZE, 0.01),
    eigenvectors: Float32Array.from({ length: 2 * SIZE }, (_, i) => (i < SIZE ? 0.1 : 0.03) * (((i * 7) % 13) - 6)),
    eigenCount: 2,
    shape: SHAPE,
    clean: ramp(SIZE, 0.07),
    cleanShape: SHAPE,
  };
}

export function engineImageReport(): ImageReport {
  return {
    path: '/w/cat.png',
    inputShape: SHAPE,
    moments: {
      shape: SHAPE,
      outcomes: 18,
      totalVariance: 0.9,
      meanNorm: 2,
      eigenvalues: [0.5, 0.2],
      explainedVariance: [0.55, 0.22],
      eigenMethod: 'gram',
      eigenResidual: 1e-15,
      samplesForMeanImage: 1234,
      reductions: [],
    },
    model: {
      method: 'exact',
      methodNote: 'all 18 outcomes',
      warnings: [],
      quadrature: null,
      inputSize: [4, 5],
      forwardPasses: 19,
      passes: { clean: 1, exactPath: 18, saliency: 0, monteCarlo: 0 },
      clean: { top1: 3, target: 3, probability: 0.8, loss: 0.22 },
      expectedLoss: 0.3,
      expectedLossInterval: null,
      stdLoss: 0.1,
      flipRate: 0.05,
      flipRateInterval: null,
      expectedKL: 0.02,
      topClasses: [{ index: 3, expectedProbability: 0.7, std: 0.1 }],
      samplesNeeded: { loss: Infinity, flipRate: 1825 },
      analytic: {
        lossAtMean: 0.25,
        secondOrderExpectedLoss: 0.29,
        firstOrderVariance: 0.01,
        firstOrderStd: 0.1,
        directionalDerivatives: [0.1, 0.2],
        curvatures: [0.3, 0.1],
        method: 'gradient graph',
        step: 0.002,
        validity: { valid: true, expectedLossGap: 0.01 / 0.3, stdLossGap: 0, outOfRange: false, reason: null },
      },
      saliency: {
        method: 'graph',
        requested: 'auto',
        fallbackReason: null,
        evaluations: 6,
        gradientNormClean: 1.5,
        gradientNormMean: 1.2,
        alignment: {
          gCovG: 0.011,
          gCovGUpperBound: 0.02,
          rayleigh: 0.4,
          rayleighUpperBound: 0.5,
          shares: [0.3, 0.1],
          outsideShare: 0.6,
          predictedStdLoss: 0.105,
          exactStdLoss: 0.1,
        },
        spectra: { frequencies: [0, 0.1, 0.2, 0.3], saliency: [4, 3, 2, 1], variance: [5, 2, 1, 0.5], eigen: [[1, 2, 1, 0.5], [1, 1, 1, 1]] },
        highFrequency: { cutoff: 0.25, saliency: 0.1, variance: 0.05 },
      },
      monteCarlo: { samples: [2, 10, 100], estimate: [0.4, 0.32, 0.31], lower: [0.1, 0.25, 0.29], upper: [0.7, 0.39, 0.33], exact: 0.3, draws: 100, source: 'evaluated outcomes' },
    },
    timingsMs: { imageMoments: 5, model: 30 },
  };
}

export function engineResult(): AnalysisResult {
  const image = engineImageReport();
  return {
    report: {
      schemaVersion: 2,
      tool: { name: 'auglens', version: '0.1.0' },
      createdAt: '2026-01-01T00:00:00Z',
      policy: { text: 'RandomCrop(4)', canonical: 'Compose([RandomCrop(size=(4, 4))])' },
      settings: { tolerance: 0.01, confidence: 0.95, topK: 2, forwardBudget: 4096, monteCarloSamples: 100, seed: 0 },
      model: null,
      preprocessing: { name: 'cifar', channels: 'rgb', scale: 1, mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5], inputSize: [4, 5], reason: 'a guess', certainty: 'low' },
      images: [image],
      aggregate: { images: 1, meanExpectedLoss: 0.3, meanStdLoss: 0.1, meanFlipRate: 0.05, meanTotalVariance: 0.9 },
    },
    arrays: [engineArrays()],
  };
}

export function imageResult(): ImageResultView {
  return imageView('cat.png', engineImageReport(), engineArrays());
}
