import type { Image } from '../image';
import { knownContent, rememberContent } from './constantPadLift';
import { flipHorizontal, flipVertical } from './geometry';

/**
 * Mirror images of canvases, remembered so that flips compose as the group they form: flipping a canvas twice the same
 * way gives back the very canvas object, and a horizontal then a vertical flip the same object as the reverse order.
 * Outcome sets then recognise identical canvases by identity (mergeSameCanvas), whatever the pixel values.
 */
interface Orbit {
  readonly source: Image;
  readonly horizontal: boolean;
  readonly vertical: boolean;
}

const orbitOf = new WeakMap<Image, Orbit>();
const membersOf = new WeakMap<Image, Map<string, Image>>();

export function flippedCanvas(img: Image, horizontal: boolean): Image {
  const o = orbitOf.get(img) ?? { source: img, horizontal: false, vertical: false };
  const element = { source: o.source, horizontal: o.horizontal !== horizontal, vertical: o.vertical !== !horizontal };
  if (!element.horizontal && !element.vertical) return o.source;
  let members = membersOf.get(o.source);
  if (!members) membersOf.set(o.source, (members = new Map()));
  const key = `${element.horizontal}${element.vertical}`;
  let canvas = members.get(key);
  if (!canvas) {
    canvas = horizontal ? flipHorizontal(img) : flipVertical(img);
    const c = knownContent(img);
    if (c) {
      const { height: h, width: w } = img;
      rememberContent(canvas, horizontal ? { ...c, left: w - c.right, right: w - c.left } : { ...c, top: h - c.bottom, bottom: h - c.top });
    }
    members.set(key, canvas);
    orbitOf.set(canvas, element);
  }
  return canvas;
}
