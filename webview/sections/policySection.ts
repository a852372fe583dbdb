// The policy editor: torchvision-style text checked as the user types (the same parser as the engine runs in the
// webview), a second policy to compare with, and the target class of the loss.
import { el } from '../dom';
import { checkPolicy } from '../policyCheck';
import { type Field, checkbox, textArea, textField } from '../toolkit';

export interface PolicySectionHost {
  editPolicies(policies: [string, string], compare: boolean): void;
  editLabel(label: number | null): void;
}

interface PolicyEditor {
  field: Field<string>;
  check: HTMLElement;
  box: HTMLElement;
}

export class PolicySection {
  readonly element = el('section', { className: 'card policy-section', attrs: { 'aria-labelledby': 'policy-heading' } });
  private readonly editors: [PolicyEditor, PolicyEditor];
  private readonly compare = checkbox('Compare with a second policy');
  private readonly label = textField('Target class', { placeholder: 'predicted', size: 8 });
  private readonly labelError = el('span', { className: 'field-error' });
  private readonly columns = el('div', { className: 'policy-columns' });

  constructor(private readonly host: PolicySectionHost) {
    this.editors = [this.editor('Policy A', 'policy-a'), this.editor('Policy B', 'policy-b')];
    this.compare.onChange(() => this.edited());
    this.label.onChange((text) => {
      const trimmed = text.trim();
      const value = trimmed === '' ? null : Number(trimmed);
      const ok = value === null || (Number.isInteger(value) && value >= 0);
      this.labelError.textContent = ok ? '' : 'a class index (0, 1, ...) or empty for the predicted class';
      if (ok) this.host.editLabel(value);
    });
    this.columns.append(this.editors[0].box, this.editors[1].box);
    this.element.append(
      el('h2', { id: 'policy-heading', text: 'Augmentation policy' }),
      el('p', {
        className: 'hint',
        text: 'torchvision transforms as in your training code: Compose([...]), one per line, or separated by ";". The loss is the cross-entropy against the target class.',
      }),
      this.columns,
      el('div', { className: 'controls' }, [this.compare.element, this.label.element, this.labelError]),
    );
  }

  private editor(title: string, id: string): PolicyEditor {
    const field = textArea(title, 4);
    field.element.id = id;
    field.onChange(() => this.edited());
    const check = el('div', { className: 'policy-check', attrs: { 'aria-live': 'polite' } });
    return { field, check, box: el('div', { className: 'policy-editor' }, [field.element, check]) };
  }

  render(policies: readonly [string, string], compare: boolean, label: number | null, readonly: boolean): void {
    const typing = this.element.contains(document.activeElement);
    this.editors.forEach((e, i) => {
      if (!typing || e.field.value === '') e.field.value = policies[i];
      e.field.disabled = readonly;
      this.showCheck(e);
    });
    if (!typing) {
      this.compare.value = compare;
      this.label.value = label === null ? '' : String(label);
    }
    this.compare.disabled = readonly;
    this.label.disabled = readonly;
    this.showCompare(compare);
  }

  focus(which: 0 | 1): void {
    this.editors[which].field.focus();
  }

  private showCompare(compare: boolean): void {
    this.editors[1].box.hidden = !compare;
    this.columns.classList.toggle('two', compare);
  }

  private showCheck(editor: PolicyEditor): void {
    const result = checkPolicy(editor.field.value);
    editor.check.dataset.ok = String(result.ok);
    editor.check.replaceChildren(
      ...(result.ok
        ? [el('span', { className: 'ok', text: `Parsed: ${result.canonical}` })]
        : [el('span', { className: 'error', text: result.message }), result.frame ? el('pre', { className: 'frame', text: result.frame }) : '']),
    );
  }

  private edited(): void {
    this.editors.forEach((e) => this.showCheck(e));
    const compare = this.compare.value;
    this.showCompare(compare);
    this.host.editPolicies([this.editors[0].field.value, this.editors[1].field.value], compare);
  }
}
