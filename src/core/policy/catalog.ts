import type { NameNode } from './ast';
import { PolicyError, printable } from './errors';
import { stripModule, TRANSFORM_MODULES } from './modules';
import type { Signature } from './signature';
import { SIGNATURES } from './torchvisionSignatures';
import { didYouMean } from './suggest';

/** torchvision transforms that have no signature here yet: they get a "not supported yet" error. */
const NOT_YET = [
  'RandomPerspective', 'ElasticTransform', 'AutoAugment', 'RandAugment', 'TrivialAugmentWide', 'AugMix', 'RandomInvert',
  'RandomPosterize', 'RandomSolarize', 'RandomAdjustSharpness', 'RandomAutocontrast', 'RandomEqualize', 'Grayscale', 'Pad',
  'Lambda', 'RandomChoice', 'RandomOrder', 'FiveCrop', 'TenCrop', 'LinearTransformation', 'RandomIoUCrop', 'RandomZoomOut',
  'ScaleJitter', 'RandomShortestSize', 'RandomResize', 'CutMix', 'MixUp', 'JPEG', 'RandomPhotometricDistort',
  'RandomChannelPermutation', 'RGB', 'ClampBoundingBoxes', 'SanitizeBoundingBoxes', 'ConvertBoundingBoxFormat',
  'UniformTemporalSubsample', 'RandomSizedCrop', 'Scale', 'ToImageTensor', 'ConvertDtype',
];

/** Known transforms that will stay unsupported, with the reason. */
const REJECTED: ReadonlyMap<string, string> = new Map([
  ['PILToTensor', 'it keeps integer pixel values in [0, 255], while AugLens works on the float [0, 1] image ToTensor() gives; use ToTensor(), or ToImage() then ToDtype(torch.float32, scale=True)'],
  ['ToPILImage', 'AugLens follows the tensor backend on the float [0, 1] image; remove it (PIL round trips quantise the image)'],
]);

const SUPPORTED = [...SIGNATURES.values()].filter((s) => s.formatArgs !== undefined).map((s) => s.name);
const NO_OPS = [...SIGNATURES.values()].filter((s) => s.formatArgs === undefined).map((s) => s.name);
const KNOWN = [...SIGNATURES.keys(), ...NOT_YET, ...REJECTED.keys()];
const SUPPORTED_LIST = `supported: ${SUPPORTED.join(', ')} (and, as no-ops, ${NO_OPS.join(', ')})`;

/** The signature of a called transform name such as `T.RandomCrop`, or a PolicyError naming the problem. */
export function resolveTransform(callee: NameNode): Signature {
  const dotted = printable(callee.path.join('.'));
  const name = stripModule(callee.path, TRANSFORM_MODULES);
  const fail = (kind: 'unknown-transform' | 'unsupported-transform', message: string): never => {
    throw new PolicyError(kind, message, callee.span);
  };
  if (name === undefined) {
    const last = callee.path[callee.path.length - 1];
    if (/^(torch\.)?nn\.(Sequential|ModuleList)$/.test(dotted)) fail('unsupported-transform', `${dotted} is not supported: write Compose([...]) or a plain list of transforms`);
    return fail('unknown-transform', `unknown transform '${dotted}': AugLens reads torchvision transforms, bare or after transforms., T., v2. or torchvision.transforms[.v2]${KNOWN.includes(last) ? '' : `; ${SUPPORTED_LIST}`}`);
  }
  const signature = SIGNATURES.get(name);
  if (signature !== undefined) return signature;
  const reason = REJECTED.get(name);
  if (reason !== undefined) fail('unsupported-transform', `${name} is not supported: ${reason}`);
  if (NOT_YET.includes(name)) fail('unsupported-transform', `${name} is not supported yet; ${SUPPORTED_LIST}`);
  return fail('unknown-transform', `unknown transform '${printable(name)}'${didYouMean(name, KNOWN)}; ${SUPPORTED_LIST}`);
}

/** Whether a bare (uncalled) name is a transform the user forgot to call, e.g. `RandomHorizontalFlip`. */
export function isTransformName(path: readonly string[]): boolean {
  const name = stripModule(path, TRANSFORM_MODULES);
  return name !== undefined && KNOWN.includes(name);
}
