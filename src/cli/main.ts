import { join, resolve } from 'node:path';
import { printable } from '../core/policy';
import { runAnalysis } from '../engine/client';
import { OutputError } from '../engine/report/fsErrors';
import { reportEntries } from '../engine/report/reportEntries';
import { ReportFolder } from '../engine/report/reportFolder';
import { formatSummary } from '../engine/report/summary';
import { summaryNotes } from '../engine/report/summaryNotes';
import { parseCommandLine, USAGE, UsageError, defaults, type CliCommand } from './args';
import { checkCommand } from './checkCommand';
import { compareCommand } from './compareCommand';
import { runDatasetCommand } from './datasetCommand';
import { listImages, readPolicyFile } from './inputFiles';
import { mergeCommand } from './mergeCommand';
import { PolicyInputError } from './policyCheck';
import { progressBar } from './progressBar';

/** Exit status of a run stopped by a signal: 128 + its number (Ctrl-C 130, SIGTERM 143). */
const SIGNAL_EXIT = { SIGINT: 130, SIGTERM: 143 } as const;
type StopSignal = keyof typeof SIGNAL_EXIT;

/** The report folder, checked and locked before any work (a bad --out is a usage error). */
async function openOutput(out: string | undefined): Promise<ReportFolder | undefined> {
  if (out === undefined) return undefined;
  if (out.trim() === '') throw new UsageError('--out is empty: give the folder to write the report into');
  try {
    return await ReportFolder.open(resolve(out));
  } catch (e) {
    throw e instanceof OutputError ? new UsageError(`--out: ${e.message}`) : e;
  }
}

async function run(cmd: CliCommand, signal: AbortSignal): Promise<void> {
  if (cmd.command === 'help') {
    console.log(USAGE);
    return;
  }
  if (cmd.dataset) return runDatasetCommand(cmd, cmd.dataset, join(__dirname, 'engine.js'), signal);
  const folder = await openOutput(cmd.command === 'example' ? (cmd.out ?? 'auglens-example') : cmd.out);
  try {
    let params = cmd.params;
    // Loaded only for the example: it builds its model with the ONNX codec, most of the CLI's code by size.
    const example = cmd.command === 'example' ? await import('./example') : null;
    const inputs = example?.exampleEntries() ?? [];
    if (folder && example) {
      await folder.add(inputs, { signal });
      const at = (name: string) => join(folder.staging, name);
      console.log(`example: generated ${example.EXAMPLE_IMAGE} and ${example.EXAMPLE_MODEL}; policy ${example.EXAMPLE_POLICY}`);
      params = { ...defaults([at(example.EXAMPLE_IMAGE)], example.EXAMPLE_POLICY), modelPath: at(example.EXAMPLE_MODEL), preprocess: { preset: 'unit' } };
    }
    const bar = progressBar(process.stderr);
    let result = await runAnalysis(join(__dirname, 'engine.js'), params, {
      onProgress: (stage, fraction, message) => bar.update(stage, fraction, message),
      signal,
      inProcess: params.modelPath === undefined,
    }).finally(() => bar.clear());
    if (folder && example) result = { ...result, report: example.relocateExample(result.report, folder.target) };
    if (cmd.json) console.log(JSON.stringify(result.report, null, 2));
    if (cmd.json) for (const note of summaryNotes(result.report)) console.error(`auglens: ${note}`);
    else console.log(formatSummary(result.report));
    if (folder) {
      const entries = reportEntries(result);
      await folder.add(entries, { signal });
      await folder.commit(signal);
      const names = [...inputs, ...entries].map((e) => e.name);
      if (!cmd.json) console.log(`\nwrote ${names.length} files to ${folder.target}: ${names.join(', ')}`);
    }
  } finally {
    await folder?.close();
  }
}

async function main(): Promise<number> {
  const abort = new AbortController();
  let stoppedBy: StopSignal | undefined;
  const onSignal = (signal: StopSignal) => {
    if (stoppedBy) process.exit(SIGNAL_EXIT[signal]);
    stoppedBy = signal;
    abort.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const [command, ...rest] = process.argv.slice(2);
    if (command === 'check') return await checkCommand(rest);
    if (command === 'compare') return await compareCommand(rest);
    if (command === 'merge') return await mergeCommand(rest, abort.signal);
    await run(parseCommandLine(process.argv.slice(2), readPolicyFile, listImages), abort.signal);
    return 0;
  } catch (e) {
    if (stoppedBy) {
      console.error('auglens: cancelled');
      return SIGNAL_EXIT[stoppedBy];
    }
    const message = (e as Error).message.split('\n')[0];
    console.error(`auglens: error: ${printable(message, 1000)}`);
    if (e instanceof PolicyInputError) console.error(e.frame);
    if (e instanceof UsageError) console.error(`run 'auglens --help' for usage`);
    return e instanceof UsageError ? 2 : 1;
  }
}

main().then((code) => {
  process.exitCode = code;
});
