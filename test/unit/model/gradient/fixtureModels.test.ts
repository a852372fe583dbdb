import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { createImage, type Image } from '../../../../src/core/image';
import { argmax, crossEntropy } from '../../../../src/core/outputs/classifier';
import { createRng } from '../../../../src/core/rng';
import { buildGradientModel, type GradientModel } from '../../../../src/model/gradient/gradientModel';
import { objective, type GradientKind } from '../../../../src/model/gradient/objective';
import { loadModel } from '../../../../src/model/load';
import type { LoadedModel } from '../../../../src/model/modelInfo';
import { decodeModel } from '../../../../src/model/onnx/codec';
import type { ModelProto } from '../../../../src/model/onnx/types';
import { planPreprocessing, type PresetName, type PreprocessPlan } from '../../../../src/model/preprocess';
import { ModelRunner } from '../../../../src/model/runner';
import { fixtureImage, fixtureModel, fixturesMissing, tempDir, writeModel } from '../fixtures';
import { widenToFloat32 } from '../../../../src/model/gradient/float32Twin';
import { smoothTwin } from './smoothTwin';

const skip = fixturesMissing;
const dir = skip ? '' : tempDir();

interface Fixture {
  readonly model: string;
  readonly image: string;
  readonly preset: PresetName;
}

const MNIST: Fixture = { model: 'mnist-8.onnx', image: 'mnist_28.png', preset: 'unit' };
/** The 224x224 kitten into a 32x32 model: the chain rule goes back through an antialiased resize. */
const CIFAR: Fixture = { model: 'cifar10-tutorial.onnx', image: 'kitten_224.png', preset: 'cifar' };
/** A 451x300 photo into 224x224 BGR 0..255: resize and centre crop. */
const SQUEEZENET: Fixture = { model: 'squeezenet-fp16.onnx', image: 'chelsea.png', preset: 'raw255-bgr' };

const fixtureProto = (f: Fixture): ModelProto => decodeModel(readFileSync(fixtureModel(f.model)));

interface Session {
  readonly loaded: LoadedModel;
  readonly plan: PreprocessPlan;
  readonly gradient: GradientModel;
  readonly runner: ModelRunner;
}

async function open(proto: ModelProto, name: string, preset: PresetName): Promise<Session> {
  const loaded = await loadModel(writeModel(dir, name, proto));
  const plan = planPreprocessing({ preset }, loaded);
  return { loaded, plan, gradient: await buildGradientModel(loaded, plan), runner: new ModelRunner(loaded, plan) };
}

async function close(s: Session): Promise<void> {
  await s.gradient.release();
  await s.loaded.release();
}

/** The class ranked second on the image: its loss is far from 0, so differences of it are well conditioned. */
async function runnerUp(s: Session, image: Image): Promise<number> {
  const row = (await s.runner.runBatch([image]))[0];
  const top = argmax(row);
  return argmax(row.map((v, i) => (i === top ? -Infinity : v)));
}

function shifted(image: Image, direction: Float32Array, t: number): Image {
  return createImage(image.channels, image.height, image.width, Float32Array.from(image.data, (v, i) => v + t * direction[i]));
}

/** Random directions with entries in [-1, 1], and the horizontal-flip direction F(x) - x (RandomHorizontalFlip's eigenvector). */
function directions(image: Image, count: number, seed: number): Float32Array[] {
  const rng = createRng(seed);
  const random = Array.from({ length: count }, () => Float32Array.from(image.data, () => 2 * rng.next() - 1));
  const { channels, height, width } = image;
  const flip = new Float32Array(image.data.length);
  for (let c = 0; c < channels; c++) {
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const row = (c * height + y) * width;
        flip[row + x] = image.data[row + width - 1 - x] - image.data[row + x];
      }
    }
  }
  return [...random, flip];
}

