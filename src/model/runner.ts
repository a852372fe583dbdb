import type { Image } from '../core/image';
import type { LoadedModel } from './modelInfo';
import { fromOrtTensor, toOrtTensor } from './ortTensors';
import { preprocess, type PreprocessPlan } from './preprocess';

export interface RunnerOptions {
  /** Images per onnxruntime run when the session takes any batch size (default 16). */
  readonly batchSize?: number;
}

/**
 * Batched inference. Inputs go in chunks of batchSize when the session takes any batch size (a dynamic batch
 * dimension, or a fixed batch of 1 rewritten to a dynamic one: model.batching), in groups of the fixed batch size
 * otherwise (the last group padded with copies, whose outputs are dropped). Images are
 * preprocessed chunk by chunk, so only one chunk of model tensors is held at a time.
 *
 * Intermediate outputs: runTensors fetches any graph outputs by name, split per image. A model whose
 * intermediate values are added as graph outputs (the gradient work's forward pass) runs through the same path.
 */
export class ModelRunner {
  private readonly batchSize: number;
  private readonly dynamic: boolean;
  private ran = 0;

  constructor(
    private readonly model: LoadedModel,
    private readonly plan: PreprocessPlan,
    options: RunnerOptions = {},
  ) {
    this.dynamic = model.batching.dynamic;
    this.batchSize = this.dynamic ? Math.max(1, options.batchSize ?? 16) : model.fixedBatch;
  }

  /** Images run so far (the copies padding a fixed batch not counted). */
  get passes(): number {
    return this.ran;
  }

  /** The model's (first) output for each [0, 1] image, as float32. */
  async runBatch(images: readonly Image[]): Promise<Float32Array[]> {
    const name = this.model.output.name;
    const outputs = await this.runChunks(images.length, (i) => preprocess(images[i], this.plan), [name]);
    return outputs.get(name)!;
  }

  /** Runs already-preprocessed inputs (model layout, float32 values) and returns the named outputs per input. */
  runTensors(inputs: readonly Float32Array[], outputNames: readonly string[]): Promise<Map<string, Float32Array[]>> {
    return this.runChunks(inputs.length, (i) => inputs[i], outputNames);
  }

  private async runChunks(
    count: number,
    inputAt: (index: number) => Float32Array,
    outputNames: readonly string[],
  ): Promise<Map<string, Float32Array[]>> {
    const results = new Map<string, Float32Array[]>(outputNames.map((n) => [n, []]));
    const { layout, channels, height, width } = this.plan.target;
    const imageDims = layout === 'NCHW' ? [channels, height, width] : [height, width, channels];
    const perImage = channels * height * width;
    for (let start = 0; start < count; start += this.batchSize) {
      const filled = Math.min(this.batchSize, count - start);
      const batch = this.dynamic ? filled : this.model.fixedBatch;
      const data = new Float32Array(batch * perImage);
      for (let b = 0; b < batch; b++) {
        const index = start + Math.min(b, filled - 1);
        const item = b < filled ? inputAt(index) : data.subarray((filled - 1) * perImage, filled * perImage);
        if (item.length !== perImage) throw new Error(`input ${index} has ${item.length} values, expected ${perImage}`);
        data.set(item, b * perImage);
      }
      const feeds = { [this.model.input.name]: toOrtTensor(data, this.model.input.dtype, [batch, ...imageDims]) };
      const out = await this.model.session.run(feeds, [...outputNames]);
      this.ran += filled;
      for (const name of outputNames) {
        const values = fromOrtTensor(out[name]);
        const per = values.length / batch;
        const list = results.get(name)!;
        for (let b = 0; b < filled; b++) list.push(values.slice(b * per, (b + 1) * per));
      }
    }
    return results;
  }
}
