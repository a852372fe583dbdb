// Resource limits: each cap refuses at once with a message naming the value and the limit, special
// files are never read (nothing hangs), and crafted headers or graphs declaring huge sizes fail before any allocation.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, statSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import { build, type BuildOptions } from 'esbuild';
import { decodeImage } from '../../../src/core/io/decode';
import { imageToPng } from '../../../src/core/io/encode';
import { readRegularFile } from '../../../src/core/io/regularFile';
import { defaults } from '../../../src/cli/args';
import { runAnalysis } from '../../../src/engine/client';
import { loadModel } from '../../../src/model/load';
import { randomImage } from '../core/moments/bruteForce';
import { attr, TestGraph } from '../model/gradient/models';
import { tempDir, writeModel } from '../model/fixtures';

const root = resolve(__dirname, '../../..');
const outDir = join(root, 'out', 'test-caps');
const cli = join(outDir, 'cli.js');
const enginePath = join(outDir, 'engine.js');

before(async () => {
  const common: BuildOptions = { bundle: true, platform: 'node', format: 'cjs', external: ['onnxruntime-node'], logLevel: 'silent' };
  await build({ ...common, entryPoints: [join(root, 'src/cli/main.ts')], outfile: cli });
  await build({ ...common, entryPoints: [join(root, 'src/engine/main.ts')], outfile: enginePath });
});

const dir = tempDir();
const image = join(dir, 'photo.png');
writeFileSync(image, imageToPng(randomImage(3, 20, 24, 5)));
const policy = 'RandomCrop(16); RandomHorizontalFlip()';
const fifo = (path: string) => execFileSync('mkfifo', [path]);
const onLinux = process.platform === 'linux' ? false : 'mkfifo and /dev/zero are Linux fixtures';

/** Runs the CLI; a run that hangs is killed after 20 s and fails the test through `timedOut`. */
function auglens(...args: string[]) {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', timeout: 20_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, timedOut: r.error !== undefined };
}

function refused(args: string[], code: number, message: RegExp): void {
  const r = auglens(...args);
  assert.equal(r.timedOut, false, `auglens ${args.join(' ')} hung`);
  assert.equal(r.code, code, r.stderr);
  assert.match(r.stderr, message);
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
}

/** A PNG of 20000x20000 gray pixels whose IDAT holds 1 MB of deflated rows: a decoder trusting it allocates 400 MB+. */
function pngClaiming(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc32(body), 8 + data.length);
    return out;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 0, 0, 0, 0], 8);
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, chunk('IHDR', ihdr), chunk('IDAT', deflateSync(Buffer.alloc(1 << 20))), chunk('IEND', Buffer.alloc(0))]);
}

/** A baseline JPEG frame header claiming width x height, three components, and nothing to decode. */
function jpegClaiming(width: number, height: number): Buffer {
  const sof = [0xff, 0xc0, 0, 17, 8, height >> 8, height & 255, width >> 8, width & 255, 3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1];
  return Buffer.from([0xff, 0xd8, ...sof, 0xff, 0xd9]);
}

/** A tiny classifier whose graph declares the given input shape (a few hundred bytes on disk). */
function modelDeclaring(name: string, dims: number[]): string {
  const t = new TestGraph(dims);
  const pooled = t.op('Flatten', [t.op('GlobalAveragePool', ['x'])]);
  return writeModel(dir, name, t.build(t.op('Gemm', [pooled, t.weight([3, 3]), t.weight([3])], { transB: attr.int(1) }), 13));
}

