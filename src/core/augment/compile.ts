import type { TransformSpec } from '../policy/types';
import type { Shape } from './mixture';
import type { Step } from './step';
import { randomCropStep } from './steps/randomCrop';
import { flipStep } from './steps/flip';
import { translateStep } from './steps/translate';
import { centerCropStep, normalizeStep, resizeStep } from './steps/deterministic';
import { randomApplyStep, sequenceStep } from './steps/sequence';

/** Binds a policy to the shape of the image it will receive; shape errors (crop too large, ...) surface here. */
export function compilePolicy(spec: TransformSpec, input: Shape): Step {
  const label = spec.kind;
  switch (spec.kind) {
    case 'Compose':
      return sequenceStep(compileAll(spec.transforms, input), input, label);
    case 'RandomApply':
      return randomApplyStep(sequenceStep(compileAll(spec.transforms, input), input, label), spec.p, label);
    case 'RandomCrop':
      return randomCropStep(spec, input, label);
    case 'RandomHorizontalFlip':
    case 'RandomVerticalFlip':
      return flipStep(spec, input, label);
    case 'RandomAffine': {
      const unsupported = [
        spec.degrees[0] !== 0 || spec.degrees[1] !== 0 ? `degrees=${JSON.stringify(spec.degrees)}` : '',
        spec.scale ? 'scale' : '',
        spec.shear ? 'shear' : '',
      ].filter(Boolean);
      if (unsupported.length) {
        throw new Error(
          `RandomAffine with ${unsupported.join(', ')} is not supported yet: only whole-pixel translations ` +
            '(RandomAffine(degrees=0, translate=(a, b))) are computed exactly so far',
        );
      }
      return translateStep(spec, input, label);
    }
    case 'Resize':
      return resizeStep(spec, input, label);
    case 'CenterCrop':
      return centerCropStep(spec, input, label);
    case 'Normalize':
      return normalizeStep(spec, input, label);
  }
}

function compileAll(specs: readonly TransformSpec[], input: Shape): Step[] {
  const steps: Step[] = [];
  let shape = input;
  for (const s of specs) {
    const step = compilePolicy(s, shape);
    steps.push(step);
    shape = step.outputShape;
  }
  return steps;
}
