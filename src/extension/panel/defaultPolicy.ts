// The policy a new panel starts with, chosen from the model's input so that it runs as is: the usual CIFAR/ImageNet
// training augmentation for colour models with a fixed input, small translations for grayscale (digit) models.
// Pure: no vscode.
import type { ModelSummaryView } from '../../shared/modelSummaryView';

export function defaultPolicy(summary: Pick<ModelSummaryView, 'channels' | 'inputSize'>): string {
  if (summary.channels === 1) return 'RandomAffine(degrees=0, translate=(0.1, 0.1))';
  if (summary.inputSize) {
    const [h, w] = summary.inputSize;
    return `RandomCrop(${h === w ? h : `(${h}, ${w})`}, padding=4)\nRandomHorizontalFlip()`;
  }
  return 'RandomAffine(degrees=0, translate=(0.05, 0.05))\nRandomHorizontalFlip()';
}
