import type { Image } from '../../core/image';

/** The model as the analysis sees it: output rows for [0, 1] images, counting forward passes. */
export interface ForwardModel {
  run(images: readonly Image[]): Promise<Float32Array[]>;
  readonly passes: number;
}

export function countingModel(run: (images: readonly Image[]) => Promise<Float32Array[]>): ForwardModel {
  let passes = 0;
  return {
    run: async (images) => {
      passes += images.length;
      return run(images);
    },
    get passes() {
      return passes;
    },
  };
}

export type Progress = (fraction: number, message: string) => void;
