import assert from 'node:assert/strict';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { classLabels, LabelsError, readLabelsFile } from '../../../../src/engine/dataset/classLabels';
import { byCodePoint, isImageFolder, listDataset } from '../../../../src/engine/dataset/imageFolder';
import { parseShard, shardOf } from '../../../../src/engine/dataset/shard';
import { tempDir } from '../../model/fixtures';

const dir = tempDir();

function files(root: string, paths: readonly string[]): string {
  for (const p of paths) {
    mkdirSync(join(root, p, '..'), { recursive: true });
    writeFileSync(join(root, p), 'x');
  }
  return root;
}

test('ImageFolder: classes sorted by code point with their index, images found at any depth in os.walk order, other files left out', () => {
  const root = files(join(dir, 'folder'), [
    'b/2.png', 'b/10.JPG', 'b/notes.txt', 'b/sub/1.webp', 'b/sub-a/0.png', 'B/0.jpeg', 'a/z.tiff', 'Z/0.bmp',
  ]);
  mkdirSync(join(root, 'empty'));
  symlinkSync(join(root, 'a'), join(root, 'a/loop'));
  const listing = listDataset(root);
  assert.equal(listing.layout, 'imageFolder');
  assert.ok(isImageFolder(root));
  // The empty class keeps its index (allow_empty=True); the link back to 'a' is walked once (os.walk would loop).
  assert.deepEqual(listing.classes, ['B', 'Z', 'a', 'b', 'empty']);
  // What torchvision 0.14's find_classes and make_dataset(extensions=IMG_EXTENSIONS) return on this folder without
  // 'empty' and the link (run once with Debian's python3-torchvision).
  assert.deepEqual(
    listing.images.map((i) => `${i.path} ${i.className}`),
    ['B/0.jpeg B', 'Z/0.bmp Z', 'a/z.tiff a', 'b/10.JPG b', 'b/2.png b', 'b/sub/1.webp b', 'b/sub-a/0.png b'],
  );
});

test('a folder with images of its own is plain: those images, no classes, sub-folders ignored', () => {
  const root = files(join(dir, 'plain'), ['b.png', 'a.jpg', 'cls/c.png']);
  assert.equal(isImageFolder(root), false);
  const listing = listDataset(root);
  assert.equal(listing.layout, 'plain');
  assert.deepEqual(listing.classes, []);
  assert.deepEqual(listing.images, [{ path: 'a.jpg', className: null }, { path: 'b.png', className: null }]);
  mkdirSync(join(dir, 'nothing'));
  assert.throws(() => listDataset(join(dir, 'nothing')), /holds no images and no class folders/);
});

test('--labels: a synset list (first token per line, line = index) or a JSON object; every class needs one', () => {
  const synsets = join(dir, 'synsets.txt');
  writeFileSync(synsets, 'n01440764 tench, Tinca tinca\nn01443537 goldfish\nn01484850,great white shark\n');
  const labels = readLabelsFile(synsets);
  assert.deepEqual([...labels], [['n01440764', 0], ['n01443537', 1], ['n01484850', 2]]);
  assert.deepEqual(classLabels(['n01443537', 'n01484850'], labels), [{ name: 'n01443537', label: 1 }, { name: 'n01484850', label: 2 }]);
  assert.deepEqual(classLabels(['x', 'y']), [{ name: 'x', label: 0 }, { name: 'y', label: 1 }]);
  assert.throws(() => classLabels(['n01443537', 'cat', 'dog'], labels), /2 class folders have no entry in the labels file: cat, dog/);
  const json = join(dir, 'labels.json');
  writeFileSync(json, '{"cat": 3, "dog": 5}');
  assert.deepEqual(classLabels(['cat', 'dog'], readLabelsFile(json)), [{ name: 'cat', label: 3 }, { name: 'dog', label: 5 }]);
  writeFileSync(json, '{"cat": -1}');
  assert.throws(() => readLabelsFile(json), LabelsError);
  writeFileSync(synsets, 'a\n\nb\n');
  assert.throws(() => readLabelsFile(synsets), /:2: empty line/);
  writeFileSync(synsets, 'a\nb\na x\n');
  assert.throws(() => readLabelsFile(synsets), /:3: 'a' is also on line 1/);
});

test('shards: SHA-1 of the path, stable when files are added, every image in exactly one shard, evenly spread', () => {
  // SHA-1 test vectors (FIPS 180): "" da39a3ee5e6b..., "abc" a9993e364706...; the first 48 bits taken.
  const whole = 2 ** 48;
  assert.equal(shardOf('', whole), 0xda39a3ee5e6b);
  assert.equal(shardOf('abc', whole), 0xa9993e364706);
  const before = Array.from({ length: 200 }, (_, i) => `class${i % 7}/img${i}.png`);
  const after = [...before, ...Array.from({ length: 300 }, (_, i) => `class${i % 9}/new${i}.jpg`)].sort();
  for (const count of [2, 3, 8]) {
    const first = new Map(before.map((p) => [p, shardOf(p, count)]));
    for (const p of after) if (first.has(p)) assert.equal(shardOf(p, count), first.get(p), `${p} moved shard`);
    const sizes = Array.from({ length: count }, (_, s) => after.filter((p) => shardOf(p, count) === s).length);
    assert.equal(sizes.reduce((a, b) => a + b, 0), after.length);
    for (const size of sizes) assert.ok(Math.abs(size - after.length / count) < 4 * Math.sqrt(after.length / count), `unbalanced shards ${sizes}`);
  }
  assert.deepEqual(parseShard('3/4'), { index: 3, count: 4 });
  assert.throws(() => parseShard('4/4'), /less than 4/);
  assert.throws(() => parseShard('1-4'), /must be I\/N/);
});

test("names sort in code-point order (Python's), not UTF-16 order, also past the surrogates", () => {
  const names = ['b', 'B', 'a\u{1F600}', 'a\uFF01', 'a\uE000', 'a\uD7FF', 'a', 'ab', 'é', 'a\u{10000}'];
  const utf8 = [...names].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));
  assert.deepEqual([...names].sort(byCodePoint), utf8);
  assert.notDeepEqual([...names].sort(), utf8, 'the default sort differs here');
});
