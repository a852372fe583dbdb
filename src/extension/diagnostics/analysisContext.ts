// Which model and images an analysis started from Python code uses: the nearest `*.auglens.json`, else the
// `auglens.diagnostics.model` / `.images` settings, else the user's choice (asked once, kept in workspace state).
import * as vscode from 'vscode';
import type { PreprocessParams } from '../../engine/contract/requests';
import { pickImageFiles } from '../common/workspaceFiles';
import { baseName, fileFacts, resolveBeside, resolveIn, type FileFacts } from './files';
import { POLICY_FILE_SUFFIX, readPolicyFile } from './policyFile/readPolicyFile';

export interface AnalysisContext {
  readonly model: vscode.Uri;
  readonly images: readonly vscode.Uri[];
  readonly preprocess?: PreprocessParams;
  readonly size?: readonly [number, number];
  readonly label?: number;
  /** Where it came from, in words, for the hover. */
  readonly source: string;
  /** Its identity, file modification times included: a changed model or image makes a new key. */
  readonly key: string;
}

const CHOSEN_POLICY_FILE = 'auglens.diagnostics.policyFile';
const CHOSEN_FILES = 'auglens.diagnostics.chosenFiles';
const MAX_POLICY_FILES = 50;

interface Candidate {
  readonly file: vscode.Uri;
  readonly context: AnalysisContext;
}

export class ContextResolver {
  /** Usable policy files of the workspace, read once until a file changes. */
  private policyFiles: Promise<Candidate[]> | undefined;

  constructor(private readonly state: vscode.Memento) {}

  /** Forgets what it read: a policy file, a model or an image changed. */
  invalidate(): void {
    this.policyFiles = undefined;
  }

  /** Forgets the user's earlier choices, so that the next analysis asks again. */
  async forgetChoices(): Promise<void> {
    await this.state.update(CHOSEN_POLICY_FILE, undefined);
    await this.state.update(CHOSEN_FILES, undefined);
  }

  /** The context for `document` without asking; undefined when none is set up yet or the choice is open. */
  async quiet(document: vscode.Uri): Promise<AnalysisContext | undefined> {
    const nearest = await this.nearestPolicyFiles(document);
    if (nearest.length === 1) return nearest[0].context;
    if (nearest.length > 1) return nearest.find((c) => c.file.toString() === this.state.get(CHOSEN_POLICY_FILE))?.context;
    return (await fromSettings()) ?? (await this.remembered());
  }

  /** The context for `document`, asking the user (once) where nothing decides it. */
  async interactive(document: vscode.Uri): Promise<AnalysisContext | undefined> {
    this.invalidate(); // the user is waiting on this answer: read the files as they are now
    const known = await this.quiet(document);
    if (known) return known;
    const nearest = await this.nearestPolicyFiles(document);
    if (nearest.length > 1) {
      const picked = await vscode.window.showQuickPick(
        nearest.map((c) => ({ label: vscode.workspace.asRelativePath(c.file, false), description: describeFiles(c.context), candidate: c })),
        { title: 'AugLens: which policy file gives the model and images for this file?' },
      );
      if (!picked) return undefined;
      await this.state.update(CHOSEN_POLICY_FILE, picked.candidate.file.toString());
      return picked.candidate.context;
    }
    return this.askForFiles();
  }

  /** Asks for a model and images and remembers them (used where no policy file or setting applies). */
  async askForFiles(): Promise<AnalysisContext | undefined> {
    const models = await vscode.workspace.findFiles('**/*.onnx', '**/node_modules/**', 200);
    const browse = { label: '$(folder-opened) Browse...', description: 'choose a model file with a dialog' };
    const picked = await vscode.window.showQuickPick<vscode.QuickPickItem & { uri?: vscode.Uri }>(
      [browse, ...models.map((uri) => ({ label: vscode.workspace.asRelativePath(uri, false), uri }))],
      { title: 'AugLens: pick the model (.onnx) to analyse transforms with' },
    );
    if (!picked) return undefined;
    const model = picked.uri ?? (await vscode.window.showOpenDialog({ title: 'AugLens: choose a model', filters: { 'ONNX models': ['onnx'] } }))?.[0];
    if (!model) return undefined;
    const images = await pickImageFiles();
    if (!images || images.length === 0) return undefined;
    await this.state.update(CHOSEN_FILES, { model: model.toString(), images: images.map(String) });
    return this.remembered();
  }

