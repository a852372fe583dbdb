import type { Image } from '../../core/image';
import { crossEntropy } from '../../core/outputs/classifier';
import type { LoadedModel } from '../modelInfo';
import { preprocess, type PreprocessPlan } from '../preprocess';
import { FusedParameterGradient } from './fusedParameterGradient';
import { GraphGradient } from './graphGradient';
import { objective } from './objective';
import type { Parameter } from './parameters';
import { supportsGradient } from './path';
import { isQuantized } from './quantized/floatTwin';
import { selfContained } from './selfContained';
import { probeShapes } from './shapes';
import { GradientUnsupportedError } from './unsupported';

/** The loss at one image and its gradient with respect to every parameter. */
export interface ParameterGradient {
  readonly loss: number;
  readonly output: Float32Array;
  /** One array per parameter, in `parameters` order (float32, the parameter's own shape). */
  readonly gradients: Float32Array[];
}

export interface ParameterGradientModel {
  readonly parameters: readonly Parameter[];
  /** Cross-entropy of the first output against `target` at a [0, 1] image, and its parameter gradients. */
  evaluate(image: Image, target: number): Promise<ParameterGradient>;
  release(): Promise<void>;
}

/**
 * dLoss/dParameter for the model's float initializers (parameters.ts), from the gradient graph built with its
 * parameter outputs, one image per run: forward and backward in one model where the forward graph reads the same at
 * the backward opset (fusedParameterGradient.ts), else in two sessions (GraphGradient). Quantized models are refused:
 * their float twin's dequantized weights are not the integers training would update.
 */
export async function buildParameterGradientModel(
  loaded: LoadedModel,
  plan: PreprocessPlan,
  options: { readonly threads?: number } = {},
): Promise<ParameterGradientModel> {
  const proto = selfContained(loaded.proto, loaded.baseDir);
  if (isQuantized(proto)) {
    throw new Error('parameter gradients of quantized models are not supported (their weights are integers: train the float model)');
  }
  const support = supportsGradient(proto, loaded.output.name);
  if (!support.ok) throw new GradientUnsupportedError(support.unsupported);
  const { layout, channels, height, width } = plan.target;
  const batch = loaded.dynamicBatch ? 1 : loaded.fixedBatch;
  const inputDims = layout === 'NCHW' ? [batch, channels, height, width] : [batch, height, width, channels];
  const input = { name: loaded.input.name, dtype: loaded.input.dtype, dims: inputDims, dynamicBatch: loaded.dynamicBatch };
  const probe = await probeShapes(proto, input, options.threads);
  const common = { inputName: loaded.input.name, outputName: loaded.output.name, inputDtype: loaded.input.dtype, inputDims, probe, threads: options.threads };
  const fused = batch === 1 ? await FusedParameterGradient.create(proto, { ...common, outputKind: loaded.outputKind }) : null;
  const graph = fused ? null : await GraphGradient.create(proto, { ...common, dynamicBatch: loaded.dynamicBatch, parameters: true });
  const parameters = fused?.parameters ?? graph!.parameters;
  const release = () => (fused ? fused.release() : graph!.release());
  if (parameters.length === 0) {
    await release();
    throw new Error('the model has no float initializers the gradient reaches (no parameters to differentiate)');
  }
  return {
    parameters,
    evaluate: async (image, target) => {
      const values = preprocess(image, plan);
      if (fused) {
        const { output, gradients } = await fused.evaluate(values, target);
        return { loss: crossEntropy(output, loaded.outputKind, target), output, gradients };
      }
      let loss = 0;
      const { output, gradients } = await graph!.parameterVjp(values, (row) => {
        const o = objective(row, loaded.outputKind, 'loss', target);
        loss = o.value;
        return o.cotangent;
      });
      return { loss, output, gradients };
    },
    release,
  };
}
