// The CodeLens above each analysable transform ("AugLens: analyse stability") and the hover with the numbers of
// its last analysis.
import * as vscode from 'vscode';
import type { AnalysisTarget } from '../../../core/python';
import { stabilityMarkdown } from '../resultText';
import { targetKey, type PythonStability } from './pythonStability';

export const ANALYSE_COMMAND = 'auglens.diagnostics.analyse';
export const CANCEL_COMMAND = 'auglens.diagnostics.cancel';
export const LENS_TITLE = 'AugLens: analyse stability';

export class StabilityLenses implements vscode.CodeLensProvider {
  readonly onDidChangeCodeLenses: vscode.Event<void>;

  constructor(private readonly stability: PythonStability) {
    this.onDidChangeCodeLenses = stability.onDidChange;
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    if (!vscode.workspace.isTrusted) return [];
    const targets = this.stability.scan(document).targets;
    const perLine = new Map<number, number>();
    const lineOf = (t: AnalysisTarget) => document.positionAt(t.anchor.start).line;
    for (const t of targets) perLine.set(lineOf(t), (perLine.get(lineOf(t)) ?? 0) + 1);
    return targets.map((target) => {
      const range = new vscode.Range(document.positionAt(target.anchor.start), document.positionAt(target.anchor.end));
      const args = [document.uri.toString(), targetKey(target)];
      const named = perLine.get(lineOf(target))! > 1 ? ` (${target.name})` : '';
      const command: vscode.Command = this.stability.isRunning(document, target)
        ? { title: `AugLens: analysing${named}... (cancel)`, command: CANCEL_COMMAND, arguments: args }
        : { title: `${LENS_TITLE}${named}`, command: ANALYSE_COMMAND, arguments: args, tooltip: `Exact E[loss] and Std[loss] of the model under ${target.policy}` };
      return new vscode.CodeLens(range, command);
    });
  }
}

export class StabilityHover implements vscode.HoverProvider {
  constructor(private readonly stability: PythonStability) {}

  provideHover(document: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    const offset = document.offsetAt(position);
    for (const target of this.stability.scan(document).targets) {
      if (offset < target.anchor.start || offset > target.anchor.end) continue;
      const result = this.stability.resultFor(document, target);
      if (result?.kind !== 'numbers') continue;
      const markdown = stabilityMarkdown(result.numbers, {
        analysed: target.steps,
        leftOut: target.leftOut,
        normalization: target.normalization?.reason ?? null,
        context: result.context.source,
      });
      return new vscode.Hover(new vscode.MarkdownString(markdown), new vscode.Range(document.positionAt(target.anchor.start), document.positionAt(target.anchor.end)));
    }
    return undefined;
  }
}
