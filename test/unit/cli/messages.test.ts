// The CLI's messages for bad input: what the user reads and the exit code. Checks that need no engine call
// parseCommandLine; the others run the CLI bundle as a child process.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { before, describe, it } from 'node:test';
import { crc32, deflateSync } from 'node:zlib';
import { build, type BuildOptions } from 'esbuild';
import { parseCommandLine, UsageError } from '../../../src/cli/args';
import { PolicyInputError } from '../../../src/cli/policyCheck';
import { imageToPng } from '../../../src/core/io/encode';
import { randomImage } from '../core/moments/bruteForce';
import { TestGraph } from '../model/gradient/models';
import { FIXTURES, fixtureModel, fixturesMissing, tempDir, writeModel } from '../model/fixtures';

const root = resolve(__dirname, '../../..');
const outDir = join(root, 'out', 'test-messages');
const dir = tempDir();

before(async () => {
  const common: BuildOptions = { bundle: true, platform: 'node', format: 'cjs', external: ['onnxruntime-node'], logLevel: 'silent' };
  await build({ ...common, entryPoints: [join(root, 'src/cli/main.ts')], outfile: join(outDir, 'cli.js') });
  await build({ ...common, entryPoints: [join(root, 'src/engine/main.ts')], outfile: join(outDir, 'engine.js') });
});

