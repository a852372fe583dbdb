/** Saliency by reverse-mode differentiation of ONNX graphs, and the finite-difference fallback. */
export { buildGradientModel, type GradientModel, type GradientModelOptions, type GradientRequest, type ImageGradient } from './gradientModel';
export { GraphGradient, type Cotangent, type GraphGradientOptions, type VectorJacobian } from './graphGradient';
export { buildParameterGradientModel, type ParameterGradient, type ParameterGradientModel } from './parameterModel';
export type { Parameter } from './parameters';
export { objective, type GradientKind, type Objective } from './objective';
export { supportsGradient, type GradientSupport } from './path';
export { SUPPORTED_OPERATORS } from './rules';
export { GradientUnsupportedError, type UnsupportedNode } from './unsupported';
export { imageGradient } from './chainRule';
export {
  blockSaliency,
  blockSaliencyPasses,
  defaultBlock,
  directionalDerivatives,
  FINITE_DIFFERENCES,
  type BlockSaliency,
  type DirectionalDerivatives,
  type FallbackOptions,
  type ImageObjective,
} from './fallback';
