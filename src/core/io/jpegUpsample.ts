/**
 * Chroma upsampling as libjpeg-turbo does it by default (`do_fancy_upsampling`, used by PIL): a triangle filter
 * (3/4 nearer sample + 1/4 further one, with libjpeg's alternating rounding biases) for 2:1 horizontal (4:2:2),
 * 2:1 both ways (4:2:0) and 1:2 vertical (4:4:0); plain replication for other integer factors and for planes at
 * most 2 samples wide. Rows beyond the image edge repeat the edge row, as libjpeg's context rows do.
 */
export interface SamplePlane {
  width: number;
  height: number;
  data: Uint8Array;
}

export function upsamplePlane(plane: SamplePlane, expandX: number, expandY: number): SamplePlane {
  if (expandX === 1 && expandY === 1) return plane;
  const fancy = plane.width > 2;
  if (expandX === 2 && expandY === 1 && fancy) return fancyH2V1(plane);
  if (expandX === 2 && expandY === 2 && fancy) return fancyH2V2(plane);
  if (expandX === 1 && expandY === 2) return fancyH1V2(plane);
  return replicate(plane, expandX, expandY);
}

function fancyH2V1({ width, height, data }: SamplePlane): SamplePlane {
  const out = new Uint8Array(2 * width * height);
  for (let y = 0; y < height; y++) {
    const row = y * width;
    const o = 2 * row;
    for (let x = 0; x < width; x++) {
      const near = 3 * data[row + x];
      out[o + 2 * x] = x === 0 ? data[row] : (near + data[row + x - 1] + 1) >> 2;
      out[o + 2 * x + 1] = x === width - 1 ? data[row + x] : (near + data[row + x + 1] + 2) >> 2;
    }
  }
  return { width: 2 * width, height, data: out };
}

function fancyH2V2({ width, height, data }: SamplePlane): SamplePlane {
  const outWidth = 2 * width;
  const out = new Uint8Array(outWidth * 2 * height);
  const colSum = new Int32Array(width);
  for (let y = 0; y < height; y++) {
    for (let half = 0; half < 2; half++) {
      // Vertical pass: 3 * nearest row + the next nearest (above for the upper output row, below for the lower).
      const other = half === 0 ? Math.max(y - 1, 0) : Math.min(y + 1, height - 1);
      for (let x = 0; x < width; x++) colSum[x] = 3 * data[y * width + x] + data[other * width + x];
      const o = (2 * y + half) * outWidth;
      for (let x = 0; x < width; x++) {
        const here = colSum[x];
        out[o + 2 * x] = x === 0 ? (4 * here + 8) >> 4 : (3 * here + colSum[x - 1] + 8) >> 4;
        out[o + 2 * x + 1] = x === width - 1 ? (4 * here + 7) >> 4 : (3 * here + colSum[x + 1] + 7) >> 4;
      }
    }
  }
  return { width: outWidth, height: 2 * height, data: out };
}

function fancyH1V2({ width, height, data }: SamplePlane): SamplePlane {
  const out = new Uint8Array(width * 2 * height);
  for (let y = 0; y < height; y++) {
    for (let half = 0; half < 2; half++) {
      const other = half === 0 ? Math.max(y - 1, 0) : Math.min(y + 1, height - 1);
      const bias = half === 0 ? 1 : 2;
      const o = (2 * y + half) * width;
      for (let x = 0; x < width; x++) out[o + x] = (3 * data[y * width + x] + data[other * width + x] + bias) >> 2;
    }
  }
  return { width, height: 2 * height, data: out };
}

function replicate({ width, height, data }: SamplePlane, expandX: number, expandY: number): SamplePlane {
  const outWidth = width * expandX;
  const out = new Uint8Array(outWidth * height * expandY);
  for (let y = 0; y < height * expandY; y++) {
    const row = Math.floor(y / expandY) * width;
    for (let x = 0; x < outWidth; x++) out[y * outWidth + x] = data[row + Math.floor(x / expandX)];
  }
  return { width: outWidth, height: height * expandY, data: out };
}