function auglens(...args: string[]) {
  const r = spawnSync(process.execPath, [join(outDir, 'cli.js'), ...args], { encoding: 'utf8', cwd: dir });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const file = (name: string, content: string | Uint8Array): string => {
  writeFileSync(join(dir, name), content);
  return name;
};

/** The error parseCommandLine throws for these options after `analyze --model m.onnx --image a.png`. */
function rejection(...options: string[]): Error {
  try {
    parseCommandLine(['analyze', '--model', 'm.onnx', '--image', 'a.png', ...options], readIn, (p) => [p]);
  } catch (e) {
    return e as Error;
  }
  assert.fail(`accepted: ${options.join(' ')}`);
}

const readIn = (path: string): string => readFileSync(join(dir, path), 'utf8');

describe('policy errors carry their position', () => {
  it('inline: --policy:LINE:COLUMN and a caret line under the offending text', () => {
    const e = rejection('--policy', 'Compose([RandomCrop(8, padding=2),\n  RandomHorizontalFlip(p=2)])');
    assert.ok(e instanceof PolicyInputError);
    assert.equal(e.message, "--policy:2:26: RandomHorizontalFlip: argument 'p' must be a probability in [0, 1], got 2");
    assert.equal(e.frame, '    RandomHorizontalFlip(p=2)])\n                           ^');
  });

  it('a policy file is named by its path, with Windows line ends and a byte-order mark', () => {
    const path = file('policy.txt', '\ufeffRandomCrop(8)\r\nRandomFlip()\r\n');
    const e = rejection('--policy', `@${path}`);
    assert.ok(e instanceof PolicyInputError);
    assert.match(e.message, /^policy\.txt:2:1: unknown transform 'RandomFlip'/);
    assert.equal(e.frame, '  RandomFlip()\n  ^^^^^^^^^^');
  });

  it('a leading byte-order mark is dropped from a policy file, not reported', () => {
    const path = file('bom.txt', '\ufeffRandomCrop(8)');
    const cmd = parseCommandLine(['moments', '--image', 'a.png', '--policy', `@${path}`], readIn, (p) => [p]);
    assert.equal(cmd.params.policy, 'RandomCrop(8)');
  });

  it('a NUL is shown escaped, in the message and in the frame', () => {
    const e = rejection('--policy', `@${file('nul.txt', 'RandomCrop(8)\0')}`);
    assert.ok(e instanceof PolicyInputError);
    assert.equal(e.message, "nul.txt:1:14: syntax error: unexpected character '\\x00'");
    assert.equal(e.frame, '  RandomCrop(8)\\x00\n               ^^^^');
  });

  it('a 100 kB identifier is echoed in 80 characters; the frame is a window of the line', () => {
    const e = rejection('--policy', `@${file('long.txt', `RandomCrop(8); ${'A'.repeat(100_000)}()`)}`);
    assert.ok(e instanceof PolicyInputError);
    assert.match(e.message, /^long\.txt:1:16: unknown transform 'A{77}\.\.\.'; supported: /);
    assert.ok(e.message.length < 600);
    const [line, carets] = e.frame.split('\n');
    assert.equal(line, `  RandomCrop(8); ${'A'.repeat(65)}...`);
    assert.equal(carets, `  ${' '.repeat(15)}${'^'.repeat(65)}`);
  });

  it('a 5,000-deep policy is a nesting error, not a stack overflow; the frame starts 20 columns before it', () => {
    const text = `${'Compose(['.repeat(5000)}RandomCrop(8)${'])'.repeat(5000)}`;
    const e = rejection('--policy', `@${file('deep.txt', text)}`);
    assert.ok(e instanceof PolicyInputError);
    assert.equal(e.message, 'deep.txt:1:451: syntax error: the policy is nested more than 100 levels deep (brackets, calls or signs)');
    assert.equal(e.frame, `  ...${text.slice(430, 510)}...\n  ${' '.repeat(23)}^^^^^^^`);
  });

  it("float('nan') is named as a non-finite number for its argument, not an unknown transform", () => {
    const e = rejection('--policy', "RandomHorizontalFlip(p=float('nan'))");
    assert.equal(e.message, "--policy:1:24: RandomHorizontalFlip: argument 'p' takes finite numbers: NaN and infinity are not valid values for it, got float('nan')");
  });
});

describe('option values', () => {
  for (const [options, message] of [
    [['--budget', '-1'], '--budget -1 is not a valid value: --budget must be an integer from 16 to 10000000'],
    [['--budget=-1'], '--budget -1 is not a valid value: --budget must be an integer from 16 to 10000000'],
    [['--label', '-1'], '--label -1 is not a valid value: --label must be an integer >= 0 (a class index)'],
    [['--tolerance', '-.5'], '--tolerance -.5 is not a valid value: --tolerance must be a number from 0.000001 to 0.5'],
    [['--mean', ''], "--mean '' has an empty value: give 1 number, or 1 per model channel, separated by commas"],
    [['--std', '0.5,,0.5'], "--std '0.5,,0.5' has an empty value: give 1 number, or 1 per model channel, separated by commas"],
  ] as const) {
    it(`${options.join(' ')}: ${message}`, () => {
      const e = rejection('--policy', 'RandomCrop(8)', ...options);
      assert.ok(e instanceof UsageError);
      assert.equal(e.message, message);
    });
  }

  it('a negative value is still read as a value where one is valid: --seed -3', () => {
    const cmd = parseCommandLine(['moments', '--image', 'a.png', '--policy', 'RandomCrop(8)', '--seed', '-3'], readIn, (p) => [p]);
    assert.equal(cmd.params.seed, -3);
  });
});

/** A PNG with the given IHDR size and an empty image. */
function pngOfSize(width: number, height: number): Uint8Array {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8);
  const rows = Buffer.alloc(height * (1 + 3 * width));
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header), chunk('IDAT', deflateSync(rows)), chunk('IEND', Buffer.alloc(0))]);
}

/** A linear classifier on 1x3x8x8 inputs with `classes` outputs, logits or (`end`) probabilities. */
function classifier(classes: number, end?: 'Softmax'): string {
  const t = new TestGraph([1, 3, 8, 8]);
  const logits = t.op('Gemm', [t.op('Flatten', ['x']), t.weight([192, classes], undefined, 0.1), t.weight([classes])]);
  return writeModel(dir, `classes${classes}${end ?? ''}.onnx`, t.build(end ? t.op(end, [logits]) : logits, 13));
}

