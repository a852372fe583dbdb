/**
 * Why the model-level numbers say nothing about stability, from the model's outputs alone; empty when they do.
 * One output is a class probability of 1 whatever the input: the softmax of one logit, or a probability row that
 * sums to 1. A loss that is exactly 0 on every outcome is a saturated softmax: the target's probability is 1 to double
 * precision on every augmented image, most often because the pixels reach the model on the wrong scale.
 */
export function outputWarnings(classes: number, moments: { readonly expectedLoss: number; readonly stdLoss: number }): string[] {
  if (classes === 1) {
    return [
      'the model has a single output, so its class probability is the constant 1: E[loss], Std[loss], the flip rate and the KL are 0 under any augmentation and say nothing about its stability',
    ];
  }
  if (moments.expectedLoss === 0 && moments.stdLoss === 0) {
    return [
      'the softmax is saturated: the target class has probability 1 to double precision on every augmented image, so E[loss], Std[loss] and the KL are exactly 0 and say nothing about stability; the pixels may reach the model on the wrong scale (check the preprocessing, e.g. 0..255 for a model trained on [0, 1])',
    ];
  }
  return [];
}
