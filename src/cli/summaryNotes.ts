import type { Report } from '../engine/analysis/result';

/** Warnings on results that are degenerate or rest on an unusual setting, printed under the model line. */
export function summaryNotes(report: Report): string[] {
  const model = report.model;
  if (!model) return [];
  const notes: string[] = [];
  // topClasses holds the 5 most probable classes, or all of them when there are fewer
  if (report.images.some((image) => image.model?.topClasses.length === 1)) {
    notes.push(
      'warning: the model has a single output, so its softmax is the constant 1: E[loss], Std[loss], the flip rate and the KL ' +
        'are 0 under any augmentation and say nothing about its stability',
    );
  }
  const channels = model.input.shape[model.layout === 'NHWC' ? 3 : 1];
  if (report.preprocessing?.channels === 'gray' && channels === 3) {
    notes.push(
      "note: channel order gray on a 3-channel model input: the image's luma is fed to all 3 channels " +
        '(as Grayscale(num_output_channels=3)); use rgb or bgr if the model was trained on colour images',
    );
  }
  return notes;
}
