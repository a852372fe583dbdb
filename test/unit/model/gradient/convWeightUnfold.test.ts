import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRng } from '../../../../src/core/rng';
import { GraphGradient } from '../../../../src/model/gradient/graphGradient';
import { attr, TestGraph } from './models';
import { initializerValues } from './parameterModels';

/**
 * An ungrouped Conv's weight and bias gradients (the input unfolded axis by axis: the first axis gathered, the others
 * sliced) against the direct sums dW[m, c, t] = sum_{n, q} r[n, m, q] Xpad[n, c, q s + t d], dB[m] = sum_{n, q} r[n, m, q],
 * for dilated, strided and padded windows of one to three spatial axes. One item per run: a model fixed to batch 2
 * pads the second row with a zero cotangent (the backward graph then sums over the batch).
 */

interface Case {
  readonly name: string;
  readonly input: readonly number[];
  readonly filters: number;
  readonly kernel: readonly number[];
  readonly strides: readonly number[];
  readonly dilations: readonly number[];
  readonly padBegin: readonly number[];
  readonly padEnd: readonly number[];
}

const CASES: readonly Case[] = [
  { name: 'dilated first axis, strided second', input: [1, 3, 9, 8], filters: 4, kernel: [3, 2], strides: [1, 2], dilations: [2, 1], padBegin: [1, 0], padEnd: [2, 1] },
  { name: 'one strided tap on the first axis', input: [1, 2, 7, 6], filters: 3, kernel: [1, 3], strides: [2, 1], dilations: [1, 1], padBegin: [0, 1], padEnd: [0, 1] },
  { name: 'one spatial axis (no gather)', input: [1, 2, 11], filters: 3, kernel: [3], strides: [2], dilations: [2], padBegin: [1], padEnd: [0] },
  { name: 'three spatial axes, one tap on the first', input: [1, 2, 3, 5, 4], filters: 2, kernel: [1, 3, 2], strides: [1, 1, 2], dilations: [1, 2, 1], padBegin: [0, 1, 0], padEnd: [0, 1, 1] },
  { name: 'three spatial axes, batch of two', input: [2, 2, 5, 4, 6], filters: 2, kernel: [2, 2, 3], strides: [1, 2, 1], dilations: [2, 1, 1], padBegin: [0, 1, 1], padEnd: [1, 0, 1] },
];

const outSize = (c: Case): number[] =>
  c.kernel.map((k, i) => Math.floor((c.input[i + 2] + c.padBegin[i] + c.padEnd[i] - ((k - 1) * c.dilations[i] + 1)) / c.strides[i]) + 1);

function rowMajor(sizes: readonly number[]): number[][] {
  return sizes.reduce<number[][]>((acc, k) => acc.flatMap((t) => Array.from({ length: k }, (_, i) => [...t, i])), [[]]);
}

function directGradients(c: Case, x: Float32Array, r: Float32Array): { weight: Float64Array; bias: Float64Array } {
  const [, channels, ...size] = c.input;
  const out = outSize(c);
  const taps = rowMajor(c.kernel);
  const positions = rowMajor(out);
  const plane = size.reduce((a, v) => a * v, 1);
  const weight = new Float64Array(c.filters * channels * taps.length);
  const bias = new Float64Array(c.filters);
  for (let m = 0; m < c.filters; m++) {
    positions.forEach((q, qi) => {
      const dy = r[m * positions.length + qi];
      bias[m] += dy;
      taps.forEach((t, ti) => {
        const at = q.map((qa, a) => qa * c.strides[a] + t[a] * c.dilations[a] - c.padBegin[a]);
        if (at.some((v, a) => v < 0 || v >= size[a])) return;
        const flat = at.reduce((f, v, a) => f * size[a] + v, 0);
        for (let ch = 0; ch < channels; ch++) weight[(m * channels + ch) * taps.length + ti] += dy * x[ch * plane + flat];
      });
    });
  }
  return { weight, bias };
}

for (const c of CASES) {
  test(`Conv weight gradient, ${c.name}: the direct sums`, async () => {
    const t = new TestGraph(c.input);
    const w = t.weight([c.filters, c.input[1], ...c.kernel]);
    const b = t.weight([c.filters]);
    const y = t.op('Conv', ['x', w, b], {
      strides: attr.ints(c.strides),
      dilations: attr.ints(c.dilations),
      pads: attr.ints([...c.padBegin, ...c.padEnd]),
    });
    const model = t.build(y, 13);
    const rng = createRng(7);
    const x = Float32Array.from({ length: c.input.slice(1).reduce((n, d) => n * d, 1) }, () => 2 * rng.next() - 1);
    const r = Float32Array.from({ length: c.filters * outSize(c).reduce((n, d) => n * d, 1) }, () => 2 * rng.next() - 1);
    const gg = await GraphGradient.create(model, { inputName: 'x', outputName: y, inputDtype: 'float32', inputDims: c.input, dynamicBatch: false, parameters: true });
    try {
      const { gradients } = await gg.parameterVjp(x, () => r);
      const names = gg.parameters.map((p) => p.name);
      const direct = directGradients(c, x, r);
      assert.equal(initializerValues(model, w).length, direct.weight.length);
      for (const [name, expected] of [
        [w, direct.weight],
        [b, direct.bias],
      ] as const) {
        const got = gradients[names.indexOf(name)];
        assert.equal(got.length, expected.length, name);
        const scale = Math.max(1, ...expected.map(Math.abs));
        expected.forEach((e, i) => assert.ok(Math.abs(got[i] - e) <= 1e-5 * scale, `${name}[${i}]: ${got[i]} vs ${e}`));
      }
    } finally {
      await gg.release();
    }
  });
}
