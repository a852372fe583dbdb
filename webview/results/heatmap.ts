// One map as a figure: a canvas drawn at the map's own resolution and enlarged by CSS (pixelated), a colour bar
// with its values, and a readout of the pixel under the pointer.
import { type ColormapName, colormapIndex, colormapTable } from '../../src/core/render/colormap';
import { formatTicks } from '../../src/core/render/ticks';
import { el } from '../dom';
import { num } from '../format';
import { type DisplayMap, type Range, isNonUniform } from './maps';

export interface Colormaps {
  sequential: ColormapName;
  diverging: ColormapName;
}

const NON_FINITE = [128, 128, 128];
/** Narrow maps still get room for their caption and colour-bar labels. */
const MIN_FIGURE_WIDTH = 150;

function toByte(v: number): number {
  return Math.round(255 * Math.min(1, Math.max(0, v)));
}

/** Fills `rgba` with the map's colours. */
function paint(map: DisplayMap, range: Range, colormaps: Colormaps, rgba: Uint8ClampedArray): void {
  const plane = map.width * map.height;
  const table = colormapTable(map.kind === 'diverging' ? colormaps.diverging : colormaps.sequential);
  const pictures = map.kind === 'image' ? map.channels : undefined;
  for (let p = 0; p < plane; p++) {
    let rgb: number[];
    if (pictures) {
      const { count, data } = pictures;
      rgb = count === 3 ? [toByte(data[p]), toByte(data[plane + p]), toByte(data[2 * plane + p])] : Array(3).fill(toByte(data[p]));
    } else if (!Number.isFinite(map.values[p])) {
      rgb = NON_FINITE;
    } else {
      const i = colormapIndex(map.values[p], range.lo, range.hi);
      rgb = [table[3 * i], table[3 * i + 1], table[3 * i + 2]];
    }
    rgba.set(rgb, 4 * p);
    rgba[4 * p + 3] = 255;
  }
}

function colorBar(map: DisplayMap, range: Range, colormaps: Colormaps, widthPx: number): HTMLElement {
  const canvas = el('canvas', { className: 'colorbar', attrs: { width: '256', height: '1', 'aria-hidden': 'true' } });
  canvas.style.width = `${widthPx}px`;
  const context = canvas.getContext('2d');
  const table = colormapTable(map.kind === 'diverging' ? colormaps.diverging : colormaps.sequential);
  if (context) {
    const strip = context.createImageData(256, 1);
    for (let i = 0; i < 256; i++) strip.data.set([table[3 * i], table[3 * i + 1], table[3 * i + 2], 255], 4 * i);
    context.putImageData(strip, 0, 0);
  }
  const values = [range.lo, (range.lo + range.hi) / 2, range.hi];
  const labels = formatTicks(values);
  const ticks = el('div', { className: 'colorbar-ticks' }, labels.map((text) => el('span', { text })));
  ticks.style.width = `${widthPx}px`;
  return el('div', { className: 'colorbar-box', title: `colour scale from ${labels[0]} to ${labels[2]}` }, [canvas, ticks]);
}

function readoutText(map: DisplayMap, x: number, y: number): string {
  const p = y * map.width + x;
  if (map.kind === 'image' && map.channels) {
    const { count, data } = map.channels;
    const plane = map.width * map.height;
    const values = Array.from({ length: count }, (_, c) => num(data[c * plane + p]));
    return `(${x}, ${y}) ${count === 3 ? `RGB ${values.join(', ')}` : values[0]}`;
  }
  return `(${x}, ${y}) ${num(map.values[p], 4)}`;
}

export interface DrawnMap {
  figure: HTMLElement;
  canvas: HTMLCanvasElement;
  nonUniform: boolean;
}

/** Draws `map` with `scale` screen pixels per map pixel; `id` names the canvas (for tests and the rendered report). */
export function drawMap(map: DisplayMap, range: Range, colormaps: Colormaps, scale: number, id: string): DrawnMap {
  const canvas = el('canvas', {
    className: 'map',
    id,
    attrs: { width: String(map.width), height: String(map.height), role: 'img', 'aria-label': `${map.title}: ${map.caption}` },
  });
  const widthPx = map.width * scale;
  canvas.style.width = `${widthPx}px`;
  canvas.style.height = `${map.height * scale}px`;
  const context = canvas.getContext('2d');
  let nonUniform = false;
  if (context) {
    const image = context.createImageData(map.width, map.height);
    paint(map, range, colormaps, image.data);
    context.putImageData(image, 0, 0);
    nonUniform = isNonUniform(image.data);
  }
  canvas.dataset.nonUniform = String(nonUniform);
  const readout = el('div', { className: 'readout', text: ' ', attrs: { 'aria-live': 'off' } });
  canvas.addEventListener('mousemove', (event) => {
    const x = Math.min(map.width - 1, Math.max(0, Math.floor((event.offsetX / canvas.clientWidth) * map.width)));
    const y = Math.min(map.height - 1, Math.max(0, Math.floor((event.offsetY / canvas.clientHeight) * map.height)));
    readout.textContent = readoutText(map, x, y);
  });
  canvas.addEventListener('mouseleave', () => (readout.textContent = ' '));
  const figure = el('figure', { className: `map-figure map-${map.kind}` }, [
    el('figcaption', {}, [el('strong', { text: map.title }), el('span', { className: 'caption', text: map.caption })]),
    canvas,
    map.kind === 'image' ? null : colorBar(map, range, colormaps, Math.max(widthPx, MIN_FIGURE_WIDTH)),
    readout,
  ]);
  figure.style.width = `${Math.max(widthPx, MIN_FIGURE_WIDTH)}px`;
  return { figure, canvas, nonUniform };
}
