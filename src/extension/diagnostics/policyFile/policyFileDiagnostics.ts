// Semantic diagnostics of a policy file (`*.auglens.json`), beside what its JSON schema checks: the policy's own
// errors (unknown transform, bad argument) at their exact characters inside the JSON string, a model or image file
// that is missing or unreadable, and a transform that cannot apply to the images (a crop larger than the image).
import * as vscode from 'vscode';
import { parsePolicy, PolicyError } from '../../../core/policy';
import type { SourceSpan } from '../../../core/policy/types';
import { suggestedFix } from '../../../core/python';
import { fileFacts, relativeTo, resolveBeside } from '../files';
import type { DiagnosticWithFixes, QuickFix } from '../quickFixProvider';
import { fittedShape, shapeProblem } from '../shapeProblem';
import { imageShape } from './imageShape';
import { readPolicyFile, type StringField } from './readPolicyFile';

export const CHOOSE_FILE_COMMAND = 'auglens.diagnostics.chooseFileForField';
const SOURCE = 'AugLens';
/** At most this many "Use model X" fixes; a "Choose..." fix covers the rest. */
const MAX_FILE_FIXES = 5;

export async function policyFileDiagnostics(document: vscode.TextDocument): Promise<DiagnosticWithFixes[]> {
  const text = document.getText();
  const file = readPolicyFile(text);
  const range = (span: SourceSpan) => new vscode.Range(document.positionAt(span.start), document.positionAt(span.end));
  const entries: DiagnosticWithFixes[] = [];
  const report = (span: SourceSpan, message: string, code: string, fixes: QuickFix[] = []) => {
    const diagnostic = new vscode.Diagnostic(range(span), message, vscode.DiagnosticSeverity.Error);
    diagnostic.source = SOURCE;
    diagnostic.code = code;
    entries.push({ diagnostic, fixes });
  };

  if (file.model && !(await fileFacts(resolveBeside(document.uri, file.model.value)))) {
    report(file.model.span, `model file not found: ${file.model.value} (paths are relative to this file)`, 'model-missing',
      await fileFixes(document, file.model, 'model'));
  }

  const shapes: { field: StringField; shape: ReturnType<typeof imageShape> }[] = [];
  for (const image of file.images) {
    const uri = resolveBeside(document.uri, image.value);
    if (!(await fileFacts(uri))) {
      report(image.span, `image file not found: ${image.value} (paths are relative to this file)`, 'image-missing', await fileFixes(document, image, 'image'));
      continue;
    }
    try {
      shapes.push({ field: image, shape: imageShape(await vscode.workspace.fs.readFile(uri)) });
    } catch (error) {
      report(image.span, `${image.value}: ${error instanceof Error ? error.message : String(error)}`, 'image-unreadable', await fileFixes(document, image, 'image'));
    }
  }

  if (file.policy) {
    const { text: policyText, offset } = file.policy;
    const shift = (span: SourceSpan): SourceSpan => ({ start: offset + span.start, end: offset + span.end });
    try {
      const policy = parsePolicy(policyText);
      const blamed = new Set<string>();
      for (const { field, shape } of shapes) {
        const fitted = fittedShape(shape, file.size);
        const problem = shapeProblem(policy.transforms, fitted);
        const span = shift(problem?.span ?? { start: 0, end: policyText.length });
        if (!problem || blamed.has(`${span.start}:${span.end}`)) continue;
        blamed.add(`${span.start}:${span.end}`);
        report(span, `${problem.message}, for image ${field.value}${file.size ? ` resized to ${fitted.height}x${fitted.width}` : ''}`, 'shape');
      }
    } catch (error) {
      if (!(error instanceof PolicyError)) throw error;
      const span = shift(error.span);
      const fix = suggestedFix(error.message, span, text);
      report(span, error.message, error.kind, fix ? [{ title: fix.title, replace: { range: range(fix.span), text: fix.text }, preferred: true }] : []);
    }
  }
  return entries;
}

/** "Use <file>" for a few workspace files of the right kind, and "Choose..." for any file. */
async function fileFixes(document: vscode.TextDocument, field: StringField, kind: 'model' | 'image'): Promise<QuickFix[]> {
  const glob = kind === 'model' ? '**/*.onnx' : '**/*.{png,jpg,jpeg}';
  const found = await vscode.workspace.findFiles(glob, '**/node_modules/**', MAX_FILE_FIXES);
  const range = new vscode.Range(document.positionAt(field.span.start), document.positionAt(field.span.end));
  const fixes: QuickFix[] = found
    .sort((a, b) => a.path.localeCompare(b.path))
    .map((uri) => {
      const path = relativeTo(document.uri, uri);
      return { title: `Use ${kind} ${path}`, replace: { range, text: JSON.stringify(path) } };
    });
  fixes.push({
    title: `Choose a${kind === 'image' ? 'n image' : ' model'} file...`,
    command: { title: 'Choose', command: CHOOSE_FILE_COMMAND, arguments: [document.uri.toString(), kind, field.value] },
  });
  return fixes;
}

/** The command behind "Choose a model file...": an open dialog, then the path written over the field's value. */
export async function chooseFileForField(uriText: string, kind: 'model' | 'image', value: string): Promise<void> {
  const uri = vscode.Uri.parse(uriText);
  const picked = await vscode.window.showOpenDialog({
    title: kind === 'model' ? 'AugLens: choose the model' : 'AugLens: choose an image',
    filters: kind === 'model' ? { 'ONNX models': ['onnx'] } : { Images: ['png', 'jpg', 'jpeg'] },
    defaultUri: vscode.Uri.joinPath(uri, '..'),
  });
  if (!picked?.[0]) return;
  const document = await vscode.workspace.openTextDocument(uri);
  const file = readPolicyFile(document.getText());
  const field = kind === 'model' ? file.model : file.images.find((i) => i.value === value);
  if (!field) return;
  const edit = new vscode.WorkspaceEdit();
  const range = new vscode.Range(document.positionAt(field.span.start), document.positionAt(field.span.end));
  edit.replace(uri, range, JSON.stringify(relativeTo(uri, picked[0])));
  await vscode.workspace.applyEdit(edit);
}
