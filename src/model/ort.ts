import type * as Ort from 'onnxruntime-node';

let binding: typeof Ort | undefined;

/**
 * onnxruntime-node, loaded on first use rather than when the engine starts: image moments that never run a matrix
 * product through it (the CLI's `moments` on exact policies, in the CLI's own process) skip loading its native
 * library, a sizeable share of a small run's start.
 */
export function ort(): typeof Ort {
  binding ??= require('onnxruntime-node') as typeof Ort;
  return binding;
}
