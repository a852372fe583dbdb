import { join, resolve } from 'node:path';
import { runAnalysis, EngineCancelled } from '../engine/client';
import { writeReportFiles } from '../engine/reportFiles';
import { parseCommandLine, USAGE, UsageError, defaults, type CliCommand } from './args';
import { EXAMPLE_POLICY, writeExample } from './example';
import { listImages, readPolicyFile } from './inputFiles';
import { progressBar } from './progressBar';
import { formatSummary } from './summary';

async function run(cmd: CliCommand): Promise<void> {
  if (cmd.command === 'help') {
    console.log(USAGE);
    return;
  }
  let params = cmd.params;
  let out = cmd.out;
  if (cmd.command === 'example') {
    out = resolve(out ?? 'auglens-example');
    const files = writeExample(out);
    console.log(`example: generated ${files.image} and ${files.model}; policy ${EXAMPLE_POLICY}`);
    params = { ...defaults([files.image], EXAMPLE_POLICY), modelPath: files.model, preprocess: { preset: 'unit' } };
  }
  const bar = progressBar(process.stderr);
  const abort = new AbortController();
  process.once('SIGINT', () => abort.abort());
  process.once('SIGTERM', () => abort.abort());
  const result = await runAnalysis(join(__dirname, 'engine.js'), params, {
    onProgress: (stage, fraction, message) => bar.update(stage, fraction, message),
    signal: abort.signal,
  }).finally(() => bar.clear());
  if (cmd.json) console.log(JSON.stringify(result.report, null, 2));
  else console.log(formatSummary(result.report));
  if (out) {
    const files = writeReportFiles(out, result);
    if (!cmd.json) console.log(`\nwrote ${files.length} files to ${out}: ${files.join(', ')}`);
  }
}

async function main(): Promise<number> {
  try {
    await run(parseCommandLine(process.argv.slice(2), readPolicyFile, listImages));
    return 0;
  } catch (e) {
    if (e instanceof EngineCancelled) {
      console.error('auglens: cancelled');
      return 130;
    }
    const message = (e as Error).message.split('\n')[0];
    console.error(`auglens: error: ${message}`);
    if (e instanceof UsageError) console.error(`run 'auglens --help' for usage`);
    return e instanceof UsageError ? 2 : 1;
  }
}

main().then((code) => {
  process.exitCode = code;
});
