// package.json's settings, the policy-file schema and the README follow src/shared/presets.ts and
// src/shared/analysisLimits.ts: a value changed in one place only fails here.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { test } from 'node:test';
import { ANALYSIS_LIMITS, DIAGNOSTICS_PARAMETERS_DEFAULT, IMAGE_SIDE, describeRange, inRange, isImageSize, type AnalysisParameter } from '../../../src/shared/analysisLimits';
import { AUTO_PRESET_DESCRIPTION, CHANNEL_ORDERS, PRESET_CHOICES, PRESET_DESCRIPTIONS, PRESET_NAMES } from '../../../src/shared/presets';

const ROOT = resolve(__dirname, '../../..');
const readJson = (path: string) => JSON.parse(readFileSync(resolve(ROOT, path), 'utf8'));

interface Setting {
  type: string;
  default: unknown;
  minimum?: number;
  maximum?: number;
  enum?: unknown[];
  enumDescriptions?: string[];
}

function settings(): Record<string, Setting> {
  const sections: { properties: Record<string, Setting> }[] = readJson('package.json').contributes.configuration;
  return Object.assign({}, ...sections.map((s) => s.properties));
}

const SETTING_OF: Readonly<Record<AnalysisParameter, string | null>> = {
  tolerance: 'auglens.analysis.tolerance',
  confidence: 'auglens.analysis.confidence',
  topK: 'auglens.analysis.topK',
  forwardBudget: 'auglens.analysis.forwardBudget',
  maxDraws: null,
  monteCarloSamples: 'auglens.analysis.monteCarloSamples',
  seed: 'auglens.analysis.seed',
  threads: 'auglens.engine.threads',
};

test("package.json's analysis settings have the module's default, minimum, maximum and type", () => {
  const all = settings();
  for (const [name, key] of Object.entries(SETTING_OF) as [AnalysisParameter, string | null][]) {
    if (key === null) continue;
    const range = ANALYSIS_LIMITS[name];
    const setting = all[key];
    assert.ok(setting, `${key} is missing from package.json`);
    assert.deepEqual(
      { type: setting.type, default: setting.default, minimum: setting.minimum, maximum: setting.maximum },
      { type: range.integer ? 'integer' : 'number', default: range.default, minimum: range.min, maximum: range.max },
      key,
    );
  }
});

test("package.json's diagnostics parameter-gradient switch is a boolean with the module's default", () => {
  const setting = settings()['auglens.diagnostics.parameters'];
  assert.deepEqual({ type: setting?.type, default: setting?.default }, { type: 'boolean', default: DIAGNOSTICS_PARAMETERS_DEFAULT });
});

test("package.json's default preprocessing offers the presets, described as the module describes them", () => {
  const setting = settings()['auglens.preprocessing.default'];
  assert.equal(setting.default, 'auto');
  assert.deepEqual(setting.enum, [...PRESET_CHOICES]);
  assert.deepEqual(setting.enumDescriptions, [AUTO_PRESET_DESCRIPTION, ...PRESET_NAMES.map((n) => PRESET_DESCRIPTIONS[n])]);
});

test("the policy-file schema's presets and channel orders are the module's", () => {
  const schema = readJson('schemas/auglens.schema.json');
  assert.deepEqual(schema.definitions.preset.enum, [...PRESET_NAMES]);
  assert.deepEqual(schema.definitions.preset.markdownEnumDescriptions, PRESET_NAMES.map((n) => PRESET_DESCRIPTIONS[n]));
  const explicit = schema.properties.preprocessing.oneOf[1].properties;
  assert.deepEqual(explicit.channels.enum, [...CHANNEL_ORDERS]);
});

test("the policy-file schema's size takes the module's image sides, which hold the pixel limit too", () => {
  const [square, pair] = readJson('schemas/auglens.schema.json').properties.size.oneOf;
  for (const side of [square, pair.items]) assert.deepEqual([side.minimum, side.maximum], [IMAGE_SIDE.min, IMAGE_SIDE.max]);
  assert.ok(isImageSize(IMAGE_SIDE.min, IMAGE_SIDE.max) && isImageSize(4096, 4096));
  assert.ok(!isImageSize(IMAGE_SIDE.max, IMAGE_SIDE.max), '8192 x 8192 is past the 40-megapixel limit');
  assert.ok(!isImageSize(0, 8) && !isImageSize(8, IMAGE_SIDE.max + 1) && !isImageSize(8.5, 8) && !isImageSize('8', 8));
});

test("the README's --preprocess line names every preset, in order", () => {
  const line = readFileSync(resolve(ROOT, 'README.md'), 'utf8').split('\n').find((l) => l.startsWith('- `--preprocess` is one of'));
  assert.ok(line, 'the README has no --preprocess line');
  const named = [...line.split(' (')[0].matchAll(/`([^`]+)`/g)].map((m) => m[1]).slice(1);
  assert.deepEqual(named, [...PRESET_NAMES]);
});

test("the README's option ranges are the module's", () => {
  const readme = readFileSync(resolve(ROOT, 'README.md'), 'utf8').replace(/\s+/g, ' ');
  const OPTION_OF: Readonly<Record<Exclude<AnalysisParameter, 'threads'>, string>> = {
    tolerance: '--tolerance',
    confidence: '--confidence',
    topK: '--top-k',
    forwardBudget: '--budget',
    maxDraws: '--max-draws',
    monteCarloSamples: '--mc',
    seed: '--seed',
  };
  for (const [name, option] of Object.entries(OPTION_OF) as [AnalysisParameter, string][]) {
    const { min, max } = ANALYSIS_LIMITS[name];
    assert.ok(readme.includes(`\`${option}\` ${min} to ${max}`), `README: ${option} ${min} to ${max}`);
  }
});

test('every default is inside its own range, and the bounds are inclusive', () => {
  for (const name of Object.keys(ANALYSIS_LIMITS) as AnalysisParameter[]) {
    const { default: value, min, max, integer } = ANALYSIS_LIMITS[name];
    assert.ok(inRange(name, value), `${name} default ${value}`);
    assert.ok(inRange(name, min) && inRange(name, max), name);
    assert.ok(!inRange(name, max * 2 + 1) && !inRange(name, min - 1), name);
    if (integer) assert.ok(!inRange(name, min + 0.5), name);
  }
  assert.ok(!inRange('tolerance', Number.NaN) && !inRange('tolerance', '0.01'));
  assert.equal(describeRange('tolerance'), 'a number from 0.000001 to 0.5');
  assert.equal(describeRange('topK'), 'an integer from 0 to 64');
});
