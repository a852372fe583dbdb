/**
 * Whether the paper's Taylor route (the loss expanded at the mean image along the top eigen-images) describes the
 * model under the policy: it does when its predictions stay near the values computed over the outcomes. Cross-entropy
 * cannot be negative, so a second-order E[loss] below 0 means the quadratic model has left the loss's range.
 */
export interface TaylorValidity {
  readonly valid: boolean;
  /** |second-order E[loss] - E[loss]| / E[loss]. */
  readonly expectedLossGap: number;
  /** |first-order Std[loss] - Std[loss]| / Std[loss]. */
  readonly stdLossGap: number;
  /** The second-order E[loss] lies below the loss's lower bound (0 for cross-entropy). */
  readonly outOfRange: boolean;
  /** Why it does not hold, in words; null when valid. */
  readonly reason: string | null;
}

/** Relative gap above which the Taylor values are called "not valid here". */
export const TAYLOR_GAP_LIMIT = 0.25;

export function taylorValidity(
  taylor: { readonly secondOrderExpectedLoss: number; readonly firstOrderStd: number },
  computed: { readonly expectedLoss: number; readonly stdLoss: number },
  lossLowerBound = 0,
): TaylorValidity {
  const gap = (approx: number, value: number) => (value === 0 ? (approx === 0 ? 0 : Infinity) : Math.abs(approx - value) / Math.abs(value));
  const expectedLossGap = gap(taylor.secondOrderExpectedLoss, computed.expectedLoss);
  const stdLossGap = gap(taylor.firstOrderStd, computed.stdLoss);
  const outOfRange = taylor.secondOrderExpectedLoss < lossLowerBound;
  const reasons: string[] = [];
  if (outOfRange) reasons.push(`the second-order E[loss] ${fmt(taylor.secondOrderExpectedLoss)} is below ${lossLowerBound}, which the loss cannot be`);
  else if (expectedLossGap > TAYLOR_GAP_LIMIT) reasons.push(`the second-order E[loss] is ${percent(expectedLossGap)} off the computed one`);
  if (stdLossGap > TAYLOR_GAP_LIMIT) reasons.push(`the first-order Std[loss] is ${percent(stdLossGap)} off the computed one`);
  return {
    valid: reasons.length === 0,
    expectedLossGap,
    stdLossGap,
    outOfRange,
    reason: reasons.length ? `${reasons.join('; ')}: the loss is far from quadratic over the augmentations` : null,
  };
}

function fmt(x: number): string {
  return Number(x.toPrecision(3)).toString();
}

function percent(x: number): string {
  return Number.isFinite(x) ? `${(100 * x).toFixed(0)}%` : 'infinitely';
}
