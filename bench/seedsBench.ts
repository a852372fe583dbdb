import { join } from 'node:path';
import { defaults } from '../src/cli/args';
import { zForConfidence } from '../src/core/outputs/outputMoments';
import { analyze } from '../src/engine/analysis/analyze';
import type { ModelMomentsReport } from '../src/engine/contract/report';

const POLICY = 'Compose([RandomCrop(32, padding=4), RandomHorizontalFlip(), RandomRotation(10, interpolation=InterpolationMode.BILINEAR), ColorJitter(0.2, 0.2)])';
const TOLERANCE = 0.01;
const CONFIDENCE = 0.95;

export interface SeedRun {
  readonly seed: number;
  /** Forward passes of the rule: the control's and the lattice points (the clean prediction not counted). */
  readonly passes: number;
  readonly expectedLoss: number;
  readonly halfWidth: number;
  readonly covered: boolean;
}

export interface SeedsBench {
  readonly policy: string;
  readonly model: string;
  readonly control: string | null;
  readonly reference: { readonly expectedLoss: number; readonly halfWidth: number; readonly stdLoss: number; readonly passes: number };
  /** Independent draws Monte Carlo needs for a 95% interval of E[loss] within 1% (relative), from the reference's E and Std. */
  readonly monteCarloPasses: number;
  readonly runs: readonly SeedRun[];
  readonly meanPasses: number;
  /** monteCarloPasses / meanPasses, and the mean over the seeds of monteCarloPasses / passes. */
  readonly passesRatio: number;
  readonly meanOfRatios: number;
  readonly passesHistogram: Record<string, number>;
  /** Seeds whose 95% interval holds the reference value. */
  readonly covered: number;
}

/**
 * The model-level randomized rule on the CIFAR model under crop + flip + rotation + jitter, over many seeds at the
 * defaults (tolerance 1%, budget 4,096): the passes it took, against Monte Carlo's passes for the same accuracy, and
 * how often its 95% interval held a reference value (the same rule at tolerance 0.05%, about 260,000 passes).
 */
export async function seedsBench(fixtures: string, seeds = 40): Promise<SeedsBench> {
  const model = join(fixtures, 'models', 'cifar10-tutorial.onnx');
  const image = join(fixtures, 'images', 'kitten_224.png');
  const quiet = { progress: () => {}, log: () => {} };
  const run = async (seed: number, tolerance: number, forwardBudget: number): Promise<ModelMomentsReport> => {
    const params = {
      ...defaults([image], POLICY),
      modelPath: model,
      size: [32, 32] as [number, number],
      preprocess: { preset: 'cifar' },
      topK: 0,
      monteCarloSamples: 0,
      gradient: 'none' as const,
      seed,
      tolerance,
      forwardBudget,
      confidence: CONFIDENCE,
    };
    return (await analyze(params, quiet)).report.images[0].model!;
  };
  const ref = await run(777, 0.0005, 600_000);
  const reference = { expectedLoss: ref.expectedLoss, halfWidth: ref.quadrature!.error!.expectedLoss, stdLoss: ref.stdLoss, passes: ref.passes.exactPath };
  const z = zForConfidence(CONFIDENCE);
  const monteCarloPasses = Math.ceil((z * ref.stdLoss) ** 2 / (TOLERANCE * ref.expectedLoss) ** 2);
  const runs: SeedRun[] = [];
  let control: string | null = null;
  for (let i = 0; i < seeds; i++) {
    const r = await run(1000 + i, TOLERANCE, 4096);
    control = r.quadrature?.control?.label ?? null;
    const halfWidth = r.quadrature!.error!.expectedLoss;
    runs.push({ seed: 1000 + i, passes: r.passes.exactPath, expectedLoss: r.expectedLoss, halfWidth, covered: Math.abs(r.expectedLoss - reference.expectedLoss) <= halfWidth });
  }
  const meanPasses = runs.reduce((s, r) => s + r.passes, 0) / runs.length;
  const passesHistogram: Record<string, number> = {};
  for (const r of runs) passesHistogram[r.passes] = (passesHistogram[r.passes] ?? 0) + 1;
  return {
    policy: POLICY,
    model: 'cifar10-tutorial.onnx',
    control,
    reference,
    monteCarloPasses,
    runs,
    meanPasses,
    passesRatio: monteCarloPasses / meanPasses,
    meanOfRatios: runs.reduce((s, r) => s + monteCarloPasses / r.passes, 0) / runs.length,
    passesHistogram,
    covered: runs.filter((r) => r.covered).length,
  };
}

export function describeSeedsBench(r: SeedsBench): string {
  const histogram = Object.entries(r.passesHistogram)
    .map(([passes, count]) => `${passes} passes x${count}`)
    .join(', ');
  return (
    `seeds: CIFAR crop + flip + rotation + jitter, ${r.runs.length} seeds: ${r.meanPasses.toFixed(0)} passes on average (${histogram}) ` +
    `against Monte Carlo's ${r.monteCarloPasses} for 1% (${r.passesRatio.toFixed(1)}x fewer; mean of the ratios ${r.meanOfRatios.toFixed(1)}x); ` +
    `95% intervals held the reference ${r.reference.expectedLoss.toFixed(5)} +- ${r.reference.halfWidth.toFixed(5)} in ${r.covered} of ${r.runs.length}` +
    (r.control ? `; control: ${r.control}` : '; no control')
  );
}
