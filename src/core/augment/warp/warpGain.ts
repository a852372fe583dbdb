import { cornerWeights, nearbyint, sourceGrid, type WarpMode, type WarpWindow } from './gridSample';

/**
 * A bound on ||L||_2^2 for the linear part L of a warp (out = L x + fill terms): ||L||_2^2 <= ||L||_1 ||L||_inf, the
 * largest column sum (how much weight one source pixel spreads) times the largest row sum (at most 1). The
 * coefficient of a corner is mask * w_a for bilinear, 1 for the nearest in-bounds source.
 */
export function warpGain(m: Float64Array, mode: WarpMode, height: number, width: number, window: WarpWindow): number {
  const columns = new Float64Array(height * width);
  let maxRow = 0;
  const grid = sourceGrid(height, width, window);
  const cx = grid.centreX + m[2];
  const cy = grid.centreY + m[5];
  const corners = new Float64Array(4);
  for (let i = 0; i < window.height; i++) {
    const by = grid.y[i];
    for (let j = 0; j < window.width; j++) {
      const bx = grid.x[j];
      const sx = m[0] * bx + m[1] * by + cx;
      const sy = m[3] * bx + m[4] * by + cy;
      if (mode === 'nearest') {
        const ix = nearbyint(sx);
        const iy = nearbyint(sy);
        if (ix >= 0 && ix < width && iy >= 0 && iy < height) {
          columns[iy * width + ix] += 1;
          maxRow = Math.max(maxRow, 1);
        }
        continue;
      }
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      const mask = cornerWeights(corners, x0, y0, sx - x0, sy - y0, height, width);
      corners.forEach((wgt, k) => {
        if (wgt > 0) columns[(y0 + (k >> 1)) * width + x0 + (k & 1)] += mask * wgt;
      });
      maxRow = Math.max(maxRow, mask * mask);
    }
  }
  return maxRow * columns.reduce((a, b) => Math.max(a, b), 0);
}
