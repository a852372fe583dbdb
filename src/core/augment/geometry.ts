import { createImage, type Image } from '../image';

/** img[:, top : top + height, left : left + width]; the window must lie inside the image. */
export function cropImage(img: Image, top: number, left: number, height: number, width: number): Image {
  if (top < 0 || left < 0 || top + height > img.height || left + width > img.width) {
    throw new Error(`crop ${height}x${width} at (${top}, ${left}) leaves the ${img.height}x${img.width} image`);
  }
  const out = createImage(img.channels, height, width);
  for (let c = 0; c < img.channels; c++) {
    for (let y = 0; y < height; y++) {
      const s = (c * img.height + top + y) * img.width + left;
      out.data.set(img.data.subarray(s, s + width), (c * height + y) * width);
    }
  }
  return out;
}

export function flipHorizontal(img: Image): Image {
  const out = createImage(img.channels, img.height, img.width, img.data.slice());
  const w = img.width;
  for (let o = 0; o < out.data.length; o += w) out.data.subarray(o, o + w).reverse();
  return out;
}

export function flipVertical(img: Image): Image {
  const out = createImage(img.channels, img.height, img.width);
  const { height: h, width: w } = img;
  for (let c = 0; c < img.channels; c++) {
    for (let y = 0; y < h; y++) {
      const s = (c * h + h - 1 - y) * w;
      out.data.set(img.data.subarray(s, s + w), (c * h + y) * w);
    }
  }
  return out;
}

/** out[y, x] = img[y - ty, x - tx], the fill outside: an affine warp by whole pixels with nearest sampling. */
export function translateImage(img: Image, tx: number, ty: number, fills: Float32Array): Image {
  const out = createImage(img.channels, img.height, img.width);
  const { height: h, width: w } = img;
  for (let c = 0; c < img.channels; c++) {
    for (let y = 0; y < h; y++) {
      const sy = y - ty;
      const o = (c * h + y) * w;
      for (let x = 0; x < w; x++) {
        const sx = x - tx;
        out.data[o + x] = sy < 0 || sy >= h || sx < 0 || sx >= w ? fills[c] : img.data[(c * h + sy) * w + sx];
      }
    }
  }
  return out;
}

/** Python's round(): half to even. torchvision's CenterCrop offsets use it. */
export function roundHalfEven(v: number): number {
  const r = Math.round(v);
  return Math.abs(v % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}
