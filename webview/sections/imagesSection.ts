// The sample images (picked through the host: the webview never names files) and the size they are brought to
// before the policy acts.
import { isImageSize } from '../../src/shared/analysisLimits';
import type { ImageRef, ImageSizeInput } from '../../src/shared/panelInputs';
import type { ModelSummaryView } from '../../src/shared/modelSummaryView';
import { el } from '../dom';
import { type Field, button, dropdown, textField } from '../toolkit';

export interface ImagesSectionHost {
  pickImages(): void;
  removeImage(index: number): void;
  editImageSize(size: ImageSizeInput): void;
}

export class ImagesSection {
  readonly element = el('section', { className: 'card images-section', attrs: { 'aria-labelledby': 'images-heading' } });
  private readonly list = el('ul', { className: 'image-list' });
  private readonly size: Field<string>;
  private readonly height = textField('Height', { size: 5 });
  private readonly width = textField('Width', { size: 5 });
  private readonly custom = el('span', { className: 'custom-size' });
  private readonly pick = button('Pick Images...', () => this.host.pickImages(), 'secondary');
  private readonly sizeNote = el('p', { className: 'hint' });

  constructor(private readonly host: ImagesSectionHost) {
    this.size = dropdown('Image size', [
      ['model', 'Fit to the model input'],
      ['original', "Keep each image's size"],
      ['custom', 'Custom size'],
    ]);
    this.size.onChange(() => this.sizeEdited());
    this.height.onChange(() => this.sizeEdited());
    this.width.onChange(() => this.sizeEdited());
    this.custom.append(this.height.element, this.width.element);
    this.element.append(
      el('h2', { id: 'images-heading', text: 'Sample images' }),
      this.list,
      el('div', { className: 'controls' }, [this.pick.element, el('span', { className: 'label', text: 'Size before the policy' }), this.size.element, this.custom]),
      this.sizeNote,
    );
  }

  render(images: readonly ImageRef[], size: ImageSizeInput, summary: ModelSummaryView | null, readonly: boolean): void {
    const items = images.map((image, index) => {
      const remove = button('Remove', () => this.host.removeImage(index), 'secondary');
      remove.element.setAttribute('aria-label', `Remove ${image.label}`);
      return el('li', {}, [el('span', { className: 'image-name', text: image.label, title: image.uri }), readonly ? null : remove.element]);
    });
    this.list.replaceChildren(...(items.length ? items : [el('li', { className: 'empty', text: 'No image yet: pick one or more PNG or JPEG files.' })]));
    this.pick.element.hidden = readonly;
    this.size.disabled = readonly;
    if (!this.element.contains(document.activeElement)) {
      this.size.value = size.mode;
      if (size.mode === 'custom') {
        this.height.value = String(size.height);
        this.width.value = String(size.width);
      }
    }
    this.custom.hidden = size.mode !== 'custom';
    const modelSize = summary?.inputSize ? `${summary.inputSize[0]}x${summary.inputSize[1]}` : null;
    this.sizeNote.textContent =
      size.mode === 'model'
        ? modelSize
          ? `Images are resized and centre-cropped to ${modelSize} (the model input) before the policy, as a torchvision pipeline would.`
          : summary
            ? 'The model takes any size: images keep their own size.'
            : 'Images are resized and centre-cropped to the model input (read when the model is loaded) before the policy.'
        : size.mode === 'custom'
          ? 'Images are resized and centre-cropped to this size before the policy; the model input fitting comes after it.'
          : 'The policy acts on each image at its own size; the result is then fitted to the model input.';
  }

  focus(): void {
    this.pick.element.focus();
  }

  private sizeEdited(): void {
    const mode = this.size.value;
    this.custom.hidden = mode !== 'custom';
    if (mode === 'model' || mode === 'original') return this.host.editImageSize({ mode });
    const height = Number(this.height.value);
    const width = Number(this.width.value || this.height.value);
    if (isImageSize(height, width)) {
      this.host.editImageSize({ mode: 'custom', height, width });
    }
  }
}
