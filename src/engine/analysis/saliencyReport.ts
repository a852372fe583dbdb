import { highFrequencyShare, radialPowerSpectrum, saliencyVarianceMap, varianceAlignment } from '../../core/alignment';
import type { ImageMoments } from '../../core/moments/imageMoments';
import type { SaliencyReport } from '../contract/report';
import type { Saliency } from './saliency';

/** Spatial frequency (cycles per pixel) above which power counts as edges and texture. */
const HIGH_FREQUENCY_CUTOFF = 0.25;

/** The alignment of the saliency at the mean image with the covariance, and the spectra comparing them. */
export function saliencyReport(sal: Saliency, m: ImageMoments, exactStdLoss: number): { report: SaliencyReport; timesStd: Float32Array } {
  const { channels: c, height: h, width: w } = m.shape;
  const norm = (v: Float32Array) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));
  const a = m.eigen && varianceAlignment(sal.atMean, m.eigen, { totalVariance: m.pixel.totalVariance });
  const spectrum = (data: ArrayLike<number>) => radialPowerSpectrum(data, c, h, w);
  const gSpectrum = spectrum(sal.atMean);
  return {
    report: {
      method: sal.method,
      requested: sal.requested,
      fallbackReason: sal.fallbackReason,
      evaluations: sal.evaluations,
      gradientNormClean: norm(sal.atClean),
      gradientNormMean: norm(sal.atMean),
      alignment: a && {
        gCovG: a.firstOrderVariance,
        gCovGUpperBound: a.varianceUpperBound,
        rayleigh: a.rayleigh,
        rayleighUpperBound: a.rayleighUpperBound,
        shares: a.shares,
        outsideShare: a.outsideShare,
        predictedStdLoss: a.predictedStd,
        exactStdLoss,
      },
      spectra: {
        frequencies: Array.from(gSpectrum.frequencies),
        saliency: Array.from(gSpectrum.power),
        variance: Array.from(spectrum(m.pixel.variance).power),
        eigen: (m.eigen?.vectors ?? []).map((v) => Array.from(spectrum(v).power)),
      },
      highFrequency: {
        cutoff: HIGH_FREQUENCY_CUTOFF,
        saliency: highFrequencyShare(sal.atMean, c, h, w, HIGH_FREQUENCY_CUTOFF),
        variance: highFrequencyShare(m.pixel.variance, c, h, w, HIGH_FREQUENCY_CUTOFF),
      },
    },
    timesStd: saliencyVarianceMap(sal.atMean, m.pixel.variance),
  };
}
