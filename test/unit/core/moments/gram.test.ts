import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compilePolicy } from '../../../../src/core/augment/compile';
import { outcomes, pointMixture } from '../../../../src/core/augment/mixture';
import { outcomeGram } from '../../../../src/core/moments/gram';
import { commonCore } from '../../../../src/core/moments/gramCore';
import { compose, crop, hflip, vflip } from './specs';
import { randomImage } from './bruteForce';

test('outcome Gram: mirrored families reuse the blocks of their sources and equal the brute-force inner products', () => {
  const img = randomImage(3, 9, 11, 21);
  for (const policy of [compose(crop(7, 1), hflip()), compose(crop(6, 2, 'reflect'), hflip(0.3), vflip()), compose(hflip(), crop(8, 1))]) {
    const m = compilePolicy(policy, img).lift(pointMixture(img));
    const { gram, size } = outcomeGram(m);
    const list = [...outcomes(m)].map((o) => o.image.data);
    assert.equal(size, list.length);
    for (let i = 0; i < size; i++) {
      for (let j = 0; j < size; j++) {
        const dot = list[i].reduce((s, v, t) => s + v * list[j][t], 0);
        assert.ok(Math.abs(gram[i * size + j] - dot) < 1e-9 * Math.max(1, Math.abs(dot)), `${i}, ${j}: ${gram[i * size + j]} vs ${dot}`);
      }
    }
  }
});

test('outcome Gram with thin margins (the core by transform, the frame by prefix sums) equals brute force', () => {
  const img = randomImage(3, 20, 20, 8);
  for (const policy of [compose(crop(20, 2), hflip()), compose(crop(18, 1, 'edge'), vflip(0.3)), compose(hflip(0.3), crop(17), vflip())]) {
    const m = compilePolicy(policy, img).lift(pointMixture(img));
    for (const f of m.families) {
      const core = commonCore(f.offsets, m.shape);
      assert.ok(core && (core.y1 - core.y0) * (core.x1 - core.x0) >= 0.5 * m.shape.height * m.shape.width, 'the core route is taken');
    }
    const { gram, size } = outcomeGram(m);
    const list = [...outcomes(m)].map((o) => o.image.data);
    for (let i = 0; i < size; i++) {
      for (let j = 0; j < size; j++) {
        const dot = list[i].reduce((s, v, t) => s + v * list[j][t], 0);
        assert.ok(Math.abs(gram[i * size + j] - dot) < 1e-9 * Math.max(1, Math.abs(dot)), `${i}, ${j}: ${gram[i * size + j]} vs ${dot}`);
      }
    }
  }
});
