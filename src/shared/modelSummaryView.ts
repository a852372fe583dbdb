// The model summary the stability panel shows (input, output, preprocessing guess), with its validator.
import { type Fields, isFields, isFiniteNumber, isInteger, isNumberList, isOneOf, isText } from './validate';
import { CHANNEL_ORDERS, type PreprocessValues } from './presets';

export interface ModelSummaryView {
  input: { name: string; dtype: string; shape: (number | string)[] };
  output: { name: string; shape: (number | string)[] };
  layout: string;
  outputKind: string;
  outputKindReason: string;
  opset: number;
  irVersion: number;
  producer: string;
  dynamicBatch: boolean;
  /** [height, width] the graph fixes, or null. */
  inputSize: [number, number] | null;
  channels: number;
  /** The engine's preprocessing guess. */
  guess: PreprocessValues & { preset: string; reason: string };
  /** The values of every named preset, so the webview can show what a choice means. */
  presets: Record<string, PreprocessValues>;
}

const isDims = (v: unknown): v is (number | string)[] =>
  Array.isArray(v) && v.length <= 8 && v.every((d) => isFiniteNumber(d) || isText(d, 256));

function parseTensor(value: unknown): { name: string; shape: (number | string)[] } | undefined {
  if (!isFields(value) || !isText(value.name) || !isDims(value.shape)) return undefined;
  return { name: value.name, shape: value.shape };
}

function parseValues(value: unknown): PreprocessValues | undefined {
  if (!isFields(value)) return undefined;
  const { channels, scale, mean, std } = value;
  if (!isOneOf(channels, CHANNEL_ORDERS) || !isFiniteNumber(scale)) return undefined;
  if (!isNumberList(mean, 4) || !isNumberList(std, 4)) return undefined;
  return { channels, scale, mean, std };
}

export function parseModelSummary(value: unknown): ModelSummaryView | undefined {
  if (!isFields(value)) return undefined;
  const input = parseTensor(value.input);
  const output = parseTensor(value.output);
  const guessValues = parseValues(value.guess);
  const guess = value.guess as Fields;
  if (!input || !output || !guessValues || !isText(guess.preset) || !isText(guess.reason)) return undefined;
  if (!isFields(value.input) || !isText((value.input as Fields).dtype)) return undefined;
  const texts = [value.layout, value.outputKind, value.outputKindReason, value.producer];
  if (!texts.every((t) => isText(t)) || !isFiniteNumber(value.opset) || !isFiniteNumber(value.irVersion)) return undefined;
  if (typeof value.dynamicBatch !== 'boolean' || !isInteger(value.channels, 1, 4)) return undefined;
  const size = value.inputSize;
  if (size !== null && !(Array.isArray(size) && size.length === 2 && size.every((s) => isInteger(s, 1, 1 << 16)))) return undefined;
  if (!isFields(value.presets)) return undefined;
  const presets: Record<string, PreprocessValues> = {};
  for (const [name, v] of Object.entries(value.presets)) {
    const parsed = parseValues(v);
    if (!parsed || !isText(name, 64)) return undefined;
    presets[name] = parsed;
  }
  return {
    input: { ...input, dtype: (value.input as Fields).dtype as string },
    output,
    layout: value.layout as string,
    outputKind: value.outputKind as string,
    outputKindReason: value.outputKindReason as string,
    opset: value.opset,
    irVersion: value.irVersion,
    producer: value.producer as string,
    dynamicBatch: value.dynamicBatch,
    inputSize: size === null ? null : [size[0], size[1]],
    channels: value.channels,
    guess: { ...guessValues, preset: guess.preset, reason: guess.reason },
    presets,
  };
}