  private async remembered(): Promise<AnalysisContext | undefined> {
    const saved = this.state.get<{ model: string; images: string[] }>(CHOSEN_FILES);
    if (!saved) return undefined;
    return contextOf(vscode.Uri.parse(saved.model), saved.images.map((i) => vscode.Uri.parse(i)), {}, 'your choice (AugLens: Choose Model and Images for Diagnostics changes it)');
  }

  /** The usable policy files in the folder nearest to `document`: its own folder first, then its ancestors. */
  private async nearestPolicyFiles(document: vscode.Uri): Promise<Candidate[]> {
    this.policyFiles ??= readPolicyFiles();
    const candidates = await this.policyFiles;
    const closeness = (c: Candidate): number => {
      const folder = vscode.Uri.joinPath(c.file, '..').path;
      return document.path.startsWith(`${folder}/`) ? folder.length : -1;
    };
    const best = Math.max(...candidates.map(closeness));
    return candidates.filter((c) => closeness(c) === best);
  }
}

async function readPolicyFiles(): Promise<Candidate[]> {
  const files = await vscode.workspace.findFiles(`**/*${POLICY_FILE_SUFFIX}`, '**/node_modules/**', MAX_POLICY_FILES);
  const candidates: Candidate[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = new TextDecoder().decode(await vscode.workspace.fs.readFile(file));
    } catch {
      continue;
    }
    const parsed = readPolicyFile(text);
    if (!parsed.model || parsed.images.length === 0) continue;
    const model = resolveBeside(file, parsed.model.value);
    const images = parsed.images.map((i) => resolveBeside(file, i.value));
    const context = await contextOf(model, images, parsed, baseName(file));
    if (context) candidates.push({ file, context });
  }
  return candidates;
}

async function fromSettings(): Promise<AnalysisContext | undefined> {
  const config = vscode.workspace.getConfiguration('auglens.diagnostics');
  const model = config.get<string>('model', '');
  const images = config.get<string[]>('images', []);
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  if (!model || !Array.isArray(images) || images.length === 0 || !folder) return undefined;
  return contextOf(resolveIn(folder, model), images.map((i) => resolveIn(folder, i)), {}, 'the auglens.diagnostics settings');
}

/** A context when the model and every image exist, else undefined. */
async function contextOf(
  model: vscode.Uri,
  images: readonly vscode.Uri[],
  options: { preprocess?: PreprocessParams; size?: readonly [number, number]; label?: number },
  source: string,
): Promise<AnalysisContext | undefined> {
  const facts = await Promise.all([model, ...images].map(fileFacts));
  if (facts.some((f) => f === undefined) || model.scheme !== 'file') return undefined;
  const [modelFacts, ...imageFacts] = facts as FileFacts[];
  const key = JSON.stringify({
    model: [model.fsPath, modelFacts.mtime],
    images: imageFacts.map((f) => [f.uri.fsPath, f.mtime]),
    preprocess: options.preprocess ?? null,
    size: options.size ?? null,
    label: options.label ?? null,
  });
  return { model, images, preprocess: options.preprocess, size: options.size, label: options.label, source, key };
}

/** "mnist-8.onnx with mnist_28.png, digit.png", for choosing between contexts. */
function describeFiles(context: AnalysisContext): string {
  return `${baseName(context.model)} with ${context.images.map(baseName).join(', ')}`;
}
