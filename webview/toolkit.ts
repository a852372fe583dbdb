// The only module that knows the UI toolkit (@vscode/webview-ui-toolkit): swap the toolkit by rewriting this file.
// Each factory returns the element and a small typed handle, so callers never touch toolkit properties.
import {
  provideVSCodeDesignSystem,
  vsCodeButton,
  vsCodeCheckbox,
  vsCodeDivider,
  vsCodeDropdown,
  vsCodeOption,
  vsCodeProgressRing,
  vsCodeRadio,
  vsCodeRadioGroup,
  vsCodeTextArea,
  vsCodeTextField,
} from '@vscode/webview-ui-toolkit';

provideVSCodeDesignSystem().register(
  vsCodeButton(),
  vsCodeCheckbox(),
  vsCodeDivider(),
  vsCodeDropdown(),
  vsCodeOption(),
  vsCodeProgressRing(),
  vsCodeRadio(),
  vsCodeRadioGroup(),
  vsCodeTextArea(),
  vsCodeTextField(),
);

interface ValueElement extends HTMLElement {
  value: string;
  disabled: boolean;
}

export interface Field<T> {
  readonly element: HTMLElement;
  get value(): T;
  /** Sets the value without firing the change callback. */
  set value(value: T);
  set disabled(disabled: boolean);
  onChange(callback: (value: T) => void): void;
  focus(): void;
}

function field<T>(element: ValueElement, event: 'input' | 'change', read: () => T, write: (v: T) => void): Field<T> {
  return {
    element,
    get value() {
      return read();
    },
    set value(v: T) {
      write(v);
    },
    set disabled(d: boolean) {
      element.disabled = d;
    },
    onChange(callback) {
      element.addEventListener(event, () => callback(read()));
    },
    focus: () => element.focus(),
  };
}

function labelled(tag: string, label: string): ValueElement {
  const element = document.createElement(tag) as ValueElement;
  element.textContent = label;
  element.setAttribute('aria-label', label);
  return element;
}

/** A one-line text input with its label. */
export function textField(label: string, options: { placeholder?: string; size?: number } = {}): Field<string> {
  const element = labelled('vscode-text-field', label);
  if (options.placeholder) element.setAttribute('placeholder', options.placeholder);
  if (options.size) element.setAttribute('size', String(options.size));
  return field(element, 'input', () => element.value ?? '', (v) => (element.value = v));
}

/** A multi-line text input (monospace, resizable). */
export function textArea(label: string, rows: number): Field<string> {
  const element = labelled('vscode-text-area', label);
  element.setAttribute('rows', String(rows));
  element.setAttribute('resize', 'vertical');
  element.classList.add('code-input');
  return field(element, 'input', () => element.value ?? '', (v) => (element.value = v));
}

/** A drop-down list; `options` are [value, label] pairs. */
export function dropdown(label: string, options: readonly (readonly [string, string])[]): Field<string> {
  const element = document.createElement('vscode-dropdown') as ValueElement;
  element.setAttribute('aria-label', label);
  for (const [value, text] of options) {
    const option = document.createElement('vscode-option');
    option.setAttribute('value', value);
    option.textContent = text;
    element.appendChild(option);
  }
  return field(element, 'change', () => element.value, (v) => (element.value = v));
}

export function checkbox(label: string): Field<boolean> {
  const element = labelled('vscode-checkbox', label) as ValueElement & { checked: boolean };
  return field(element, 'change', () => element.checked, (v) => (element.checked = v));
}

/** Mutually exclusive options in a row; `options` are [value, label] pairs. */
export function radioGroup(label: string, options: readonly (readonly [string, string])[]): Field<string> {
  const group = document.createElement('vscode-radio-group') as ValueElement;
  group.setAttribute('aria-label', label);
  const legend = document.createElement('label');
  legend.slot = 'label';
  legend.textContent = label;
  group.appendChild(legend);
  for (const [value, text] of options) {
    const radio = document.createElement('vscode-radio');
    radio.setAttribute('value', value);
    radio.textContent = text;
    group.appendChild(radio);
  }
  return field(group, 'change', () => group.value, (v) => (group.value = v));
}

export interface Button {
  readonly element: HTMLElement;
  set disabled(disabled: boolean);
}

export function button(label: string, onClick: () => void, appearance: 'primary' | 'secondary' = 'primary'): Button {
  const element = document.createElement('vscode-button') as ValueElement;
  element.textContent = label;
  element.setAttribute('appearance', appearance);
  element.addEventListener('click', () => {
    if (!element.disabled) onClick();
  });
  return {
    element,
    set disabled(d: boolean) {
      element.disabled = d;
    },
  };
}

/** A horizontal rule styled like VS Code's. */
export function createDivider(): HTMLElement {
  const divider = document.createElement('vscode-divider');
  divider.setAttribute('role', 'separator');
  return divider;
}

/** An indeterminate spinner for work in progress. */
export function createProgressRing(): HTMLElement {
  const ring = document.createElement('vscode-progress-ring');
  ring.setAttribute('aria-label', 'Working');
  return ring;
}
