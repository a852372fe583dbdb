/** Module prefixes under which users reach torchvision's transforms, e.g. `T.RandomCrop`, `v2.RandomCrop`. */
export const TRANSFORM_MODULES: readonly (readonly string[])[] = [
  [],
  ['transforms'],
  ['T'],
  ['v2'],
  ['transforms', 'v2'],
  ['T', 'v2'],
  ['torchvision', 'transforms'],
  ['torchvision', 'transforms', 'v2'],
];

/** `InterpolationMode` is also reached through the functional modules, e.g. `F.InterpolationMode.BILINEAR`. */
export const INTERPOLATION_MODULES: readonly (readonly string[])[] = [
  ...TRANSFORM_MODULES,
  ['F'],
  ['TF'],
  ['transforms', 'functional'],
  ['torchvision', 'transforms', 'functional'],
  ['v2', 'functional'],
  ['torchvision', 'transforms', 'v2', 'functional'],
];

/** Splits a dotted name into its module prefix and last segment if the prefix is one of `modules`. */
export function stripModule(path: readonly string[], modules: readonly (readonly string[])[]): string | undefined {
  const prefix = path.slice(0, -1);
  const known = modules.some((m) => m.length === prefix.length && m.every((segment, i) => segment === prefix[i]));
  return known ? path[path.length - 1] : undefined;
}
