import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after } from 'node:test';
import type { Image } from '../../../src/core/image';
import { decodeImage } from '../../../src/core/io/decode';
import { encodeModel } from '../../../src/model/onnx/codec';
import type { ModelProto } from '../../../src/model/onnx/types';

/** ../shared/fixtures relative to the project root (see the fixtures README). */
export const FIXTURES = resolve(__dirname, '../../../../shared/fixtures');
export const fixturesMissing = existsSync(FIXTURES) ? false : `fixtures folder ${FIXTURES} is absent on this machine`;

export const fixtureModel = (name: string): string => join(FIXTURES, 'models', name);

export function fixtureImage(name: string): Image {
  const path = join(FIXTURES, 'images', name);
  return decodeImage(readFileSync(path), path);
}

export function imagenetLabels(): string[] {
  return readFileSync(fixtureModel('imagenet-labels.txt'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => line.slice(line.indexOf(',') + 1));
}

/** A temporary folder removed after the test file. */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'auglens-model-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export function writeModel(dir: string, name: string, model: ModelProto): string {
  const path = join(dir, name);
  writeFileSync(path, encodeModel(model));
  return path;
}

export function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
  return best;
}
