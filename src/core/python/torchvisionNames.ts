import { resolvePath, type ImportBindings } from './imports';

/** What a dotted Python name means for AugLens once the file's imports are applied. */
export type TorchvisionName =
  /** A class of torchvision.transforms or torchvision.transforms.v2, e.g. RandomCrop. */
  | { readonly kind: 'transform'; readonly name: string }
  /** An InterpolationMode member, spelled canonically as `InterpolationMode.BILINEAR`. */
  | { readonly kind: 'constant'; readonly spelling: string };

const TRANSFORM_MODULES = ['torchvision.transforms', 'torchvision.transforms.v2'];
const INTERPOLATION_MODULES = [...TRANSFORM_MODULES, 'torchvision.transforms.functional', 'torchvision.transforms.v2.functional'];

export function classifyName(path: readonly string[], bindings: ImportBindings): TorchvisionName | undefined {
  for (const full of resolvePath(path, bindings)) {
    const module = full.slice(0, -1).join('.');
    const last = full[full.length - 1];
    if (TRANSFORM_MODULES.includes(module) && /^[A-Z]/.test(last) && last !== 'InterpolationMode') return { kind: 'transform', name: last };
    const enumModule = full.slice(0, -2).join('.');
    if (full[full.length - 2] === 'InterpolationMode' && INTERPOLATION_MODULES.includes(enumModule)) {
      return { kind: 'constant', spelling: `InterpolationMode.${last}` };
    }
    if (full.length === 2 && full[0] === 'torch') return { kind: 'constant', spelling: `torch.${last}` };
  }
  return undefined;
}
