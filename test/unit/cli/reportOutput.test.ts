// Fault injection on the report folder: kills during the write, planted symbolic links, bad --out values, stale
// files of an earlier run, concurrent runs, signals, a full and a read-only disk. Runs the bundled CLI as a child.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { imageToPng } from '../../../src/core/io/encode';
import { randomImage } from '../core/moments/bruteForce';
import { fixtureModel, fixturesMissing, tempDir } from '../model/fixtures';
import { alive, buildCli, childrenOf, leftovers, runCli, sleep, snapshot, startCli, waitFor, type Finished } from './cliProcess';

const root = resolve(__dirname, '../../..');
let cli = '';
before(async () => {
  cli = await buildCli(root, join(root, 'out', 'test-report-output'));
});

const dir = tempDir();
const image = join(dir, 'photo.png');
writeFileSync(image, imageToPng(randomImage(3, 24, 24, 3)));
/** Six images: a report of 127 files at --top-k 16, about a second to write. */
const images = join(dir, 'images');
mkdirSync(images);
for (let i = 0; i < 6; i++) writeFileSync(join(images, `im${i}.png`), imageToPng(randomImage(3, 24, 24, 10 + i)));
const POLICY = 'RandomCrop(20, padding=2); RandomHorizontalFlip()';

const moments = (out: string, topK: number, input = image) => ['moments', '--image', input, '--policy', POLICY, '--top-k', String(topK), '--out', out];

function assertUsageError(r: Finished, message: RegExp): void {
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr.split('\n')[0], message);
  assert.doesNotMatch(r.stderr, /\b(ENOENT|EEXIST|ENOTDIR|EACCES|EPERM|EROFS|ENOSPC|EISDIR|ELOOP)\b|errno|syscall|at .*\.js:\d+/, 'no raw errno text or stack');
}

test('--out is checked before any work: usage error, exit 2, cause in words', () => {
  const corrupt = join(dir, 'corrupt.png');
  writeFileSync(corrupt, Buffer.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]));
  const user = join(dir, 'user-folder');
  mkdirSync(user);
  writeFileSync(join(user, 'notes.txt'), 'mine');
  const cases: [string, RegExp][] = [
    ['', /--out is empty/],
    ['   ', /--out is empty/],
    [image, /photo\.png exists and is not a folder/],
    [join(image, 'sub'), /photo\.png\/sub: a part of the path is a file, not a folder/],
    ['/proc/auglens-report', /\/proc: the folder does not exist or does not accept new files/],
    ['/', /file system root/],
    [user, /user-folder holds files AugLens did not write \(notes\.txt\)/],
  ];
  for (const [out, message] of cases) {
    // The image is corrupt: had the analysis run first, the error would be about the image (exit 1).
    assertUsageError(runCli(cli, moments(out, 2, corrupt)), message);
  }
  assert.equal(readFileSync(join(user, 'notes.txt'), 'utf8'), 'mine');
  assert.deepEqual(readdirSync(user), ['notes.txt']);
  assert.deepEqual(leftovers(dir, 'user-folder'), []);
});

test('symbolic links are never written through: planted report.json, linked out folder, planted work files', () => {
  const victim = join(dir, 'victim.txt');
  writeFileSync(victim, 'precious');
  const planted = join(dir, 'cloned');
  mkdirSync(planted);
  symlinkSync(victim, join(planted, 'report.json'));
  assertUsageError(runCli(cli, moments(planted, 2)), /cloned holds symbolic links \(report\.json\)/);
  assertUsageError(runCli(cli, ['example', '--out', planted]), /cloned holds symbolic links \(report\.json\)/);

  const real = join(dir, 'real');
  assert.equal(runCli(cli, moments(real, 2)).code, 0);
  const before = snapshot(real);
  symlinkSync(real, join(dir, 'linked'));
  assertUsageError(runCli(cli, moments(join(dir, 'linked'), 3)), /linked is a symbolic link: AugLens does not write through links/);
  assert.deepEqual(snapshot(real), before);

  // Links planted where AugLens puts its staging folder, moved-aside folder and lock are removed, not followed.
  const victimDir = join(dir, 'victim-dir');
  mkdirSync(victimDir);
  writeFileSync(join(victimDir, 'keep.txt'), 'keep');
  symlinkSync(victimDir, join(dir, '.fresh.auglens-new'));
  symlinkSync(victimDir, join(dir, '.fresh.auglens-old'));
  symlinkSync(victim, join(dir, '.fresh.auglens-lock'));
  const r = runCli(cli, moments(join(dir, 'fresh'), 2));
  assert.equal(r.code, 0, r.stderr);
  assert.equal(readFileSync(victim, 'utf8'), 'precious');
  assert.deepEqual(readdirSync(victimDir), ['keep.txt']);
  assert.deepEqual(leftovers(dir, 'fresh'), []);
  assert.ok(existsSync(join(dir, 'fresh', 'report.json')));
});

