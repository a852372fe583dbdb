import { readRegularFile } from '../../core/io/regularFile';
import { byCodePoint } from './imageFolder';

/** Labels files are lists of names: a few MB at most (the ImageNet synset list is 31 KB). */
const MAX_LABELS_FILE_BYTES = 16 * 1024 * 1024;

/** A labels file or a class without a label, in words. */
export class LabelsError extends Error {}

/**
 * `--labels FILE`: class name to model class index. A JSON object {"name": index, ...}, or text with one class per
 * line, the line's position its index (0-based) and its first token (up to a space, tab or comma) its name, as in
 * the ImageNet synset list "n01440764 tench, Tinca tinca".
 */
export function readLabelsFile(path: string): Map<string, number> {
  let text: string;
  try {
    text = readRegularFile(path, MAX_LABELS_FILE_BYTES, 'labels file').toString('utf8');
  } catch (e) {
    throw new LabelsError((e as Error).message);
  }
  return text.trimStart().startsWith('{') ? jsonLabels(text, path) : lineLabels(text, path);
}

function jsonLabels(text: string, path: string): Map<string, number> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new LabelsError(`${path}: not valid JSON (${(e as Error).message})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new LabelsError(`${path}: expected a JSON object {"class name": index}`);
  const labels = new Map<string, number>();
  for (const [name, index] of Object.entries(value)) {
    if (!Number.isInteger(index) || index < 0) throw new LabelsError(`${path}: the index of '${name}' must be an integer >= 0, not ${JSON.stringify(index)}`);
    labels.set(name, index);
  }
  return labels;
}

function lineLabels(text: string, path: string): Map<string, number> {
  const labels = new Map<string, number>();
  const lines = text.split(/\r?\n/);
  if (lines.at(-1) === '') lines.pop();
  for (const [index, line] of lines.entries()) {
    const name = line.trim().split(/[\s,]/)[0];
    if (!name) throw new LabelsError(`${path}:${index + 1}: empty line (each line names the class of index line - 1)`);
    if (labels.has(name)) throw new LabelsError(`${path}:${index + 1}: '${name}' is also on line ${labels.get(name)! + 1}`);
    labels.set(name, index);
  }
  if (!labels.size) throw new LabelsError(`${path}: the labels file is empty`);
  return labels;
}

/**
 * Each class folder with the model class index it is scored against: its position in the sorted class list
 * (torchvision's `class_to_idx`), or its entry in `labels`. Every class must have one.
 */
export function classLabels(classes: readonly string[], labels?: ReadonlyMap<string, number>): { name: string; label: number }[] {
  if (!labels) return classes.map((name, label) => ({ name, label }));
  const missing = classes.filter((name) => !labels.has(name)).sort(byCodePoint);
  if (missing.length) {
    const shown = missing.slice(0, 5).join(', ') + (missing.length > 5 ? `, and ${missing.length - 5} more` : '');
    throw new LabelsError(`${missing.length} class folder${missing.length > 1 ? 's have' : ' has'} no entry in the labels file: ${shown}`);
  }
  return classes.map((name) => ({ name, label: labels.get(name)! }));
}
