import { createImage, type Image } from '../image';
import type { Mixture, Shape, WindowFamily } from './mixture';
import { knownContent, rememberContent, type CanvasContent } from './constantPadLift';
import { singleOffset, type OffsetSet } from './offsets';

/**
 * A family whose canvas is computed when read and not kept: quadrature outcome sets of continuous transforms hold
 * thousands of canvases, more than memory allows, while the model engine reads a few of them at a time. The canvas
 * shape is known without computing it.
 */
export interface LazyFamily extends WindowFamily {
  readonly canvasShape: Shape;
  /** The fill margins its canvas will have (a constant pad made it), as structure. */
  readonly content?: CanvasContent;
}

export function lazyFamily(weight: number, canvas: () => Image, canvasShape: Shape, offsets: OffsetSet = singleOffset(), content?: CanvasContent): LazyFamily {
  return {
    weight,
    offsets,
    canvasShape,
    content,
    get base() {
      return canvas();
    },
  };
}

export function isLazy(f: WindowFamily): f is LazyFamily {
  return (f as LazyFamily).canvasShape !== undefined;
}

/** The shape of a family's canvas, without computing a lazy one. */
export function canvasShapeOf(f: WindowFamily): Shape {
  return isLazy(f) ? f.canvasShape : { channels: f.base.channels, height: f.base.height, width: f.base.width };
}

/** The same family with another weight, still lazy if it was. */
export function reweighted(f: WindowFamily, weight: number): WindowFamily {
  return isLazy(f) ? lazyFamily(weight, () => f.base, f.canvasShape, f.offsets, f.content) : { weight, base: f.base, offsets: f.offsets };
}

/** Values a mixture holds once every canvas is computed. */
export function materializedSize(m: Mixture): number {
  return m.families.reduce((s, f) => {
    const c = isLazy(f) ? f.canvasShape : f.base;
    return s + c.channels * c.height * c.width;
  }, 0);
}

/** The same mixture with every canvas computed once and kept (for repeated reads: Gram matrices, Krylov). */
export function materialize(m: Mixture): Mixture {
  return { shape: m.shape, families: m.families.map((f) => (isLazy(f) ? { weight: f.weight, base: f.base, offsets: f.offsets } : f)) };
}

/**
 * lift(m) that keeps lazy families lazy: an exact step's family structure (weights, offsets, canvas shapes) does not
 * depend on pixel values, so it is read off the lift of a blank canvas, and each resulting canvas is computed on
 * demand by lifting the real family. Materialised families are lifted as they are.
 */
export function liftKeepingLazy(lift: (m: Mixture) => Mixture, m: Mixture): Mixture {
  const lazy = m.families.filter(isLazy);
  if (lazy.length === 0) return lift(m);
  const eager = m.families.filter((f) => !isLazy(f));
  const families: WindowFamily[] = eager.length ? [...lift({ shape: m.shape, families: eager }).families] : [];
  const blanks = new Map<string, Image>();
  let shape = m.shape;
  for (const f of lazy) {
    const c = f.canvasShape;
    const key = `${c.channels}x${c.height}x${c.width}`;
    if (!blanks.has(key)) blanks.set(key, createImage(c.channels, c.height, c.width));
    // A canvas with known fill margins gets a blank of its own that knows them too: lifts read them as structure.
    const blank = f.content ? rememberContent(createImage(c.channels, c.height, c.width), f.content) : blanks.get(key)!;
    const structure = lift({ shape: m.shape, families: [{ weight: f.weight, base: blank, offsets: f.offsets }] });
    shape = structure.shape;
    structure.families.forEach((g, j) => {
      // The canvas is read once, so lifts that merge families over the same canvas object see what the blank saw.
      const read = () => lift({ shape: m.shape, families: [{ weight: f.weight, base: f.base, offsets: f.offsets }] }).families[j].base;
      families.push(lazyFamily(g.weight, read, g.base, g.offsets, knownContent(g.base)));
    });
  }
  return { shape, families };
}
