// A throwaway workspace with two .onnx files: the shared MNIST fixture when it is beside the repository, and a
// placeholder (bytes only; enough for everything that does not run a model); and, when the fixtures are there,
// sample images under images/, and the CIFAR model with an ImageFolder of 32x32 crops under dataset/.
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type GeneratedDataset, writeDatasetFolder } from './datasetFolder';
import { SHARED_IMAGES_DIR, SHARED_MODELS_DIR } from './paths';

export interface TestWorkspace {
  folder: string;
  /** File names of the models, sorted. */
  models: string[];
  /** Workspace-relative paths of the sample images (empty without the shared fixtures). */
  images: string[];
  /** The dataset tests' model (file name) and ImageFolder; null without the shared fixtures. */
  dataset: (GeneratedDataset & { model: string }) | null;
}

const DATASET_MODEL = 'cifar10-tutorial.onnx';

/** Fixture images the panel tests analyse. */
const SAMPLE_IMAGES = ['mnist_28.png', 'kitten_224.png'];

export function createTestWorkspace(folder: string): TestWorkspace {
  mkdirSync(folder, { recursive: true });
  const models = ['placeholder.onnx'];
  writeFileSync(join(folder, 'placeholder.onnx'), Buffer.from('not a real model: placeholder bytes\n'));
  const mnist = join(SHARED_MODELS_DIR, 'mnist-8.onnx');
  if (existsSync(mnist)) {
    copyFileSync(mnist, join(folder, 'mnist-8.onnx'));
    models.push('mnist-8.onnx');
  } else {
    writeFileSync(join(folder, 'second-placeholder.onnx'), Buffer.from('another placeholder\n'));
    models.push('second-placeholder.onnx');
  }
  // mnist-8's metadata states 0..255 pixels, which saturate its softmax (loss exactly 0 for every outcome); the tests
  // analyse it on [0, 1] pixels, as trained, so that the numbers and maps they check are not degenerate.
  mkdirSync(join(folder, '.vscode'), { recursive: true });
  writeFileSync(join(folder, '.vscode', 'settings.json'), JSON.stringify({ 'auglens.preprocessing.default': 'unit' }, null, 2));
  writeFileSync(join(folder, 'notes.txt'), 'Not a model: the AugLens menu entry must not appear here.\n');
  const images = SAMPLE_IMAGES.filter((name) => existsSync(join(SHARED_IMAGES_DIR, name)));
  if (images.length > 0) mkdirSync(join(folder, 'images'));
  for (const name of images) copyFileSync(join(SHARED_IMAGES_DIR, name), join(folder, 'images', name));
  const cifar = join(SHARED_MODELS_DIR, DATASET_MODEL);
  let dataset: TestWorkspace['dataset'] = null;
  if (existsSync(cifar) && existsSync(join(SHARED_IMAGES_DIR, 'astronaut.png'))) {
    copyFileSync(cifar, join(folder, DATASET_MODEL));
    dataset = { ...writeDatasetFolder(folder, SHARED_IMAGES_DIR), model: DATASET_MODEL };
  }
  return { folder, models: models.sort(), images: images.map((name) => `images/${name}`), dataset };
}
