import { compilePolicy, flattenPolicy } from '../augment/compile';
import { pointMixture, type Shape } from '../augment/mixture';
import type { Image } from '../image';
import type { TransformSpec } from '../policy/types';
import { composeOf, flipPairedDrawer, pairedFlipIndex, type Drawer } from './flipPairing';
import { lawOfMixture } from './pixelLaw';
import type { PrefixLaw } from './resizedCropRoute';

export interface ControlledDrawer {
  readonly drawer: Drawer;
  /** Exact E[g] and E[g^2] per value of the control image g. */
  readonly control: { readonly mean: Float64Array; readonly second: Float64Array };
  /** The steps whose output is the control, in words. */
  readonly prefix: string;
}

/**
 * Control variates for a policy without an exact per-pixel route: its longest proper prefix that has one (and keeps
 * the output shape `output`; `cropLaw` carries a leading RandomResizedCrop's exact law), e.g. RandomResizedCrop + flip before ColorJitter. Each draw runs the prefix, keeps its image g as
 * the control, and runs the remaining steps on it (the same law as the whole policy's sampler). When a flip is
 * integrated exactly (flipPairedDrawer) the prefix must end at that flip, so both outcomes carry their own control.
 */
export function controlledDrawer(policy: TransformSpec, img: Image, output: Shape, cropLaw: PrefixLaw | null): ControlledDrawer | null {
  const transforms = flattenPolicy(policy);
  const flip = pairedFlipIndex(transforms);
  for (let s = transforms.length - 1; s >= 1; s--) {
    if (flip >= 0 && s !== flip + 1) continue;
    const prefixSpec = composeOf(transforms.slice(0, s));
    const prefix = compilePolicy(prefixSpec, img);
    const shape = prefix.outputShape;
    if (shape.channels !== output.channels || shape.height !== output.height || shape.width !== output.width) continue;
    const law = prefix.pixelLaw?.(lawOfMixture(pointMixture(img))) ?? cropLaw?.(s) ?? null;
    if (!law) continue;
    const suffix = compilePolicy(composeOf(transforms.slice(s)), shape);
    const drawer: Drawer =
      flip >= 0
        ? flipPairedDrawer(policy, img, true)!
        : {
            draw: (x, rng) => {
              const g = prefix.sample(x, rng);
              return { image: suffix.sample(g, rng), control: g };
            },
          };
    return { drawer, control: { mean: law.mean, second: law.second }, prefix: transforms.slice(0, s).map((t) => t.kind).join(' + ') };
  }
  return null;
}