describe('the CLI: exit codes and what it prints', () => {
  const image = file('photo.png', imageToPng(randomImage(3, 8, 8, 3)));

  it('a policy error exits 1 with the position and the caret line on stderr', () => {
    const r = auglens('moments', '--image', image, '--policy', 'RandomCrop(8); RandomCrap(8)');
    assert.equal(r.code, 1, r.stderr);
    const [first, source, carets] = r.stderr.split('\n');
    assert.match(first, /^auglens: error: --policy:1:16: unknown transform 'RandomCrap' \(did you mean RandomCrop\?\)/);
    assert.equal(source, '  RandomCrop(8); RandomCrap(8)');
    assert.equal(carets, `  ${' '.repeat(15)}^^^^^^^^^^`);
  });

  it('--budget -1 exits 2 with the accepted values', () => {
    const r = auglens('analyze', '--model', 'm.onnx', '--image', image, '--policy', 'RandomCrop(8)', '--budget', '-1');
    assert.equal(r.code, 2, r.stderr);
    assert.equal(r.stderr.split('\n')[0], 'auglens: error: --budget -1 is not a valid value: --budget must be an integer from 16 to 10000000');
  });

  it('any error line is printed with invisible characters escaped and at most 1,000 characters', () => {
    const r = auglens('analyze', '--model', 'm.onnx', '--image', image, '--policy', 'RandomCrop(8)', '--channels', `\u001b[2J${'y'.repeat(100_000)}`);
    assert.equal(r.code, 2, r.stderr);
    const first = r.stderr.split('\n')[0];
    assert.equal(first, `auglens: error: --channels \\x1b[2J${'y'.repeat(1000 - '--channels \\x1b[2J'.length - 3)}...`);
  });

  it('a PNG without pixels is an error (exit 1), not NaN moments', () => {
    for (const [width, height] of [[0, 5], [5, 0]]) {
      const r = auglens('moments', '--image', file('empty.png', pngOfSize(width, height)), '--policy', 'RandomHorizontalFlip()');
      assert.equal(r.code, 1, r.stdout);
      assert.equal(r.stderr.split('\n')[0], `auglens: error: empty.png: the image is ${width}x${height}: it has no pixels`);
    }
  });

  it('a one-output model: the summary warns that loss and flip rate are trivially 0; --json warns on stderr', () => {
    const model = classifier(1);
    const r = auglens('analyze', '--model', model, '--image', image, '--policy', 'RandomHorizontalFlip()', '--mc', '0');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /E\[loss\] = 0, Std\[loss\] = 0/);
    assert.match(r.stdout, /\nwarning: the model has a single output, so its class probability is the constant 1: E\[loss\], Std\[loss\], the flip rate and the KL are 0/);
    const json = auglens('analyze', '--model', model, '--image', image, '--policy', 'RandomHorizontalFlip()', '--mc', '0', '--json');
    assert.equal(json.code, 0, json.stderr);
    assert.match(json.stderr, /^auglens: warning: the model has a single output/m);
    assert.deepEqual(JSON.parse(json.stdout).images[0].model.warnings, [
      'the model has a single output, so its class probability is the constant 1: E[loss], Std[loss], the flip rate and the KL are 0 under any augmentation and say nothing about its stability',
    ]);
  });

  it('a saturated softmax (mnist-8 fed 0..255 pixels, as its metadata says) is warned about; on [0, 1] it is not', { skip: fixturesMissing }, () => {
    const mnist = ['analyze', '--model', fixtureModel('mnist-8.onnx'), '--image', join(FIXTURES, 'images', 'mnist_28.png'), '--policy', 'RandomCrop(28, padding=2)', '--mc', '0'];
    const saturated = auglens(...mnist);
    assert.equal(saturated.code, 0, saturated.stderr);
    assert.match(saturated.stdout, /E\[loss\] = 0, Std\[loss\] = 0/);
    assert.match(saturated.stdout, /\nwarning: the softmax is saturated: the target class has probability 1 to double precision on every augmented image/);
    const unit = auglens(...mnist, '--preprocess', 'unit');
    assert.equal(unit.code, 0, unit.stderr);
    assert.doesNotMatch(unit.stdout, /saturated/);
  });

  it('a one-output model ending in Softmax (probabilities) gets the same warning', () => {
    const r = auglens('analyze', '--model', classifier(1, 'Softmax'), '--image', image, '--policy', 'RandomHorizontalFlip()', '--mc', '0');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /model: .*, probabilities: /);
    assert.match(r.stdout, /\nwarning: the model has a single output, so its class probability is the constant 1/);
  });

  it('gray on a 3-channel model is said; a 4-class model gets no single-output warning', () => {
    const r = auglens('analyze', '--model', classifier(4), '--image', image, '--policy', 'RandomHorizontalFlip()', '--mc', '0', '--channels', 'gray');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /\nnote: channel order gray on a 3-channel model input: the image's luma is fed to all 3 channels/);
    assert.doesNotMatch(r.stdout, /single output/);
  });
});