/**
 * Relative errors of the graph gradient's g . u against central differences of the objective along u, with
 * Richardson extrapolation (4 D(h/2) - D(h)) / 3 when `richardson`; |g . u| below a tenth of its typical size
 * ||g|| ||u|| / sqrt(D) counts as that tenth.
 */
async function directionalErrors(
  s: Session,
  image: Image,
  target: number,
  kind: GradientKind,
  dirs: readonly Float32Array[],
  step: number,
  richardson: boolean,
): Promise<number[]> {
  const [result] = await s.gradient.evaluate([image], { target, kind });
  const g = result.gradient;
  const valueOf = (row: Float32Array): number => objective(row, s.loaded.outputKind, kind, target).value;
  assert.ok(Math.abs(result.value - valueOf((await s.runner.runBatch([image]))[0])) <= 1e-5 * Math.max(1, Math.abs(result.value)));
  const errors: number[] = [];
  for (const u of dirs) {
    const steps = richardson ? [step, step / 2] : [step];
    const rows = await s.runner.runBatch(steps.flatMap((h) => [shifted(image, u, h), shifted(image, u, -h)]));
    const central = steps.map((h, k) => (valueOf(rows[2 * k]) - valueOf(rows[2 * k + 1])) / (2 * h));
    const fd = richardson ? (4 * central[1] - central[0]) / 3 : central[0];
    let gu = 0;
    let gg = 0;
    let uu = 0;
    for (let i = 0; i < g.length; i++) {
      gu += g[i] * u[i];
      gg += g[i] * g[i];
      uu += u[i] * u[i];
    }
    errors.push(Math.abs(fd - gu) / Math.max(Math.abs(gu), Math.sqrt((gg * uu) / g.length) / 10));
  }
  return errors;
}

const shown = (errors: readonly number[]): string => errors.map((e) => e.toExponential(2)).join(', ');

/**
 * Smooth twins (Relu -> x sigmoid(x), MaxPool -> AveragePool, float16 widened to float32): the fixture's whole graph
 * structure, preprocessing and chain rule, differentiable everywhere, so central differences converge. What limits
 * them is float32 rounding inside the network (about 1e-3 relative here).
 */
const smooth: [Fixture, number][] = [
  [MNIST, 3e-2],
  [CIFAR, 3e-2],
  [SQUEEZENET, 3e-3],
];
for (const [f, step] of smooth) {
  test(`${f.model} (smooth twin, float32): gradient of the loss at ${f.image} matches central differences within 1e-2`, { skip }, async (t) => {
    const s = await open(smoothTwin(widenToFloat32(fixtureProto(f))), `smooth-${f.model}`, f.preset);
    try {
      const image = fixtureImage(f.image);
      const errors = await directionalErrors(s, image, await runnerUp(s, image), 'loss', directions(image, 4, 1), step, true);
      t.diagnostic(`relative errors (4 random directions, flip direction): ${shown(errors)}`);
      for (const e of errors) assert.ok(e <= 1e-2, shown(errors));
    } finally {
      await close(s);
    }
  });
}

test('cifar10 (smooth twin): gradients of a chosen logit and of a softmax probability match central differences', { skip }, async (t) => {
  const s = await open(smoothTwin(fixtureProto(CIFAR)), 'smooth-kinds.onnx', CIFAR.preset);
  try {
    const image = fixtureImage(CIFAR.image);
    for (const kind of ['output', 'probability'] as const) {
      const errors = await directionalErrors(s, image, 3, kind, directions(image, 2, 2), 3e-2, true);
      t.diagnostic(`${kind}: relative errors ${shown(errors)}`);
      for (const e of errors) assert.ok(e <= 1e-2, `${kind}: ${shown(errors)}`);
    }
  } finally {
    await close(s);
  }
});

/**
 * The real float32 fixtures, kinks included. Flat image regions make max-pool windows tie, where the loss has no
 * gradient (the graph, like PyTorch, routes to the first maximum); a little noise breaks the ties. Central
 * differences then agree up to the ReLU and max-pool kinks a step crosses and float32 rounding.
 */
