// What the user edits in the stability panel (policy, images, size, preprocessing, label), as it travels between the
// extension host and the webview, with its validators.
import { MAX_POLICY_LENGTH, hasOnlyKeys, isFields, isFiniteNumber, isInteger, isNumberList, isOneOf, isText } from './validate';
import { isImageSize } from './analysisLimits';
import { CHANNEL_CHOICES, PRESET_CHOICES, type ChannelChoice, type PresetChoice } from './presets';

/** Preprocessing between the [0, 1] image and the model; null fields take the preset's value. */
export interface PreprocessingInput {
  preset: PresetChoice;
  channels: ChannelChoice;
  scale: number | null;
  mean: number[] | null;
  std: number[] | null;
}

/** The size images are brought to (Resize + CenterCrop) before the policy acts. */
export type ImageSizeInput =
  | { mode: 'model' }
  | { mode: 'original' }
  | { mode: 'custom'; height: number; width: number };

/** An image the host picked; the webview never names files itself. */
export interface ImageRef {
  uri: string;
  label: string;
}

export interface PanelInputs {
  images: ImageRef[];
  /** Policy A and policy B (B is used when `compare` is on). */
  policies: [string, string];
  compare: boolean;
  preprocessing: PreprocessingInput;
  imageSize: ImageSizeInput;
  /** Target class of the loss; null = the class predicted on the clean image. */
  label: number | null;
}

/** The inputs the webview may change (images are chosen through the host's picker only). */
export type EditableInputs = Omit<PanelInputs, 'images'>;

export const MAX_IMAGES = 64;
const MAX_CLASS = 1_000_000;

export function defaultInputs(policy = ''): PanelInputs {
  return {
    images: [],
    policies: [policy, ''],
    compare: false,
    preprocessing: { preset: 'auto', channels: 'auto', scale: null, mean: null, std: null },
    imageSize: { mode: 'model' },
    label: null,
  };
}

function parsePreprocessing(value: unknown): PreprocessingInput | undefined {
  if (!isFields(value) || !hasOnlyKeys(value, ['preset', 'channels', 'scale', 'mean', 'std'])) return undefined;
  const { preset, channels, scale, mean, std } = value;
  if (!isOneOf(preset, PRESET_CHOICES) || !isOneOf(channels, CHANNEL_CHOICES)) return undefined;
  if (scale !== null && !(isFiniteNumber(scale) && scale > 0)) return undefined;
  const perChannel = (v: unknown): v is number[] | null => v === null || (isNumberList(v, 4) && v.length >= 1);
  if (!perChannel(mean) || !perChannel(std)) return undefined;
  if (std?.some((s) => s === 0)) return undefined;
  return { preset, channels, scale, mean: mean && [...mean], std: std && [...std] };
}

function parseImageSize(value: unknown): ImageSizeInput | undefined {
  if (!isFields(value)) return undefined;
  if ((value.mode === 'model' || value.mode === 'original') && hasOnlyKeys(value, ['mode'])) return { mode: value.mode };
  if (value.mode === 'custom' && hasOnlyKeys(value, ['mode', 'height', 'width'])) {
    const { height, width } = value;
    if (isImageSize(height, width)) return { mode: 'custom', height: height as number, width: width as number };
  }
  return undefined;
}

/** The editable part of the inputs, from an untrusted source (the webview). */
export function parseEditableInputs(value: unknown): EditableInputs | undefined {
  if (!isFields(value) || !hasOnlyKeys(value, ['policies', 'compare', 'preprocessing', 'imageSize', 'label'])) return undefined;
  const { policies, compare, label } = value;
  if (!Array.isArray(policies) || policies.length !== 2 || !policies.every((p) => isText(p, MAX_POLICY_LENGTH))) return undefined;
  if (typeof compare !== 'boolean') return undefined;
  if (label !== null && !isInteger(label, 0, MAX_CLASS)) return undefined;
  const preprocessing = parsePreprocessing(value.preprocessing);
  const imageSize = parseImageSize(value.imageSize);
  if (!preprocessing || !imageSize) return undefined;
  return { policies: [policies[0], policies[1]], compare, preprocessing, imageSize, label };
}

function parseImageRef(value: unknown): ImageRef | undefined {
  if (!isFields(value) || !hasOnlyKeys(value, ['uri', 'label']) || !isText(value.uri) || !isText(value.label)) return undefined;
  return { uri: value.uri, label: value.label };
}

/** All inputs (as the host sends them, or as saved). Image URIs still need the host's workspace check. */
export function parseInputs(value: unknown): PanelInputs | undefined {
  if (!isFields(value)) return undefined;
  const { images, ...rest } = value;
  const editable = parseEditableInputs(rest);
  if (!editable || !Array.isArray(images) || images.length > MAX_IMAGES) return undefined;
  const refs = images.map(parseImageRef);
  if (refs.some((r) => r === undefined)) return undefined;
  return { ...editable, images: refs as ImageRef[] };
}
