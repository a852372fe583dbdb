import { test } from 'node:test';
import assert from 'node:assert/strict';
import { padImage } from '../../../../src/core/augment/pad';
import { imageMoments } from '../../../../src/core/moments/imageMoments';
import { parsePolicy } from '../../../../src/core/policy';
import type { Padding, PaddingMode } from '../../../../src/core/policy/types';
import { runPython, torchvisionOracle } from '../io/python';
import { maxAbsDiff, randomImage } from './bruteForce';

/**
 * Edge, reflect and symmetric padding against torchvision's own tensor ops, independently of AugLens' enumeration:
 * F.pad on the image, and RandomCrop's exact per-pixel mean and variance against the average over every window of
 * the image RandomCrop.forward itself padded (its get_params is replaced to hand back the padded tensor).
 */
const oracle = torchvisionOracle();
const img = randomImage(3, 5, 6, 41);
const MODES: PaddingMode[] = ['edge', 'reflect', 'symmetric'];
const PADS: Padding[] = [
  [1, 1, 1, 1],
  [2, 0, 3, 1],
  [0, 4, 5, 2],
];
const CROPS = [
  'T.RandomCrop(4, padding=2, padding_mode="MODE")',
  'T.RandomCrop((3, 5), padding=(1, 3), padding_mode="MODE")',
  'T.RandomCrop(9, pad_if_needed=True, padding_mode="MODE")',
  'T.RandomCrop((7, 8), padding=(1, 0, 2, 1), pad_if_needed=True, padding_mode="MODE")',
];

const SCRIPT = `
import json, sys
import torch
import torchvision.transforms as T
import torchvision.transforms.functional as F

job = json.loads(sys.argv[1])
img = torch.tensor(job['image'], dtype=torch.float32).reshape(job['shape'])
pads = [F.pad(img, p['padding'], padding_mode=p['mode']).flatten().tolist() for p in job['pads']]

padded = []
def capture(image, output_size):
    padded.append(image)
    return 0, 0, output_size[0], output_size[1]
T.RandomCrop.get_params = staticmethod(capture)

crops = []
for text in job['crops']:
    crop = eval(text)
    crop(img)
    source = padded.pop()
    th, tw = crop.size
    windows = torch.stack([source[:, i:i + th, j:j + tw].double()
                           for i in range(source.shape[1] - th + 1) for j in range(source.shape[2] - tw + 1)])
    crops.append({'mean': windows.mean(0).flatten().tolist(), 'variance': windows.var(0, unbiased=False).flatten().tolist()})
print(json.dumps({'pads': pads, 'crops': crops}))
`;

test('edge, reflect and symmetric padding match torchvision.transforms.functional.pad and RandomCrop', { skip: oracle.skip }, async () => {
  const pads = MODES.flatMap((mode) => PADS.map((padding) => ({ mode, padding })));
  const crops = MODES.flatMap((mode) => CROPS.map((text) => text.replace('MODE', mode)));
  const job = { image: Array.from(img.data), shape: [img.channels, img.height, img.width], pads, crops };
  const out = JSON.parse(runPython(oracle.python(), SCRIPT, [JSON.stringify(job)]).toString('utf8')) as {
    pads: number[][];
    crops: { mean: number[]; variance: number[] }[];
  };
  for (const [i, { mode, padding }] of pads.entries()) {
    const ours = padImage(img, padding, mode, 0);
    assert.equal(ours.data.length, out.pads[i].length, `${mode} ${padding}: size`);
    assert.equal(maxAbsDiff(ours.data, out.pads[i]), 0, `${mode} padding ${JSON.stringify(padding)}`);
  }
  for (const [i, text] of crops.entries()) {
    const m = await imageMoments(img, parsePolicy(text), { topK: 0, tolerance: 0.01 });
    assert.equal(m.pixel.mean.length, out.crops[i].mean.length, `${text}: size`);
    assert.ok(maxAbsDiff(m.pixel.mean, out.crops[i].mean) < 1e-6, `${text}: mean`);
    assert.ok(maxAbsDiff(m.pixel.variance, out.crops[i].variance) < 1e-6, `${text}: variance`);
  }
});
