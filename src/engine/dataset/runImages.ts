import { REPORT_SCHEMA_VERSION } from '../contract/report';
import type { DatasetRecord, RunHeader } from '../contract/datasetRecord';

/** One analysed image's model numbers, as `check` and `compare` read them from results.jsonl or report.json. */
export interface RunImage {
  /** Relative to the run's root, '/'-separated (report.json: to the folder its images have in common). */
  readonly path: string;
  readonly className: string | null;
  readonly expectedLoss: number;
  readonly stdLoss: number;
  readonly flipRate: number;
  /** Augmented samples for E[loss] within the run's tolerance; Infinity when E[loss] = 0 (null in the JSON). */
  readonly samplesNeeded: number;
}

export interface RunFailure {
  readonly path: string;
  readonly className: string | null;
  readonly message: string;
}

/** What a run says about itself: enough to tell two runs apart. */
export interface RunInfo {
  readonly format: 'results.jsonl' | 'report.json';
  readonly confidence: number;
  readonly model: string | null;
  readonly policy: string;
  readonly tolerance: number;
}

export interface RunImages extends RunInfo {
  readonly images: readonly RunImage[];
  readonly failures: readonly RunFailure[];
  /** Images analysed without a model (a moments run): no loss to check. */
  readonly withoutModel: readonly string[];
}

/** A file that is not what `check` and `compare` read, with where and why. */
export class RunFormatError extends Error {}

export type RunEntry =
  | { readonly kind: 'image'; readonly image: RunImage }
  | { readonly kind: 'error'; readonly failure: RunFailure }
  | { readonly kind: 'no model'; readonly path: string };

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function field<T>(o: Json, name: string, ok: (v: unknown) => v is T, where: string, what: string): T {
  const v = o[name];
  if (!ok(v)) throw new RunFormatError(`${where}: '${name}' must be ${what}`);
  return v;
}
const isString = (v: unknown): v is string => typeof v === 'string';
const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

function runInfo(o: Json, format: RunInfo['format'], where: string): RunInfo {
  const settings = field(o, 'settings', isObject, where, 'an object');
  const policy = field(o, 'policy', isObject, where, 'an object');
  const model = o.model;
  return {
    format,
    confidence: field(settings, 'confidence', isNumber, `${where}: settings`, 'a number'),
    tolerance: field(settings, 'tolerance', isNumber, `${where}: settings`, 'a number'),
    policy: field(policy, 'canonical', isString, `${where}: policy`, 'a string'),
    model: isObject(model) && isString(model.path) ? model.path : null,
  };
}

/** The model block of one image report, or null when the image was analysed without a model. */
function modelNumbers(report: Json, path: string, className: string | null, where: string): RunImage | null {
  if (report.model === null) return null;
  const m = field(report, 'model', isObject, where, 'an object or null');
  const samples = field(m, 'samplesNeeded', isObject, `${where}: model`, 'an object');
  const loss = samples.loss;
  if (loss !== null && !isNumber(loss)) throw new RunFormatError(`${where}: model.samplesNeeded.loss must be a number or null`);
  return {
    path,
    className,
    expectedLoss: field(m, 'expectedLoss', isNumber, `${where}: model`, 'a number'),
    stdLoss: field(m, 'stdLoss', isNumber, `${where}: model`, 'a number'),
    flipRate: field(m, 'flipRate', isNumber, `${where}: model`, 'a number'),
    samplesNeeded: loss ?? Infinity,
  };
}

/** What the header of results.jsonl (checked by `scanResults`) says about the run. */
export function headerInfo(header: RunHeader, where: string): RunInfo {
  return runInfo(header as unknown as Json, 'results.jsonl', where);
}

/** A record of results.jsonl (kind, path, report or message checked by `scanResults`). */
export function recordEntry(record: DatasetRecord, where: string): RunEntry {
  const className = record.className ?? null;
  if (record.kind === 'error') return { kind: 'error', failure: { path: record.path, className, message: record.message } };
  const image = modelNumbers(record.report as unknown as Json, record.path, className, `${where}: report`);
  return image ? { kind: 'image', image } : { kind: 'no model', path: record.path };
}

/** The run's images from its entries in file order; an image listed again (a retried failure) takes its last entry. */
export function collectRun(info: RunInfo, entries: Iterable<RunEntry>): RunImages {
  const last = new Map<string, RunEntry>();
  for (const e of entries) {
    const path = e.kind === 'image' ? e.image.path : e.kind === 'error' ? e.failure.path : e.path;
    last.delete(path);
    last.set(path, e);
  }
  const images: RunImage[] = [];
  const failures: RunFailure[] = [];
  const withoutModel: string[] = [];
  for (const e of last.values()) {
    if (e.kind === 'image') images.push(e.image);
    else if (e.kind === 'error') failures.push(e.failure);
    else withoutModel.push(e.path);
  }
  return { ...info, images, failures, withoutModel };
}

/** The folder every path lies in ('' when they share none), '/'-separated. */
function commonFolder(paths: readonly string[]): string[] {
  const split = paths.map((p) => p.split(/[\\/]/).slice(0, -1));
  const first = split[0] ?? [];
  let n = first.length;
  for (const s of split) {
    let i = 0;
    while (i < n && s[i] === first[i]) i++;
    n = i;
  }
  return first.slice(0, n);
}

/**
 * report.json (`analyze` on one or several images): its images keyed by their paths relative to the folder they
 * have in common, so that two runs on the same images pair up wherever each was run from; no classes.
 */
export function reportRun(value: unknown, where: string): RunImages {
  if (!isObject(value)) throw new RunFormatError(`${where}: not a report (expected a JSON object)`);
  if ('datasetVersion' in value) throw new RunFormatError(`${where}: a dataset.json holds no per-image numbers: give its folder or the results.jsonl beside it`);
  const version = field(value, 'schemaVersion', isNumber, where, 'a number (an AugLens report.json)');
  if (version > REPORT_SCHEMA_VERSION) {
    throw new RunFormatError(`${where}: schema version ${version} is newer than this AugLens reads (${REPORT_SCHEMA_VERSION})`);
  }
  const reports = field(value, 'images', Array.isArray, where, 'a list');
  const paths = reports.map((r, i) => field(isObject(r) ? r : {}, 'path', isString, `${where}: images[${i}]`, 'a string'));
  const skip = commonFolder(paths).length;
  const entries = reports.map((r: Json, i): RunEntry => {
    const path = paths[i].split(/[\\/]/).slice(skip).join('/');
    const image = modelNumbers(r, path, null, `${where}: images[${i}]`);
    return image ? { kind: 'image', image } : { kind: 'no model', path };
  });
  return collectRun(runInfo(value, 'report.json', where), entries);
}
