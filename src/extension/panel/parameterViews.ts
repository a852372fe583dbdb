// The engine's parameter-gradient reports as the panel shows them: infinite or undefined figures become null. Pure.
import type {
  ParameterNoiseStats,
  ParametersReport,
  PooledNoiseStats,
  PooledParametersReport,
  SkippedParameters,
} from '../../engine/contract/parameterReport';
import type { ParameterNoiseView, ParametersResultView, PooledNoiseView, PooledParametersView } from '../../shared/parametersView';

const finiteOrNull = (v: number): number | null => (Number.isFinite(v) ? v : null);

function noiseView(s: ParameterNoiseStats): ParameterNoiseView {
  return {
    size: s.size,
    meanNorm: s.meanNorm,
    traceCovariance: s.traceCovariance,
    snr: finiteOrNull(s.snr),
    samplesNeeded: finiteOrNull(s.samplesNeeded),
    cosine: { mean: s.cosine.mean, p5: s.cosine.p5, p95: s.cosine.p95 },
    cleanCosine: finiteOrNull(s.cleanCosine),
  };
}

export function parametersView(p: ParametersReport | SkippedParameters): ParametersResultView {
  if ('skipped' in p) return { skipped: p.skipped };
  return {
    method: p.method,
    note: p.note,
    outcomes: p.outcomes,
    target: p.target,
    tolerance: p.tolerance,
    confidence: p.confidence,
    total: noiseView(p.total),
    layers: p.layers.map((l) => ({ layer: l.layer, op: l.op, ...noiseView(l) })),
    error: p.error && { ...p.error },
  };
}

function pooledNoiseView(s: PooledNoiseStats): PooledNoiseView {
  return { size: s.size, meanNorm: s.meanNorm, acrossImages: s.acrossImages, withinAugmentations: s.withinAugmentations, snr: finiteOrNull(s.snr) };
}

export function pooledParametersView(p: PooledParametersReport): PooledParametersView {
  return {
    images: p.images,
    total: pooledNoiseView(p.total),
    layers: p.layers.map((l) => ({ layer: l.layer, op: l.op, ...pooledNoiseView(l) })),
  };
}
