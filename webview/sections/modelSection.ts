// The model summary (inputs, dtype, shapes, layout, output kind, opset) and the preprocessing: the engine's guess,
// editable (preset, channel order, scale, mean, std).
import type { ModelSummaryView } from '../../src/shared/modelSummaryView';
import type { PreprocessingInput } from '../../src/shared/panelInputs';
import { CHANNEL_CHOICES, PRESET_CHOICES, type ChannelChoice, type PresetChoice, type PreprocessValues } from '../../src/shared/presets';
import type { ModelSummaryMessage, PanelCommand } from '../../src/shared/panelProtocol';
import { el } from '../dom';
import { list, parseNumberList } from '../format';
import { type Field, button, createProgressRing, dropdown, textField } from '../toolkit';

export interface ModelSectionHost {
  editPreprocessing(preprocessing: PreprocessingInput): void;
  command(command: PanelCommand): void;
}

const dims = (shape: readonly (number | string)[]) => `[${shape.join(', ')}]`;

export class ModelSection {
  readonly element = el('section', { className: 'card model-section', attrs: { 'aria-labelledby': 'model-heading' } });
  private readonly summaryBox = el('div', { className: 'summary' });
  private readonly preprocessBox = el('div', { className: 'preprocess' });
  private readonly effective = el('p', { className: 'effective' });
  private readonly preset: Field<string>;
  private readonly channels: Field<string>;
  private readonly scale: Field<string>;
  private readonly mean: Field<string>;
  private readonly std: Field<string>;
  private readonly fieldError = el('p', { className: 'field-error', attrs: { role: 'alert' } });
  private summary: ModelSummaryView | null = null;
  private value: PreprocessingInput | null = null;

  constructor(private readonly host: ModelSectionHost) {
    this.preset = dropdown('Preset', PRESET_CHOICES.map((p) => [p, p === 'auto' ? 'guess' : p]));
    this.channels = dropdown('Channel order', CHANNEL_CHOICES.map((c) => [c, c === 'auto' ? "preset's" : c.toUpperCase()]));
    this.scale = textField('Scale', { placeholder: "preset's", size: 6 });
    this.mean = textField('Mean', { placeholder: "preset's", size: 16 });
    this.std = textField('Std', { placeholder: "preset's", size: 16 });
    for (const f of [this.preset, this.channels, this.scale, this.mean, this.std] as Field<unknown>[]) f.onChange(() => this.edited());
    const controls = el('div', { className: 'controls' }, [
      labelled('Preset', this.preset.element),
      labelled('Channels', this.channels.element),
      this.scale.element,
      this.mean.element,
      this.std.element,
    ]);
    this.preprocessBox.append(el('h3', { text: 'Preprocessing' }), el('p', { className: 'guess' }), controls, this.fieldError, this.effective);
    this.element.append(el('h2', { id: 'model-heading', text: 'Model' }), this.summaryBox, this.preprocessBox);
  }

  renderSummary(message: ModelSummaryMessage): void {
    this.summary = message.summary;
    const box = this.summaryBox;
    if (message.state === 'loading') {
      box.replaceChildren(el('p', { className: 'loading' }, [createProgressRing(), 'Loading the model in the engine process...']));
    } else if (message.state === 'restricted') {
      box.replaceChildren(el('p', { className: 'note warning', text: message.note ?? '' }), button('Manage Workspace Trust', () => this.host.command('manageTrust'), 'secondary').element);
    } else if (message.state === 'error') {
      box.replaceChildren(el('p', { className: 'note error', text: `The model could not be loaded: ${message.note ?? ''}` }), button('Show Log', () => this.host.command('showLog'), 'secondary').element);
    } else if (message.summary) {
      box.replaceChildren(summaryTable(message.summary));
    }
    this.preprocessBox.hidden = message.state !== 'ready';
    this.showEffective();
  }

