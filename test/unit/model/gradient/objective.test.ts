import assert from 'node:assert/strict';
import { test } from 'node:test';
import { crossEntropy, probabilities, type OutputKind } from '../../../../src/core/outputs/classifier';
import { createRng } from '../../../../src/core/rng';
import { objective, type GradientKind } from '../../../../src/model/gradient/objective';

const rng = createRng(23);

/** The value each kind differentiates, computed independently in float64. */
function reference(row: Float64Array, outputKind: OutputKind, kind: GradientKind, t: number): number {
  if (kind === 'loss') return crossEntropy(row, outputKind, t);
  if (kind === 'output') return row[t];
  return probabilities(row, outputKind)[t];
}

for (const outputKind of ['logits', 'probabilities'] as const) {
  for (const kind of ['loss', 'output', 'probability'] as const) {
    test(`objective (${kind} of ${outputKind}): value and cotangent match the reference and its central differences`, () => {
      const raw = Array.from({ length: 6 }, () => 3 * rng.next() - 1.5);
      const row = outputKind === 'logits' ? Float64Array.from(raw) : probabilities(Float64Array.from(raw), 'logits');
      const target = 2;
      const { value, cotangent } = objective(Float32Array.from(row), outputKind, kind, target);
      const f32 = Float64Array.from(Float32Array.from(row));
      assert.ok(Math.abs(value - reference(f32, outputKind, kind, target)) <= 1e-12);
      const h = 1e-6;
      for (let i = 0; i < row.length; i++) {
        const plus = Float64Array.from(f32);
        const minus = Float64Array.from(f32);
        plus[i] += h;
        minus[i] -= h;
        const fd = (reference(plus, outputKind, kind, target) - reference(minus, outputKind, kind, target)) / (2 * h);
        assert.ok(Math.abs(cotangent[i] - fd) <= 1e-6 * Math.max(1, Math.abs(fd)), `d/d row[${i}]: ${cotangent[i]} vs ${fd}`);
      }
    });
  }
}

test('objective rejects a target outside the output', () => {
  assert.throws(() => objective(new Float32Array(3), 'logits', 'loss', 3), /target 3 is not an output index/);
});
