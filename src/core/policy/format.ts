import { SIGNATURES } from './torchvisionSignatures';
import type { TransformSpec } from './types';

/**
 * The canonical torchvision spelling of a spec, e.g.
 * `Compose([RandomCrop(size=(32, 32), padding=(4, 4, 4, 4)), RandomHorizontalFlip(p=0.5)])`.
 * Arguments equal to torchvision's defaults are left out; parsePolicy(formatPolicy(s)) gives s back.
 */
export function formatPolicy(spec: TransformSpec): string {
  const signature = SIGNATURES.get(spec.kind);
  if (signature?.formatArgs === undefined) throw new Error(`formatPolicy: no signature for ${spec.kind}`);
  return `${spec.kind}(${signature.formatArgs(spec, { transform: formatPolicy }).join(', ')})`;
}
