import { printable } from '../core/policy';
import { loadRun, type LoadedRun } from '../engine/dataset/loadRun';
import { RunFormatError } from '../engine/dataset/runImages';

/** A run named on the command line, or undefined after printing why it cannot be read (the command exits 2). */
export async function readRunArgument(path: string): Promise<LoadedRun | undefined> {
  try {
    return await loadRun(path);
  } catch (e) {
    if (!(e instanceof RunFormatError) && (e as NodeJS.ErrnoException).code === undefined) throw e;
    console.error(`auglens: error: ${printable((e as Error).message.split('\n')[0], 1000)}`);
    return undefined;
  }
}