  /** Shows the inputs' preprocessing choice, unless the user is typing in one of the fields. */
  renderInputs(value: PreprocessingInput, readonly: boolean): void {
    this.value = value;
    const typing = this.preprocessBox.contains(document.activeElement);
    if (!typing) {
      this.preset.value = value.preset;
      this.channels.value = value.channels;
      this.scale.value = value.scale === null ? '' : String(value.scale);
      this.mean.value = value.mean ? value.mean.join(', ') : '';
      this.std.value = value.std ? value.std.join(', ') : '';
    }
    for (const f of [this.preset, this.channels, this.scale, this.mean, this.std] as Field<unknown>[]) f.disabled = readonly;
    this.showEffective();
  }

  private edited(): void {
    const scaleText = this.scale.value.trim();
    const scale = scaleText ? Number(scaleText) : null;
    const mean = parseNumberList(this.mean.value);
    const std = parseNumberList(this.std.value);
    const problems = [
      scale !== null && !(Number.isFinite(scale) && scale > 0) ? 'scale must be a positive number' : '',
      mean === undefined ? 'mean must be 1 to 4 numbers separated by commas' : '',
      std === undefined || std?.some((s) => s === 0) ? 'std must be 1 to 4 non-zero numbers separated by commas' : '',
    ].filter(Boolean);
    this.fieldError.textContent = problems.join('; ');
    if (problems.length > 0) return;
    this.value = {
      preset: this.preset.value as PresetChoice,
      channels: this.channels.value as ChannelChoice,
      scale,
      mean: mean ?? null,
      std: std ?? null,
    };
    this.showEffective();
    this.host.editPreprocessing(this.value);
  }

  /** The guess and the values the model will get with the current choice. */
  private showEffective(): void {
    const s = this.summary;
    const guess = this.preprocessBox.querySelector('.guess');
    if (!s || !this.value || !guess) return;
    guess.textContent = `Guessed: ${s.guess.preset}. ${s.guess.reason}`;
    const v = effectiveValues(s, this.value);
    const size = s.inputSize ? `${s.inputSize[0]}x${s.inputSize[1]}` : 'the image size';
    this.effective.textContent =
      `The model gets (${v.scale} * x[${v.channels.toUpperCase()}] - mean) / std with mean ${list(v.mean)}, std ${list(v.std)}, ` +
      `after resizing and centre-cropping to ${size}.`;
  }
}

function labelled(label: string, control: HTMLElement): HTMLElement {
  return el('div', { className: 'labelled' }, [el('span', { className: 'label', text: label }), control]);
}

/** The preset (or the guess) with the explicit values over it, as the engine will apply them. */
export function effectiveValues(s: ModelSummaryView, input: PreprocessingInput): PreprocessValues {
  const base: PreprocessValues = input.preset === 'auto' ? s.guess : (s.presets[input.preset] ?? s.guess);
  const channels = s.channels === 1 ? 'gray' : input.channels === 'auto' ? base.channels : input.channels;
  return { channels, scale: input.scale ?? base.scale, mean: input.mean ?? base.mean, std: input.std ?? base.std };
}

function summaryTable(s: ModelSummaryView): HTMLElement {
  const rows: [string, string][] = [
    ['Input', `${s.input.name}: ${s.input.dtype} ${dims(s.input.shape)}, ${s.layout}${s.dynamicBatch ? ', dynamic batch' : ''}`],
    ['Output', `${s.output.name}: ${dims(s.output.shape)}, ${s.outputKind}`],
    ['Output kind', s.outputKindReason],
    ['Image', `${s.channels} channel${s.channels > 1 ? 's' : ''}, ${s.inputSize ? `${s.inputSize[0]}x${s.inputSize[1]}` : 'any size'}`],
    ['Format', `ONNX IR ${s.irVersion}, opset ${s.opset}${s.producer ? `, from ${s.producer}` : ''}`],
  ];
  return el('table', { className: 'facts' }, [
    el('tbody', {}, rows.map(([k, v]) => el('tr', {}, [el('th', { text: k, attrs: { scope: 'row' } }), el('td', { text: v })]))),
  ]);
}
