// Before a run: checks the panel's inputs (images, policies, the model) and builds one engine request per policy,
// failing with the action that fixes the problem; after it: the status line's summary.
import { stat } from 'node:fs/promises';
import * as vscode from 'vscode';
import { PolicyError, lineColumn, parsePolicy } from '../../core/policy';
import type { AnalysisResult } from '../../engine/contract/report';
import type { PanelInputs } from '../../shared/panelInputs';
import { panelAnalyzeParams } from './panelAnalyzeParams';
import type { RunColumn } from './analysisRun';
import { ActionableError, errorMessage } from '../common/actionableError';
import type { ModelInspector } from '../modelFile/modelInspector';
import { readSettings } from '../common/settings';

/**
 * One engine request per policy (two when comparing); `parameters` adds the gradient noise on the model's parameters.
 * Throws an ActionableError naming the fix.
 */
export async function prepareRun(model: vscode.Uri, inputs: PanelInputs, inspector: ModelInspector, parameters = false): Promise<RunColumn[]> {
  if (inputs.images.length === 0) throw new ActionableError('pick at least one sample image first.', ['pickImages']);
  const policies = inputs.compare ? inputs.policies : [inputs.policies[0]];
  policies.forEach((policy, i) => checkPolicy(policy, inputs.compare ? (i === 0 ? 'policy A' : 'policy B') : 'the policy'));
  const paths = inputs.images.map((ref) => vscode.Uri.parse(ref.uri).fsPath);
  for (const [i, path] of paths.entries()) {
    const exists = await stat(path).then((s) => s.isFile(), () => false);
    if (!exists) throw new ActionableError(`the sample image ${inputs.images[i].label} no longer exists.`, ['pickImages']);
  }
  let inputSize: readonly [number, number] | null;
  try {
    inputSize = (await inspector.inspect(model)).inputSize;
  } catch (error) {
    throw new ActionableError(errorMessage(error), ['showLog']);
  }
  const settings = readSettings();
  const labels = inputs.images.map((i) => i.label);
  return policies.map((policy) => ({
    params: panelAnalyzeParams({ modelPath: model.fsPath, imagePaths: paths, policy, inputs, modelInputSize: inputSize, settings, parameters }),
    labels,
  }));
}

function checkPolicy(policy: string, name: string): void {
  try {
    parsePolicy(policy);
  } catch (error) {
    if (!(error instanceof PolicyError)) throw error;
    const { line, column } = lineColumn(policy, error.span.start);
    throw new ActionableError(`${name} has an error at line ${line}, column ${column}: ${error.message}`, ['editPolicy']);
  }
}

/** "Done in 1.2 s: E[loss] 0.0149, Std[loss] 0.0939, exact with 50 forward passes." (of the first image) */
export function doneText(results: readonly AnalysisResult[], elapsedMs: number): string {
  const seconds = (elapsedMs / 1000).toFixed(1);
  const first = results[0]?.report.images[0]?.model;
  if (!first) return `Done in ${seconds} s.`;
  const n = (v: number) => Number(v.toPrecision(3)).toString();
  const count = results[0].report.images.length;
  const more = count > 1 ? ` (first image; ${count} images in the table)` : '';
  return `Done in ${seconds} s: E[loss] ${n(first.expectedLoss)}, Std[loss] ${n(first.stdLoss)}, ${first.method} with ${first.forwardPasses} forward passes${more}.`;
}
