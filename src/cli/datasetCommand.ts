import { isAbsolute, join, relative, resolve } from 'node:path';
import { runDataset } from '../engine/client';
import { classLabels, LabelsError, readLabelsFile } from '../engine/dataset/classLabels';
import { DatasetFolder } from '../engine/dataset/datasetFolder';
import { datasetReport } from '../engine/dataset/datasetReport';
import { DatasetRows } from '../engine/dataset/datasetRows';
import { formatDatasetSummary } from '../engine/dataset/datasetSummary';
import { fileSha256 } from '../engine/dataset/fileDigest';
import { DatasetListingError, listDataset } from '../engine/dataset/imageFolder';
import type { RunHeader } from '../engine/contract/datasetRecord';
import { imageKeys } from '../engine/dataset/imageKeys';
import { makeHeader, runOptionsOf } from '../engine/dataset/runHeader';
import type { DatasetParams } from '../engine/contract/requests';
import { OutputError } from '../engine/report/fsErrors';
import type { CliCommand } from './args';
import type { DatasetOptions } from './datasetArgs';
import { datasetProgress } from './datasetProgress';
import { UsageError } from './usageError';
import { DATASET_REPORT_FILE, RESULTS_FILE } from '../engine/contract/reportFiles';

/** The dataset's images in this shard, each with its class and label, and the run's class table. */
function datasetImages(options: DatasetOptions, root: string) {
  try {
    const listing = listDataset(root);
    if (listing.layout === 'plain' && options.labels !== undefined) {
      throw new UsageError(`--labels maps class folders to class indices, but ${root} holds its images directly (no class folders)`);
    }
    const classes = classLabels(listing.classes, options.labels === undefined ? undefined : readLabelsFile(options.labels));
    return { layout: listing.layout, classes, keys: imageKeys(listing, classes, options.shard), listed: listing.images.length };
  } catch (e) {
    if (e instanceof DatasetListingError || e instanceof LabelsError) throw new UsageError(e.message);
    throw e;
  }
}

/**
 * `analyze --image DIR` as a dataset run: the images of this shard not yet analysed in OUT go through one engine
 * process, each record appended to OUT/results.jsonl as it arrives; at the end the dataset report of every record
 * (earlier ones included) is written to OUT/dataset.json and printed.
 */
export async function runDatasetCommand(cmd: CliCommand, options: DatasetOptions, enginePath: string, signal: AbortSignal): Promise<void> {
  const root = resolve(options.root);
  const { layout, classes, keys, listed } = datasetImages(options, root);
  const rows = new DatasetRows();
  let folder: DatasetFolder | undefined;
  if (cmd.out !== undefined) {
    if (cmd.out.trim() === '') throw new UsageError('--out is empty: give the folder to write the dataset run into');
    const relativeOut = relative(root, resolve(cmd.out));
    if (!relativeOut.startsWith('..') && !isAbsolute(relativeOut)) {
      throw new UsageError(`--out ${cmd.out} is inside the dataset folder ${root}: it would become a class folder; write the run elsewhere`);
    }
    try {
      folder = await DatasetFolder.open(resolve(cmd.out), options.resume, rows);
    } catch (e) {
      throw e instanceof OutputError ? new UsageError(`--out: ${e.message}`) : e;
    }
  }
  try {
    const toDo = keys.filter((k) => !rows.analysed(k.path));
    const { imagePaths: _images, label: _label, ...analysis } = cmd.params;
    const modelPath = analysis.modelPath!;
    const params: DatasetParams = { ...analysis, modelPath, root, images: toDo };
    const facts = { root, shard: options.shard, layout, classes, modelSha256: await fileSha256(modelPath), options: runOptionsOf(cmd.params) };
    const shardNote = options.shard.count > 1 ? ` in shard ${options.shard.index}/${options.shard.count}` : '';
    console.error(`auglens: ${root}: ${listed} images${shardNote ? `, ${keys.length}${shardNote}` : ''}; ${toDo.length} to analyse`);
    const progress = datasetProgress(process.stderr, toDo.length, keys.length - toDo.length);
    let header: RunHeader | undefined;
    let started = false;
    await runDataset(enginePath, params, {
      signal,
      onProgress: (_stage, fraction, message) => progress.stage(fraction, message),
      onRun: (run) => {
        header = makeHeader(run, facts);
        if (!folder) return;
        try {
          folder.start(header);
        } catch (e) {
          throw e instanceof OutputError ? new UsageError(e.message) : e;
        }
        header = folder.header;
        started = true;
      },
      onRecord: (_index, record) => {
        folder?.write(record);
        rows.add(record);
        progress.image(record.kind === 'image');
      },
    })
      .finally(() => progress.clear())
      .catch((e: unknown) => {
        if (folder && started) console.error(`auglens: ${rows.size} images are in ${join(folder.dir, RESULTS_FILE)}; the same command with --resume continues the run`);
        throw e;
      });
    const report = datasetReport(header!, rows.sorted());
    await folder?.finish(report);
    if (cmd.json) console.log(JSON.stringify(report, null, 2));
    else console.log(formatDatasetSummary(report));
    if (folder && !cmd.json) console.log(`\nwrote ${join(folder.dir, RESULTS_FILE)} (${rows.size} images) and ${DATASET_REPORT_FILE}`);
    if (!report.images.analysed && report.images.failed) throw new Error(`no image could be analysed (${report.images.failed} failed; first: ${report.failures[0].message})`);
  } finally {
    await folder?.close();
  }
}
