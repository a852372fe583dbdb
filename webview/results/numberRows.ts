// The numbers of one image under one policy, each with a one-line explanation a non-specialist can follow. Pure.
import type { ImageResultView, RunSummaryView } from '../../src/shared/resultsView';
import { count, num, percent } from '../format';

export const PAPER_URL = 'https://arxiv.org/abs/2202.08325';

export interface NumberRow {
  name: string;
  value: string;
  explanation: string;
}

/** The rows shown for one image; `summary` gives the tolerance and confidence the counts refer to. */
export function numberRows(result: ImageResultView, summary: RunSummaryView | null): NumberRow[] {
  const m = result.model;
  const eps = summary ? percent(summary.settings.tolerance, 1) : 'the tolerance';
  const conf = summary ? percent(summary.settings.confidence, 0) : '95%';
  const moments = result.moments;
  const rows: NumberRow[] = [];
  if (m) {
    const interval = m.expectedLossInterval ? ` [${num(m.expectedLossInterval[0])}, ${num(m.expectedLossInterval[1])}]` : '';
    const err = m.quadratureError;
    const pm = (e: number | undefined, format: (v: number) => string = (v) => num(v, 2)) => (e === undefined ? '' : ` ± ${format(e)}`);
    const how = { exact: 'exactly', quadrature: 'by a randomized lattice rule over the continuous parameters', stratified: 'by stratified sampling' }[m.method];
    const tol = summary?.settings.tolerance;
    const errNote = err ? ` (±: ${conf} intervals from the spread of independently shifted lattice rules${tol === undefined ? '' : toleranceNote(m, err, tol, eps)})` : '';
    for (const warning of m.warnings) {
      rows.push({ name: 'Warning', value: 'read this first', explanation: `The numbers below say nothing about stability: ${warning}.` });
    }
    rows.push(
      {
        name: 'E[loss]',
        value: `${num(m.expectedLoss, 4)}${pm(err?.expectedLoss)}${interval}`,
        explanation: `Average loss over every augmented version of the image: what training with this policy optimises for it (clean image: ${num(m.clean.loss)}).`,
      },
      {
        name: 'Std[loss]',
        value: `${num(m.stdLoss, 4)}${pm(err?.stdLoss)}`,
        explanation: 'How much the loss changes from one augmented version to the next: large means the augmentation changes what the model sees.',
      },
      {
        name: 'Samples needed',
        value: count(m.samplesNeeded.loss),
        explanation: `Random augmentations needed to estimate E[loss] within ${eps} (${conf} confidence) by sampling; here it was computed ${how} with ${count(m.forwardPasses)} forward passes${errNote}.`,
      },
      {
        name: 'Flip rate',
        value: `${percent(m.flipRate)}${pm(err?.flipRate, (v) => percent(v))}${m.flipRateInterval ? ` [${percent(m.flipRateInterval[0])}, ${percent(m.flipRateInterval[1])}]` : ''}`,
        explanation: `Share of augmented versions whose predicted class differs from the clean image's (class ${m.clean.top1}); ${count(m.samplesNeeded.flipRate)} samples would pin it to +-${eps}.`,
      },
      {
        name: 'E[KL]',
        value: num(m.expectedKL, 3),
        explanation: 'Average divergence of the augmented predictions from the clean one, in nats: 0 means the prediction never moves.',
      },
    );
    if (m.analytic) {
      const a = m.analytic;
      const v = a.validity;
      const off = (gap: number | null) => (gap === null ? '' : ` (${percent(gap)} off)`);
      const label = v.valid ? 'Taylor approximation' : 'Taylor approximation (not valid here)';
      rows.push(
        {
          name: 'Std[loss], first order',
          value: `${num(a.firstOrderStd)} vs ${num(m.stdLoss)}${off(v.stdLossGap)}`,
          explanation: `${label}: Std[loss] predicted from the image covariance and the model's slope at the mean image (${a.method}), against the computed value: close means the loss is nearly linear over the augmentations.`,
        },
        {
          name: 'E[loss], second order',
          value: `${num(a.secondOrderExpectedLoss)} vs ${num(m.expectedLoss)}${off(v.expectedLossGap)}`,
          explanation: `${label}: the loss at the mean image (${num(a.lossAtMean)}) plus the curvature along the top eigen-images, against the computed E[loss]: how much of the effect the paper's Taylor expansion captures.`,
        },
      );
      if (!v.valid) {
        rows.push({
          name: 'Taylor approximation',
          value: 'not valid here',
          explanation: `${v.reason}. The two rows above are the paper's expansion, shown for reference; use the computed values.`,
        });
      }
    }
    const sal = m.saliency;
    if (sal?.alignment) {
      const a = sal.alignment;
      rows.push({
        name: 'Alignment',
        value: `${num(a.rayleigh)} (<= ${num(a.rayleighUpperBound)})`,
        explanation: `How much the model's sensitivity (saliency) points along the directions the augmentation moves the image, 1 = fully; ${percent(1 - a.outsideShare)} of it lies along the top eigen-images, predicting Std[loss] ~ ${num(a.predictedStdLoss)}.`,
      });
    }
    if (sal) {
      const hf = sal.highFrequency;
      rows.push({
        name: 'Edges vs texture',
        value: `${percent(hf.saliency)} vs ${percent(hf.variance)}`,
        explanation: `Share of the saliency and of the augmentation variance above ${num(hf.cutoff)} cycles per pixel (fine detail: edges, texture) rather than smooth structure.`,
      });
      rows.push({
        name: 'Saliency',
        value: sal.method === 'graph' ? 'gradient graph' : 'finite differences',
        explanation: sal.fallbackReason
          ? `The gradient graph could not be built (${sal.fallbackReason}), so the saliency comes from finite differences at reduced resolution.`
          : sal.method === 'graph'
            ? 'The gradient of the loss with respect to the image, computed exactly through the ONNX graph.'
            : 'Finite differences were asked for: the saliency comes from loss differences at reduced resolution.',
      });
    }
    if (m.saliencySkipped) {
      rows.push({
        name: 'Saliency',
        value: 'skipped',
        explanation: `No saliency was computed: ${m.saliencySkipped}. The numbers above do not depend on it.`,
      });
    }
    rows.push({
      name: 'Clean prediction',
      value: `class ${m.clean.top1}, p = ${num(m.clean.probability)}`,
      explanation: `The model's answer on the unaugmented image; the loss is measured against class ${m.clean.target}${m.clean.target === m.clean.top1 ? ' (the predicted one)' : ''}.`,
    });
  }
  rows.push(
    {
      name: 'Outcomes',
      value: count(moments.outcomes),
      explanation: 'Distinct augmented images the policy can produce, each weighted by its probability, enumerated exactly.',
    },
    {
      name: 'tr Cov[T(x)]',
      value: num(moments.totalVariance),
      explanation: 'Total pixel variance the augmentation adds: the sum of the per-pixel variance map.',
    },
  );
  if (moments.approximation) {
    rows.push({
      name: 'Approximation',
      value: 'sigma points',
      explanation: `Too many outcomes to enumerate: ${moments.approximation}. The moments of the image are then bounded, not exact.`,
    });
  }
  if (moments.samplesForMeanImage !== null) {
    rows.push({
      name: 'Samples for the mean image',
      value: count(moments.samplesForMeanImage),
      explanation: `Random augmentations needed to estimate the mean image within ${eps} relative error by sampling.`,
    });
  }
  return rows;
}

/**
 * Which intervals are within the tolerance. The randomized rule stops once E[loss]'s is (relative), so E[loss] not
 * within means the forward-pass budget ran out first; Std[loss] (relative) and the flip rate (absolute) may still not be.
 */
function toleranceNote(m: NonNullable<ImageResultView['model']>, err: { expectedLoss: number; stdLoss: number; flipRate: number }, tol: number, eps: string): string {
  if (err.expectedLoss > tol * Math.abs(m.expectedLoss)) return `; E[loss] NOT within ${eps}: the forward-pass budget ran out first`;
  const outside = [err.stdLoss > tol * m.stdLoss && 'Std[loss]', err.flipRate > tol && 'the flip rate'].filter((x): x is string => Boolean(x));
  return outside.length ? `; E[loss] within ${eps}, where the rule stops; ${outside.join(' and ')} NOT within it` : `, within ${eps}`;
}
