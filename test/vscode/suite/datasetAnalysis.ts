import type { DatasetAnalysis } from '../../../src/extension/dataset/datasetSession';
import { ANALYSIS_LIMITS } from '../../../src/shared/analysisLimits';

/** The analysis the dataset suites run: the settings' defaults, the CIFAR preprocessing on 32x32 images. */
export function cifarDatasetAnalysis(modelPath: string, policy: string): DatasetAnalysis {
  const d = (name: keyof typeof ANALYSIS_LIMITS) => ANALYSIS_LIMITS[name].default;
  return {
    modelPath,
    policy,
    size: [32, 32],
    preprocess: { preset: 'cifar' },
    tolerance: d('tolerance'),
    confidence: d('confidence'),
    topK: d('topK'),
    forwardBudget: d('forwardBudget'),
    monteCarloSamples: d('monteCarloSamples'),
    seed: d('seed'),
  };
}