test('--threads is capped at the core count, --mc at a million draws, --size at the pixel limit', () => {
  const cores = availableParallelism();
  refused(['analyze', '--model', 'm.onnx', '--image', image, '--policy', policy, '--threads', '1000'], 2,
    new RegExp(`--threads 1000 is more than this machine's ${cores} CPU cores`));
  refused(['moments', '--image', image, '--policy', policy, '--mc', '1e12'], 2,
    /--mc 1000000000000 is more than the 1,000,000 Monte-Carlo draws allowed \(one forward pass each; --mc-seconds bounds the time instead\)/);
  refused(['moments', '--image', image, '--policy', policy, '--size', '8000'], 2, /--size 8000 is more than the 40 megapixels allowed/);
  const ok = auglens('moments', '--image', image, '--policy', policy, '--threads', String(cores), '--mc', '1000000', '--top-k', '1');
  assert.equal(ok.code, 0, ok.stderr);
});

test('the engine holds the same caps for the extension: Monte-Carlo draws refused, threads lowered with a log line', async () => {
  const base = { ...defaults([image], policy), topK: 1 };
  await assert.rejects(runAnalysis(enginePath, { ...base, monteCarloSamples: 5_000_000 }), /5,000,000 Monte-Carlo draws asked for; at most 1,000,000 are allowed/);
  const model = modelDeclaring('small.onnx', [1, 3, 16, 16]);
  const logs: string[] = [];
  await runAnalysis(enginePath, { ...base, modelPath: model, threads: 1000, monteCarloSamples: 10 }, { onLog: (m) => logs.push(m) });
  assert.ok(logs.some((l) => l === `1000 threads asked for; using ${availableParallelism()}, the number of CPU cores`), logs.join('\n'));
});

test('/dev/zero, a FIFO or a folder is never read as an image or a policy file', { skip: onLinux }, () => {
  const pipe = join(dir, 'pipe.png');
  fifo(pipe);
  refused(['moments', '--image', '/dev/zero', '--policy', policy], 2, /\/dev\/zero: the image is a device, not a regular file/);
  refused(['moments', '--image', pipe, '--policy', policy], 2, /pipe\.png: the image is a named pipe \(FIFO\), not a regular file/);
  refused(['moments', '--image', image, '--policy', '@/dev/zero'], 2, /\/dev\/zero: cannot read the policy file: it is a device, not a regular file/);
  refused(['moments', '--image', image, '--policy', `@${pipe}`], 2, /pipe\.png: cannot read the policy file: it is a named pipe \(FIFO\), not a regular file/);
  refused(['moments', '--image', image, '--policy', `@${dir}`], 2, /cannot read the policy file: it is a folder, not a regular file/);
  refused(['analyze', '--model', pipe, '--image', image, '--policy', policy], 1, /pipe\.png: cannot read the model file: it is a named pipe \(FIFO\), not a regular file/);
  refused(['analyze', '--model', '/dev/zero', '--image', image, '--policy', policy], 1, /\/dev\/zero: cannot read the model file: it is a device/);
});

test('in an image folder, a folder, a FIFO or a device named *.png is skipped and the other images are analysed', { skip: onLinux }, () => {
  const folder = join(dir, 'batch');
  mkdirSync(join(folder, 'b_folder.png'), { recursive: true });
  writeFileSync(join(folder, 'a.png'), imageToPng(randomImage(3, 20, 24, 6)));
  writeFileSync(join(folder, 'd.png'), imageToPng(randomImage(3, 20, 24, 7)));
  fifo(join(folder, 'c_pipe.png'));
  symlinkSync('/dev/zero', join(folder, 'c_zero.png'));
  const r = auglens('moments', '--image', folder, '--policy', policy, '--top-k', '1', '--json');
  assert.equal(r.timedOut, false, 'hung on a special file');
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout).images.map((i: { path: string }) => i.path), [join(folder, 'a.png'), join(folder, 'd.png')]);
  assert.match(r.stderr, /skipping .*b_folder\.png: a folder, not an image file/);
  assert.match(r.stderr, /skipping .*c_pipe\.png: a named pipe \(FIFO\), not an image file/);
  assert.match(r.stderr, /skipping .*c_zero\.png: a device, not an image file/);
});

