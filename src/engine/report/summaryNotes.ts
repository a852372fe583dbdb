import type { Report } from '../contract/report';

/** The engine's warnings on the model-level numbers (each once) and a note on an unusual setting, for under the model line. */
export function summaryNotes(report: Report): string[] {
  const model = report.model;
  if (!model) return [];
  const notes: string[] = [];
  const warnings = new Set(report.images.flatMap((image) => image.model?.warnings ?? []));
  for (const warning of warnings) notes.push(`warning: ${warning}`);
  const channels = model.input.shape[model.layout === 'NHWC' ? 3 : 1];
  if (report.preprocessing?.channels === 'gray' && channels === 3) {
    notes.push(
      "note: channel order gray on a 3-channel model input: the image's luma is fed to all 3 channels " +
        '(as Grayscale(num_output_channels=3)); use rgb or bgr if the model was trained on colour images',
    );
  }
  return notes;
}
