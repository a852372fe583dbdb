// The extension's settings (package.json `contributes.configuration`), read and checked: a value outside its range,
// written by hand into settings.json, falls back to the default rather than reaching the engine.
import * as vscode from 'vscode';
import { PRESET_CHOICES, type PresetChoice } from '../shared/panelData';
import { DIVERGING_MAPS, type DisplaySettings, SEQUENTIAL_MAPS } from '../shared/panelProtocol';
import { MAX_MONTE_CARLO_DRAWS } from '../engine/protocol';

export const SETTINGS_SECTION = 'auglens';

export interface AnalysisSettings {
  tolerance: number;
  confidence: number;
  topK: number;
  forwardBudget: number;
  monteCarloSamples: number;
  seed: number;
  /** onnxruntime intra-op threads; undefined lets onnxruntime decide. */
  threads: number | undefined;
  defaultPreprocessing: PresetChoice;
  display: DisplaySettings;
}

type Check = (value: unknown) => boolean;
const between = (lo: number, hi: number, integer = false): Check => (v) =>
  typeof v === 'number' && Number.isFinite(v) && v >= lo && v <= hi && (!integer || Number.isInteger(v));
const oneOf = (options: readonly string[]): Check => (v) => typeof v === 'string' && options.includes(v);

function read<T>(config: vscode.WorkspaceConfiguration, key: string, fallback: T, valid: Check): T {
  const value = config.get<unknown>(key);
  return valid(value) ? (value as T) : fallback;
}

export function readSettings(): AnalysisSettings {
  const c = vscode.workspace.getConfiguration(SETTINGS_SECTION);
  const threads = read(c, 'engine.threads', 0, between(0, 256, true));
  return {
    tolerance: read(c, 'analysis.tolerance', 0.01, between(1e-6, 0.5)),
    confidence: read(c, 'analysis.confidence', 0.95, between(0.5, 0.9999)),
    topK: read(c, 'analysis.topK', 8, between(0, 64, true)),
    forwardBudget: read(c, 'analysis.forwardBudget', 4096, between(16, 10_000_000, true)),
    monteCarloSamples: read(c, 'analysis.monteCarloSamples', 1000, between(0, MAX_MONTE_CARLO_DRAWS, true)),
    seed: read(c, 'analysis.seed', 0, between(0, 2 ** 31 - 1, true)),
    threads: threads === 0 ? undefined : threads,
    defaultPreprocessing: read(c, 'preprocessing.default', 'auto', oneOf(PRESET_CHOICES)),
    display: {
      sequential: read(c, 'display.sequentialColormap', 'viridis', oneOf(SEQUENTIAL_MAPS)),
      diverging: read(c, 'display.divergingColormap', 'rdbu_r', oneOf(DIVERGING_MAPS)),
    },
  };
}

/** Opens the Settings editor on this extension's settings. */
export function openSettings(): Thenable<unknown> {
  return vscode.commands.executeCommand('workbench.action.openSettings', '@ext:auglens.auglens');
}
