// The preprocessing presets: the one list package.json, the policy-file schema, the CLI, the panel and the model
// loader all follow (test/unit/shared/singleSource.test.ts holds package.json and the schema to it).

/** The colour order the model expects; 'gray' feeds luma (replicated when the model has 3 channels). */
export const CHANNEL_ORDERS = ['rgb', 'bgr', 'gray'] as const;
export type ChannelOrder = (typeof CHANNEL_ORDERS)[number];

/**
 * model_value[c] = (scale * pixel[c] - mean[c]) / std[c], pixel in [0, 1] after the channel order is applied;
 * mean and std are in scaled units (0..255 when scale is 255). One value applies to every channel.
 */
export interface PreprocessValues {
  readonly channels: ChannelOrder;
  readonly scale: number;
  readonly mean: readonly number[];
  readonly std: readonly number[];
}

export const PRESET_NAMES = ['imagenet', 'unit', 'raw255', 'raw255-bgr', 'cifar'] as const;
export type PresetName = (typeof PRESET_NAMES)[number];

export const PRESETS: Readonly<Record<PresetName, PreprocessValues>> = {
  imagenet: { channels: 'rgb', scale: 1, mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] },
  unit: { channels: 'rgb', scale: 1, mean: [0], std: [1] },
  raw255: { channels: 'rgb', scale: 255, mean: [0], std: [1] },
  'raw255-bgr': { channels: 'bgr', scale: 255, mean: [0], std: [1] },
  cifar: { channels: 'rgb', scale: 1, mean: [0.5], std: [0.5] },
};

/** What each preset means, in words (the settings' and the schema's enum descriptions). */
export const PRESET_DESCRIPTIONS: Readonly<Record<PresetName, string>> = {
  imagenet: "RGB in [0, 1], mean 0.485/0.456/0.406, std 0.229/0.224/0.225 (torchvision's ImageNet models)",
  unit: 'RGB in [0, 1], no normalisation',
  raw255: 'RGB in [0, 255], no normalisation',
  'raw255-bgr': 'BGR in [0, 255], no normalisation (Caffe-converted models)',
  cifar: 'RGB in [0, 1], mean 0.5, std 0.5',
};

/** The panel's and the settings' choices: a preset, or 'auto' for the guess from the model file. */
export const PRESET_CHOICES = ['auto', ...PRESET_NAMES] as const;
export type PresetChoice = (typeof PRESET_CHOICES)[number];
export const AUTO_PRESET_DESCRIPTION = "Guess from the model's input shape, dtype and output (always shown in the panel)";

/** The panel's channel-order choices: an order, or 'auto' for the preset's. */
export const CHANNEL_CHOICES = ['auto', ...CHANNEL_ORDERS] as const;
export type ChannelChoice = (typeof CHANNEL_CHOICES)[number];
