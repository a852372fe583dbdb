import { MAX_IMAGE_VALUES } from '../core/image';
import { formatBytes } from '../core/io/regularFile';
import { ModelError } from './errors';
import type { Dim } from './onnx/graph';

export type Layout = 'NCHW' | 'NHWC';

export interface ImageGeometry {
  readonly layout: Layout;
  readonly channels: 1 | 3;
  /** null when the model leaves the dimension free (the image keeps its own size then). */
  readonly height: number | null;
  readonly width: number | null;
  /** True when the batch dimension is symbolic or unknown, so several images go in one run. */
  readonly dynamicBatch: boolean;
  /** The fixed batch size when the batch dimension is not dynamic. */
  readonly fixedBatch: number;
}

const isChannelDim = (d: Dim): d is 1 | 3 => d === 1 || d === 3;
const spatial = (d: Dim): number | null => (typeof d === 'number' && d > 0 ? d : null);

/**
 * Reads an image input's layout from its shape: NCHW when dimension 1 has size 1 or 3, else NHWC when the last
 * dimension does; anything else (rank != 4, no channel dimension of size 1 or 3) is not an image input. A graph whose
 * declared batch x channels x height x width passes MAX_IMAGE_VALUES is refused before any input is allocated.
 */
export function imageGeometry(name: string, shape: readonly Dim[] | undefined, modelPath: string): ImageGeometry {
  const shown = shape ? `[${shape.map((d) => d ?? '?').join(', ')}]` : 'no shape';
  if (!shape || shape.length !== 4) {
    throw new ModelError(
      'not-image',
      `${modelPath}: input '${name}' has shape ${shown}; an image input needs rank 4 (NCHW or NHWC)`,
    );
  }
  const batch = shape[0];
  const fixed = typeof batch === 'number' && batch > 0;
  const common = { dynamicBatch: !fixed, fixedBatch: fixed ? batch : 1 };
  if (isChannelDim(shape[1])) {
    return checkedSize({ layout: 'NCHW', channels: shape[1], height: spatial(shape[2]), width: spatial(shape[3]), ...common }, name, shown, modelPath);
  }
  if (isChannelDim(shape[3])) {
    return checkedSize({ layout: 'NHWC', channels: shape[3], height: spatial(shape[1]), width: spatial(shape[2]), ...common }, name, shown, modelPath);
  }
  throw new ModelError(
    'not-image',
    `${modelPath}: input '${name}' has shape ${shown}; an image input needs 1 or 3 channels in dimension 1 (NCHW) or 3 (NHWC)`,
  );
}

/** Free dimensions take the image's size, which the image pixel limit bounds; declared ones are checked here. */
function checkedSize(g: ImageGeometry, name: string, shown: string, modelPath: string): ImageGeometry {
  const values = g.fixedBatch * g.channels * (g.height ?? 1) * (g.width ?? 1);
  if (values <= MAX_IMAGE_VALUES) return g;
  const count = (n: number) => n.toLocaleString('en-US');
  throw new ModelError(
    'too-large',
    `${modelPath}: input '${name}' declares shape ${shown}, ${count(values)} values per run (${formatBytes(4 * values)} as float32); ` +
      `AugLens holds at most ${count(MAX_IMAGE_VALUES)} (${formatBytes(4 * MAX_IMAGE_VALUES)})`,
  );
}