test('a new report replaces the old one whole: --top-k 2 after --top-k 8 leaves no eigen_3..8', () => {
  const out = join(dir, 'topk');
  assert.equal(runCli(cli, moments(out, 8)).code, 0);
  assert.ok(existsSync(join(out, 'eigen_8.png')));
  const r = runCli(cli, moments(out, 2));
  assert.equal(r.code, 0, r.stderr);
  const expected = ['eigen_1.png', 'eigen_2.png', 'eigenvectors.npy', 'mean.npy', 'mean.png', 'report.json', 'variance.npy', 'variance.png'];
  assert.deepEqual(readdirSync(out).sort(), expected);
  assert.equal(JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')).settings.topK, 2);
  assert.deepEqual(leftovers(dir, 'topk'), []);
});

test('example: its image and model are staged with the report, and the report names them in the final folder', () => {
  const out = join(dir, 'example');
  for (let run = 0; run < 2; run++) {
    const r = runCli(cli, ['example', '--out', out]);
    assert.equal(r.code, 0, r.stderr);
  }
  const files = readdirSync(out);
  for (const f of ['example.png', 'example-model.onnx', 'report.json', 'saliency.npy', 'eigen_8.png']) assert.ok(files.includes(f), f);
  const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
  assert.equal(report.model.path, join(out, 'example-model.onnx'));
  assert.equal(report.images[0].path, join(out, 'example.png'));
  assert.deepEqual(leftovers(dir, 'example'), []);
});

test('killed at random points of the write: the old report intact or the new one complete, never a mix', async (t) => {
  const old = join(dir, 'old');
  assert.equal(runCli(cli, moments(old, 16, images)).code, 0);
  const oldFiles = snapshot(old);
  assert.equal(oldFiles.size, 127);
  const reference = join(dir, 'reference');
  assert.equal(runCli(cli, moments(reference, 12, images)).code, 0);
  const newFiles = snapshot(reference);

  const target = join(dir, 'target');
  const staging = join(dir, '.target.auglens-new');
  const outcomes: string[] = [];
  // Killed once the staging folder holds k files, k random; the last trials a few ms after the last file, about the swap.
  const points: [number, number][] = [
    ...Array.from({ length: 3 }, (): [number, number] => [1 + Math.floor(Math.random() * newFiles.size), 0]),
    [newFiles.size, Math.random() * 30],
    [newFiles.size, 30 + Math.random() * 50],
  ];
  for (const [k, delay] of points) {
    rmSync(target, { recursive: true, force: true });
    cpSync(old, target, { recursive: true });
    const run = startCli(cli, moments(target, 12, images));
    const staged = () => (existsSync(staging) ? readdirSync(staging).length : 0);
    await waitFor(() => staged() >= k || run.child.exitCode !== null, 20000, `${k} staged files`);
    await sleep(delay);
    run.child.kill('SIGKILL');
    const end = await run.done;
    const what = `killed ${delay.toFixed(0)} ms after ${k} staged files (${end.signal ?? `exit ${end.code}`})`;
    if (!existsSync(target)) {
      // Killed between the two renames of the swap: the old folder waits beside it and the next run puts it back.
      assert.deepEqual(snapshot(join(dir, '.target.auglens-old')), oldFiles, what);
      outcomes.push(`${k}+${delay.toFixed(0)} ms: old (moved aside)`);
      continue;
    }
    const now = snapshot(target);
    if ([...now.keys()].join() === [...oldFiles.keys()].join()) {
      assert.deepEqual(now, oldFiles, what);
      outcomes.push(`${k}+${delay.toFixed(0)} ms: old`);
    } else {
      assert.deepEqual([...now.keys()], [...newFiles.keys()], what);
      for (const [name, data] of newFiles) if (name !== 'report.json') assert.ok(now.get(name)!.equals(data), `${what}: ${name}`);
      assert.equal(JSON.parse(now.get('report.json')!.toString()).settings.topK, 12, what);
      outcomes.push(`${k}+${delay.toFixed(0)} ms: new`);
    }
  }
  t.diagnostic(`staged files when killed -> folder found: ${outcomes.join('; ')}`);
  // The killed runs' lock and staging folder do not block the next run, which cleans them.
  const r = runCli(cli, moments(target, 1));
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(leftovers(dir, 'target'), []);
  assert.deepEqual(leftovers(dir, 'old'), []);
});

test('Ctrl-C during the write: exit 130, the old report intact, nothing left behind', async () => {
  const target = join(dir, 'interrupted');
  cpSync(join(dir, 'old'), target, { recursive: true });
  const oldFiles = snapshot(target);
  const run = startCli(cli, moments(target, 12, images));
  run.child.stdout!.once('data', () => setTimeout(() => run.child.kill('SIGINT'), 100));
  const end = await run.done;
  assert.equal(end.code, 130, end.stderr);
  assert.match(end.stderr, /auglens: cancelled/);
  assert.deepEqual(snapshot(target), oldFiles);
  assert.deepEqual(leftovers(dir, 'interrupted'), []);
});

test('two runs into one folder: the second is refused with the first one named, the first completes', async () => {
  const out = join(dir, 'shared');
  const first = startCli(cli, moments(out, 16, images));
  await waitFor(() => existsSync(join(dir, '.shared.auglens-lock')), 10000, 'the first run to take the lock');
  first.child.kill('SIGSTOP');
  try {
    const second = runCli(cli, moments(out, 2));
    assertUsageError(second, new RegExp(`another AugLens run \\(process ${first.child.pid}\\) is writing .*shared; wait for it to finish`));
  } finally {
    first.child.kill('SIGCONT');
  }
  const end = await first.done;
  assert.equal(end.code, 0, end.stderr);
  assert.equal(readdirSync(out).length, 127);
  assert.deepEqual(leftovers(dir, 'shared'), []);
});

/** A model run: its engine is a child process (onnxruntime's native code stays out of the CLI's process). */
const analyze = (out: string) => ['analyze', '--model', fixtureModel('cifar10-tutorial.onnx'), '--image', image, '--size', '32', '--policy', 'RandomCrop(32, padding=4); RandomHorizontalFlip()', '--out', out];

for (const [signal, code] of [
  ['SIGTERM', 143],
  ['SIGINT', 130],
] as const) {
  test(`${signal} during a model analysis: exit ${code}, no engine left alive, the old report intact`, { skip: fixturesMissing }, async () => {
    const target = join(dir, `signal-${code}`);
    cpSync(join(dir, 'old'), target, { recursive: true });
    const oldFiles = snapshot(target);
    const run = startCli(cli, analyze(target));
    const [engine] = await waitFor(() => childrenOf(run.child.pid!).length > 0 && childrenOf(run.child.pid!), 10000, 'the engine');
    // A stopped engine cannot finish first, so the signal always lands during the analysis.
    process.kill(engine, 'SIGSTOP');
    run.child.kill(signal);
    const end = await run.done;
    assert.equal(end.code, code, end.stderr);
    const gone = await waitFor(() => !alive(engine), 2000, 'the engine to exit').then(
      () => true,
      () => false,
    );
    if (!gone) process.kill(engine, 'SIGKILL');
    assert.ok(gone, 'the engine is gone 2 s after the CLI');
    assert.deepEqual(snapshot(target), oldFiles);
    assert.deepEqual(leftovers(dir, `signal-${code}`), []);
  });

  test(`${signal} during image moments (the engine in a worker thread, no child process): exit ${code}, the old report intact`, async () => {
    const target = join(dir, `moments-signal-${code}`);
    cpSync(join(dir, 'old'), target, { recursive: true });
    const oldFiles = snapshot(target);
    const run = startCli(cli, moments(target, 16, images));
    await waitFor(() => existsSync(join(dir, `.moments-signal-${code}.auglens-new`)), 10000, 'the run to open its staging folder');
    assert.deepEqual(childrenOf(run.child.pid!), [], 'image moments start no engine process');
    run.child.kill(signal);
    const end = await run.done;
    assert.equal(end.code, code, end.stderr);
    assert.deepEqual(snapshot(target), oldFiles);
    assert.deepEqual(leftovers(dir, `moments-signal-${code}`), []);
  });
}

/** A small tmpfs mounted for the test, or why not (needs root with mount rights). */
function mountTmpfs(at: string, options: string): string | undefined {
  mkdirSync(at, { recursive: true });
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', at], { stdio: 'pipe' });
    return undefined;
  } catch (e) {
    return `cannot mount a tmpfs here (${(e as Error).message.split('\n')[0]})`;
  }
}

test('a full disk and a read-only file system: named in words, the old report intact', async (t) => {
  const disk = join(dir, 'disk');
  const why = mountTmpfs(disk, 'size=96k');
  if (why) return t.skip(why);
  try {
    const out = join(disk, 'report');
    assert.equal(runCli(cli, moments(out, 1)).code, 0);
    const oldFiles = snapshot(out);
    const full = runCli(cli, moments(out, 16, images));
    assert.equal(full.code, 1, full.stderr);
    assert.match(full.stderr.split('\n')[0], /^auglens: error: no space left on device writing .*disk\/report\/\S+$/);
    assert.deepEqual(snapshot(out), oldFiles);
    assert.deepEqual(leftovers(disk, 'report'), []);

    execFileSync('mount', ['-o', 'remount,ro', disk]);
    assertUsageError(runCli(cli, moments(out, 1)), /disk: the file system is read-only/);
    assert.deepEqual(snapshot(out), oldFiles);
  } finally {
    for (let i = 0; i < 5; i++) {
      try {
        execFileSync('umount', [disk], { stdio: 'pipe' });
        break;
      } catch {
        await sleep(200);
      }
    }
  }
});