test('file sizes: an image, a policy file or a model past its limit is refused before it is read', () => {
  const big = (name: string, bytes: number) => {
    const path = join(dir, name);
    writeFileSync(path, '');
    truncateSync(path, bytes); // sparse: nothing is written
    return path;
  };
  refused(['moments', '--image', big('huge.png', 600 * 2 ** 20), '--policy', policy], 1, /huge\.png: cannot read the image: it is 600 MB, more than the 512 MB allowed/);
  refused(['moments', '--image', image, '--policy', `@${big('huge.policy', 2 ** 21)}`], 2, /huge\.policy: cannot read the policy file: it is 2\.0 MB, more than the 1\.0 MB allowed/);
  refused(['analyze', '--model', big('huge.onnx', 3 * 2 ** 30), '--image', image, '--policy', policy], 1,
    /huge\.onnx: cannot read the model file: it is 3\.0 GB, more than the 2\.0 GB allowed \(an ONNX file holds at most 2 GB; larger models keep their weights as external data\)/);
});

test('a PNG or JPEG header declaring a huge image is refused before decoding, within a few MB of memory', () => {
  const png = join(dir, 'bomb.png');
  writeFileSync(png, pngClaiming(20000, 20000));
  const jpg = join(dir, 'bomb.jpg');
  writeFileSync(jpg, jpegClaiming(60000, 60000));
  const tooLarge = (name: string, w: number, h: number) =>
    new RegExp(`${name}: image too large: ${w}x${h} \\(${((w * h) / 1e6).toFixed(1)} megapixels\\), limit 40 megapixels; downscale it first`);
  refused(['moments', '--image', png, '--policy', policy], 1, tooLarge('bomb\\.png', 20000, 20000));
  refused(['moments', '--image', jpg, '--policy', policy], 1, tooLarge('bomb\\.jpg', 60000, 60000));
  const before = process.memoryUsage().arrayBuffers;
  assert.throws(() => decodeImage(readRegularFile(png, 2 ** 29, 'image'), 'bomb.png'), tooLarge('bomb\\.png', 20000, 20000));
  assert.throws(() => decodeImage(pngClaiming(8000, 5001), 'wide.png'), tooLarge('wide\\.png', 8000, 5001));
  assert.throws(() => decodeImage(jpegClaiming(8000, 5001), 'wide.jpg'), tooLarge('wide\\.jpg', 8000, 5001));
  assert.throws(() => decodeImage(pngClaiming(0, 10), 'empty.png'), /empty\.png: the image is 0x10: it has no pixels/);
  assert.ok(process.memoryUsage().arrayBuffers - before < 16 * 2 ** 20, 'nothing image-sized was allocated');
  assert.ok(statSync(png).size > 1000 && statSync(png).size < 1.2e6);
});

test('a model declaring a huge input is refused before any tensor is allocated', async () => {
  const huge = modelDeclaring('huge-input.onnx', [1, 3, 8000, 8000]);
  assert.ok(statSync(huge).size < 1000, `${statSync(huge).size} bytes`);
  const message = /huge-input\.onnx: input 'x' declares shape \[1, 3, 8000, 8000\], 192,000,000 values per run \(732 MB as float32\); AugLens holds at most 67,108,864 \(256 MB\)/;
  refused(['analyze', '--model', huge, '--image', image, '--policy', policy], 1, message);
  await assert.rejects(loadModel(huge), message);
  const absurd = modelDeclaring('absurd-input.onnx', [1, 3, 100000, 100000]);
  refused(['analyze', '--model', absurd, '--image', image, '--policy', policy], 1, /declares shape \[1, 3, 100000, 100000\], 30,000,000,000 values per run/);
  const batch = modelDeclaring('batch-input.onnx', [512, 3, 224, 224]);
  await assert.rejects(loadModel(batch), /declares shape \[512, 3, 224, 224\], 77,070,336 values per run/);
});
