/** How a quantized model's saliency is labelled in reports and the UI. */
export function straightThroughMethod(quantizers: number): string {
  return `gradient graph, straight-through estimate through ${quantizers} activation quantizer${quantizers === 1 ? '' : 's'}`;
}
