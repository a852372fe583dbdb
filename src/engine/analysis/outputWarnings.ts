/**
 * Why the model-level numbers say nothing about stability, from the model's output alone; empty when they do.
 * One output is a class probability of 1 whatever the input: the softmax of one logit, or a probability row that
 * sums to 1.
 */
export function outputWarnings(classes: number): string[] {
  if (classes !== 1) return [];
  return [
    'the model has a single output, so its class probability is the constant 1: E[loss], Std[loss], the flip rate and the KL are 0 under any augmentation and say nothing about its stability',
  ];
}
