import { assertImageFits } from '../image';
import type { TransformSpec } from '../policy/types';
import { DEFAULT_COMPILE_OPTIONS, type CompileOptions } from './compileOptions';
import type { Shape } from './mixture';
import { momentPropagation } from './momentPropagation';
import { PolicyFitError } from './policyFitError';
import type { Step } from './step';
import { randomCropStep } from './steps/randomCrop';
import { flipStep } from './steps/flip';
import { translateStep } from './steps/translate';
import { centerCropStep, normalizeStep, resizeStep } from './steps/deterministic';
import { randomApplyStep } from './steps/randomApply';
import { affineStep } from './steps/affine';
import { colorJitterStep } from './steps/colorJitter';
import { gaussianBlurStep } from './steps/gaussianBlur';
import { grayscaleStep } from './steps/grayscale';
import { resizedCropStep } from './steps/resizedCrop';
import { gaussianNoiseStep } from './steps/gaussianNoise';
import { randomErasingStep } from './steps/randomErasing';
import { policySequence, randomApplyContinuous } from './steps/policySequence';

/**
 * Binds a policy to the shape of the image it will receive; shape errors (crop too large, ...) surface here, as a
 * PolicyFitError spanning the innermost transform that does not fit. `opts.level` sets the quadrature rules of
 * continuous transforms.
 */
export function compilePolicy(spec: TransformSpec, input: Shape, opts: CompileOptions = DEFAULT_COMPILE_OPTIONS): Step {
  try {
    const step = compileStep(spec, input, opts);
    const { channels, height, width } = step.outputShape;
    assertImageFits(`${spec.kind}: its output`, channels, height, width);
    return step;
  } catch (e) {
    if (e instanceof PolicyFitError) throw e;
    throw new PolicyFitError(e instanceof Error ? e.message : String(e), spec.span, { cause: e });
  }
}

function compileStep(spec: TransformSpec, input: Shape, opts: CompileOptions): Step {
  const label = spec.kind;
  switch (spec.kind) {
    case 'Compose':
      return policySequence(compileAll(spec.transforms.flatMap(flattenPolicy), input, opts), input, label, opts);
    case 'RandomApply': {
      const inner = policySequence(compileAll(spec.transforms.flatMap(flattenPolicy), input, opts), input, label, opts);
      return inner.quadrature ? randomApplyContinuous(inner, spec.p, label) : randomApplyStep(inner, spec.p, label);
    }
    case 'RandomCrop':
      return discrete(spec, randomCropStep(spec, input, label));
    case 'RandomHorizontalFlip':
    case 'RandomVerticalFlip':
      return discrete(spec, flipStep(spec, input, label));
    case 'RandomAffine': {
      const continuous = spec.degrees[0] !== spec.degrees[1] || spec.degrees[0] !== 0 || spec.scale !== null || spec.shear !== null;
      return continuous ? affineStep(spec, input, label, opts) : discrete(spec, translateStep(spec, input, label));
    }
    case 'Resize':
      return discrete(spec, resizeStep(spec, input, label));
    case 'CenterCrop':
      return discrete(spec, centerCropStep(spec, input, label));
    case 'Normalize':
      return discrete(spec, normalizeStep(spec, input, label));
    case 'RandomRotation':
      return affineStep(spec, input, label, opts);
    case 'ColorJitter':
      return colorJitterStep(spec, input, label, opts);
    case 'GaussianBlur':
      return gaussianBlurStep(spec, input, label, opts);
    case 'RandomResizedCrop':
      return resizedCropStep(spec, input, label, opts);
    case 'RandomGrayscale':
      return discrete(spec, grayscaleStep(spec, input, label));
    case 'GaussianNoise':
      return gaussianNoiseStep(spec, input, label, opts);
    case 'RandomErasing':
      return randomErasingStep(spec, input, label, opts);
  }
}

/** An exact step, with its per-pixel route for laws that are no longer finite. */
function discrete(spec: TransformSpec, step: Step): Step {
  const propagate = momentPropagation(spec, step);
  return propagate ? { ...step, pixelLaw: propagate } : step;
}

/** The steps of a policy in order: Compose inside Compose is the concatenation. */
export function flattenPolicy(s: TransformSpec): TransformSpec[] {
  return s.kind === 'Compose' ? s.transforms.flatMap(flattenPolicy) : [s];
}

function compileAll(specs: readonly TransformSpec[], input: Shape, opts: CompileOptions): Step[] {
  const steps: Step[] = [];
  let shape = input;
  for (const s of specs) {
    const step = compilePolicy(s, shape, opts);
    steps.push(step);
    shape = step.outputShape;
  }
  return steps;
}
