// Diagnostics on torchvision transforms in Python files: a hint where a transform cannot be read, and after an
// analysis an Information or Warning diagnostic with its Std[loss]. Results are kept per (transform, model, images):
// editing a transform, changing the model, an image or the policy file makes its old numbers disappear, and the
// transforms the user analysed in an open file are analysed again in the background.
import * as vscode from 'vscode';
import { scanPython, type AnalysisTarget, type PythonScan } from '../../../core/python';
import type { ContextResolver, AnalysisContext } from '../analysisContext';
import { diagnosticAnalyzeParams, type AnalysisRunner, type RunOutcome } from '../analysisRunner';
import { baseName } from '../files';
import type { DiagnosticWithFixes, QuickFixProvider } from '../quickFixProvider';
import { isWarning, stabilityMessage, type Thresholds } from '../resultText';

export type StoredResult = RunOutcome & { readonly context: AnalysisContext };

const SOURCE = 'AugLens';

export function isPythonDocument(document: vscode.TextDocument): boolean {
  return document.languageId === 'python' || document.uri.path.endsWith('.py');
}

/** Identity of what a target analyses (the same transform written twice shares its numbers). */
export function targetKey(target: AnalysisTarget): string {
  return JSON.stringify([target.policy, target.normalization]);
}

export class PythonStability implements vscode.Disposable {
  private readonly scans = new Map<string, { version: number; scan: PythonScan }>();
  private readonly contexts = new Map<string, AnalysisContext | undefined>();
  private readonly results = new Map<string, StoredResult>();
  /** Per document, the targets the user analysed: they are analysed again when their files change. */
  private readonly requested = new Map<string, Set<string>>();
  private readonly generations = new Map<string, number>();
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires when lenses or hovers may show something else. */
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly collection: vscode.DiagnosticCollection,
    private readonly fixes: QuickFixProvider,
    private readonly runner: AnalysisRunner,
    private readonly resolver: ContextResolver,
  ) {}

  scan(document: vscode.TextDocument): PythonScan {
    const key = document.uri.toString();
    const cached = this.scans.get(key);
    if (cached?.version === document.version) return cached.scan;
    const scan = scanPython(document.getText());
    this.scans.set(key, { version: document.version, scan });
    return scan;
  }

  resultFor(document: vscode.TextDocument, target: AnalysisTarget): StoredResult | undefined {
    const context = this.contexts.get(document.uri.toString());
    return context && this.results.get(resultKey(target, context));
  }

  isRunning(document: vscode.TextDocument, target: AnalysisTarget): boolean {
    const context = this.contexts.get(document.uri.toString());
    return context !== undefined && this.runner.isRunning(resultKey(target, context));
  }

  /** Re-reads the document, publishes its diagnostics, and re-runs analyses whose files changed. */
  async refresh(document: vscode.TextDocument): Promise<void> {
    const uri = document.uri.toString();
    const generation = (this.generations.get(uri) ?? 0) + 1;
    this.generations.set(uri, generation);
    const version = document.version;
    const scan = this.scan(document);
    const context = await this.resolver.quiet(document.uri);
    // An edit meanwhile would shift the scan's offsets: the (debounced) refresh for that edit publishes instead.
    if (this.generations.get(uri) !== generation || document.isClosed || document.version !== version) return;
    this.contexts.set(uri, context);
    this.publish(document, scan, context);
    this.changed.fire();
    const wanted = this.requested.get(uri);
    if (!context || !wanted || !vscode.workspace.isTrusted) return;
    for (const target of scan.targets) {
      const key = resultKey(target, context);
      if (wanted.has(targetKey(target)) && !this.results.has(key) && !this.runner.isRunning(key)) void this.start(target, context, false);
    }
  }

  refreshAll(): void {
    for (const document of vscode.workspace.textDocuments) if (isPythonDocument(document)) void this.refresh(document);
  }

  /** Analyses one target now (the CodeLens command), asking for the model and images if nothing says which. */
  async analyse(document: vscode.TextDocument, key: string): Promise<void> {
    const target = this.scan(document).targets.find((t) => targetKey(t) === key);
    if (!target) return;
    if (!vscode.workspace.isTrusted) {
      void vscode.window.showWarningMessage('AugLens runs models only in trusted workspaces.', 'Manage Workspace Trust').then(
        (picked) => picked && vscode.commands.executeCommand('workbench.trust.manage'),
      );
      return;
    }
    const context = await this.resolver.interactive(document.uri);
    if (!context) {
      void vscode.window.showInformationMessage(
        'AugLens needs a model and sample images: add a *.auglens.json file beside your code, or set auglens.diagnostics.model and auglens.diagnostics.images.',
      );
      return;
    }
    const uri = document.uri.toString();
    this.contexts.set(uri, context);
    if (!this.requested.has(uri)) this.requested.set(uri, new Set());
    this.requested.get(uri)!.add(key);
    this.results.delete(resultKey(target, context));
    await this.start(target, context, true);
  }

  cancel(document: vscode.TextDocument, key: string): void {
    const target = this.scan(document).targets.find((t) => targetKey(t) === key);
    const context = this.contexts.get(document.uri.toString());
    if (target && context) this.runner.cancel(resultKey(target, context));
  }

  /** Clears a closed document's diagnostics; what the user analysed is remembered for when it opens again. */
  close(document: vscode.Uri): void {
    const uri = document.toString();
    this.scans.delete(uri);
    this.contexts.delete(uri);
    this.generations.delete(uri);
    this.fixes.clear(this.collection, document);
  }

  private async start(target: AnalysisTarget, context: AnalysisContext, interactive: boolean): Promise<void> {
    const key = resultKey(target, context);
    const running = this.runner.run(key, target, context, interactive);
    this.changed.fire();
    const outcome = await running;
    if (outcome) this.results.set(key, { ...outcome, context });
    else for (const wanted of this.requested.values()) wanted.delete(targetKey(target)); // cancelled: not again
    this.refreshAll();
  }

  private publish(document: vscode.TextDocument, scan: PythonScan, context: AnalysisContext | undefined): void {
    const range = (span: { start: number; end: number }) => new vscode.Range(document.positionAt(span.start), document.positionAt(span.end));
    const entries: DiagnosticWithFixes[] = scan.hints.map((hint) => {
      const diagnostic = new vscode.Diagnostic(range(hint.span), hint.message, vscode.DiagnosticSeverity.Hint);
      diagnostic.source = SOURCE;
      diagnostic.code = 'not-analysed';
      const fixes = hint.fix ? [{ title: hint.fix.title, replace: { range: range(hint.fix.span), text: hint.fix.text }, preferred: true }] : [];
      return { diagnostic, fixes };
    });
    const thresholds = readThresholds();
    for (const target of context ? scan.targets : []) {
      const result = this.results.get(resultKey(target, context!));
      if (!result) continue;
      const subject = target.kind === 'compose' ? 'Compose' : 'transform';
      const diagnostic =
        result.kind === 'numbers'
          ? new vscode.Diagnostic(
              range(target.anchor),
              stabilityMessage(result.numbers, subject),
              isWarning(result.numbers, thresholds) ? vscode.DiagnosticSeverity.Warning : vscode.DiagnosticSeverity.Information,
            )
          : new vscode.Diagnostic(
              range(target.anchor),
              `${target.name} not analysed with ${result.context.images.map(baseName).join(', ')}: ${result.message}`,
              vscode.DiagnosticSeverity.Hint,
            );
      diagnostic.source = SOURCE;
      diagnostic.code = result.kind === 'numbers' ? 'stability' : 'not-analysed';
      entries.push({ diagnostic, fixes: [] });
    }
    this.fixes.publish(this.collection, document.uri, entries);
  }

  dispose(): void {
    this.changed.dispose();
  }
}

/** A result holds for its policy, files and every setting the engine was run with: changing any of them runs it again. */
function resultKey(target: AnalysisTarget, context: AnalysisContext): string {
  return `${targetKey(target)}\n${context.key}\n${JSON.stringify(diagnosticAnalyzeParams(target, context))}`;
}

function readThresholds(): Thresholds {
  const config = vscode.workspace.getConfiguration('auglens.diagnostics');
  const number = (key: string, fallback: number) => {
    const value = config.get<unknown>(key);
    return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : fallback;
  };
  return { stdLoss: number('stdLossWarning', 0.25), samples: number('samplesWarning', 10_000) };
}