for (const f of [MNIST, CIFAR]) {
  test(`${f.model}: gradient of the loss at a noisy ${f.image} matches central differences (median <= 3e-2)`, { skip }, async (t) => {
    const s = await open(fixtureProto(f), `real-${f.model}`, f.preset);
    try {
      const clean = fixtureImage(f.image);
      const noise = createRng(9);
      const image = createImage(clean.channels, clean.height, clean.width, Float32Array.from(clean.data, (v) => v + 0.02 * (noise.next() - 0.5)));
      const errors = await directionalErrors(s, image, await runnerUp(s, image), 'loss', directions(image, 6, 3), 1e-4, false);
      t.diagnostic(`relative errors (6 random directions, flip direction): ${shown(errors)}`);
      const sorted = [...errors].sort((a, b) => a - b);
      assert.ok(sorted[Math.floor(sorted.length / 2)] <= 3e-2, shown(errors));
      assert.ok(sorted[sorted.length - 1] <= 1e-1, shown(errors));
    } finally {
      await close(s);
    }
  });
}

test('squeezenet-fp16: the float16 gradient agrees with the float32 network and reproduces the model engine loss', { skip }, async (t) => {
  const image = fixtureImage('kitten_224.png');
  const results = [];
  for (const [proto, name] of [
    [fixtureProto(SQUEEZENET), 'squeezenet-fp16.onnx'],
    [widenToFloat32(fixtureProto(SQUEEZENET)), 'squeezenet-widened.onnx'],
  ] as const) {
    const s = await open(proto, name, SQUEEZENET.preset);
    try {
      const row = (await s.runner.runBatch([image]))[0];
      const target = argmax(row);
      const [r] = await s.gradient.evaluate([image], { target });
      assert.equal(r.value, crossEntropy(row, s.loaded.outputKind, target));
      results.push(r);
    } finally {
      await close(s);
    }
  }
  const [half, full] = results.map((r) => r.gradient);
  let dot = 0;
  let hh = 0;
  let ff = 0;
  for (let i = 0; i < half.length; i++) {
    dot += half[i] * full[i];
    hh += half[i] * half[i];
    ff += full[i] * full[i];
  }
  t.diagnostic(`cosine(float16 gradient, float32 gradient) = ${(dot / Math.sqrt(hh * ff)).toFixed(5)}`);
  // Half-precision activations flip a few ReLU and max-pool decisions: the saliency maps stay aligned.
  assert.ok(dot / Math.sqrt(hh * ff) >= 0.99, `cosine ${dot / Math.sqrt(hh * ff)}`);
  assert.ok(Math.abs(results[0].value - results[1].value) <= 1e-2, `${results[0].value} vs ${results[1].value}`);
});

test('cifar10: a batch of images (dynamic batch, chunks of 2) gives the gradients of one-by-one runs', { skip }, async () => {
  const loaded = await loadModel(fixtureModel(CIFAR.model));
  const plan = planPreprocessing({ preset: CIFAR.preset }, loaded);
  const batched = await buildGradientModel(loaded, plan, { batchSize: 2 });
  try {
    const images = ['kitten_224.png', 'chelsea.png', 'coffee.png'].map(fixtureImage);
    const request = { target: [3, 5, 1], kind: 'loss' as const };
    const together = await batched.evaluate(images, request);
    for (let i = 0; i < images.length; i++) {
      const [alone] = await batched.evaluate([images[i]], { ...request, target: request.target[i] });
      assert.ok(Math.abs(alone.value - together[i].value) <= 1e-5);
      const scale = alone.gradient.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
      for (let j = 0; j < alone.gradient.length; j++) assert.ok(Math.abs(alone.gradient[j] - together[i].gradient[j]) <= 1e-5 * scale);
    }
  } finally {
    await batched.release();
    await loaded.release();
  }
});
