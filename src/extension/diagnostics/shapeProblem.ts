// Whether a policy can be bound to an image shape (crop sizes against the image, padding modes, transforms the
// engine cannot compute yet), and which transform is to blame when not. No vscode, no file system.
import { compilePolicy } from '../../core/augment/compile';
import type { Shape } from '../../core/augment/mixture';
import type { SourceSpan, TransformSpec } from '../../core/policy/types';

export interface ShapeProblem {
  readonly message: string;
  /** The transform that cannot be bound, when the spec carries its span. */
  readonly span?: SourceSpan;
}

/** Binds the steps one by one, so that the first failing one (inside RandomApply or Compose too) is named. */
export function shapeProblem(steps: readonly TransformSpec[], input: Shape): ShapeProblem | undefined {
  let shape = input;
  for (const step of steps) {
    try {
      shape = compilePolicy(step, shape).outputShape;
    } catch (error) {
      const inner = step.kind === 'Compose' || step.kind === 'RandomApply' ? shapeProblem(step.transforms, shape) : undefined;
      return inner ?? { message: error instanceof Error ? error.message : String(error), span: step.span };
    }
  }
  return undefined;
}

/** The shape an image has once resized and centre-cropped to `size` ([height, width]), as the engine does. */
export function fittedShape(image: Shape, size: readonly [number, number] | undefined): Shape {
  return size ? { channels: image.channels, height: size[0], width: size[1] } : image;
}
