// A throwaway workspace with two .onnx files: the shared MNIST fixture when it is beside the repository, and a
// placeholder (bytes only; enough for everything that does not run a model).
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SHARED_MODELS_DIR } from './paths';

export interface TestWorkspace {
  folder: string;
  /** File names of the models, sorted. */
  models: string[];
}

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
  writeFileSync(join(folder, 'notes.txt'), 'Not a model: the AugLens menu entry must not appear here.\n');
  return { folder, models: models.sort() };
}
