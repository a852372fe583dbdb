// The extension's settings (package.json `contributes.configuration`), read and checked: a value outside its range,
// written by hand into settings.json, falls back to the default rather than reaching the engine.
import * as vscode from 'vscode';
import { ANALYSIS_LIMITS, inRange, type AnalysisParameter } from '../../shared/analysisLimits';
import { DIVERGING_MAPS, type DisplaySettings, SEQUENTIAL_MAPS } from '../../shared/panelProtocol';
import { PRESET_CHOICES, type PresetChoice } from '../../shared/presets';

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
const oneOf = (options: readonly string[]): Check => (v) => typeof v === 'string' && options.includes(v);

function read<T>(config: vscode.WorkspaceConfiguration, key: string, fallback: T, valid: Check): T {
  const value = config.get<unknown>(key);
  return valid(value) ? (value as T) : fallback;
}

export function readSettings(): AnalysisSettings {
  const c = vscode.workspace.getConfiguration(SETTINGS_SECTION);
  const parameter = (key: string, name: AnalysisParameter): number => read(c, key, ANALYSIS_LIMITS[name].default, (v) => inRange(name, v));
  const threads = parameter('engine.threads', 'threads');
  return {
    tolerance: parameter('analysis.tolerance', 'tolerance'),
    confidence: parameter('analysis.confidence', 'confidence'),
    topK: parameter('analysis.topK', 'topK'),
    forwardBudget: parameter('analysis.forwardBudget', 'forwardBudget'),
    monteCarloSamples: parameter('analysis.monteCarloSamples', 'monteCarloSamples'),
    seed: parameter('analysis.seed', 'seed'),
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
