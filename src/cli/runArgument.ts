import { printable } from '../core/policy';
import { loadRun, type LoadedRun } from '../engine/dataset/loadRun';
import { ResultsFormatError } from '../engine/dataset/resultsFile';
import { RunFormatError } from '../engine/dataset/runImages';
import { OutputError } from '../engine/report/fsErrors';

/** A run named on the command line, or undefined after printing why it cannot be read (the command exits 2). */
export async function readRunArgument(path: string): Promise<LoadedRun | undefined> {
  try {
    return await loadRun(path);
  } catch (e) {
    const unreadable = e instanceof RunFormatError || e instanceof ResultsFormatError || e instanceof OutputError || (e as NodeJS.ErrnoException).code !== undefined;
    if (!unreadable) throw e;
    console.error(`auglens: error: ${printable((e as Error).message.split('\n')[0], 1000)}`);
    return undefined;
  }
}
