/** The paper's alignment quantities between a saliency and the augmentation covariance (docs/math.md, section 8). */
export { varianceAlignment, type AlignmentOptions, type EigenBasis, type VarianceAlignment } from './varianceAlignment';
export { directionalCurvature, secondOrderMeanCorrection } from './secondOrder';
export { highFrequencyShare, powerSpectrum, radialFrequencies, radialPowerSpectrum, type RadialSpectrum } from './spectrum';
export { saliencyVarianceMap } from './saliencyMap';
export { taylorValidity, TAYLOR_GAP_LIMIT, type TaylorValidity } from './taylorValidity';
