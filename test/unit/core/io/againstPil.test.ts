import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { decodeImage } from '../../../../src/core/io/decode';
import { imageToPng } from '../../../../src/core/io/encode';
import { makeExampleImage } from '../../../../src/core/io/exampleImage';
import { buildPng, GRAY_ALPHA, PALETTE, RGB, RGBA } from './pngBuilder';
import { pythonWith, runPython, skipWithout } from './python';

/**
 * Writes PNGs and JPEGs of many kinds with PIL (next to the PNGs pngBuilder made: Adam7-interlaced, 16-bit,
 * palette with transparency), then for each file the reference a dataset sees:
 * Image.open(f).convert('L' for grayscale files, else 'RGB') as raw uint8 HWC bytes (NAME.ref) and
 * its shape (NAME.shape, "C H W").
 */
const MAKE_FILES = `
import os, sys
from PIL import Image
out = sys.argv[1]
src = Image.open(out + '/source.png').convert('RGB')
odd = src.crop((3, 5, 40, 34))
odd.save(out + '/rgb.png')
odd.convert('L').save(out + '/gray.png')
la = odd.convert('L'); la.putalpha(odd.getchannel('G')); la.save(out + '/gray_alpha.png')
rgba = odd.copy(); rgba.putalpha(odd.getchannel('B')); rgba.save(out + '/rgba.png')
odd.quantize(16).save(out + '/palette4.png', bits=4)
odd.convert('L').point(lambda v: 255 if v > 100 else 0).convert('1').save(out + '/bilevel.png')
odd.save(out + '/q95_444.jpg', quality=95, subsampling=0)
odd.save(out + '/q75_422.jpg', quality=75, subsampling=1)
src.save(out + '/q85_420.jpg', quality=85, subsampling=2)
src.save(out + '/q85_420_progressive.jpg', quality=85, progressive=True)
src.save(out + '/q60_restart.jpg', quality=60, restart_marker_blocks=2)
odd.convert('L').save(out + '/gray_q90.jpg', quality=90)
odd.convert('CMYK').save(out + '/cmyk_q95.jpg', quality=95)
for name in [n for n in os.listdir(out) if n.endswith(('.png', '.jpg')) and n != 'source.png']:
    im = Image.open(out + '/' + name)
    # grayscale: PNG colour types 0 and 4 (Pillow 9.4 opens 16-bit gray+alpha as RGBA), 1-component JPEGs
    gray = open(out + '/' + name, 'rb').read()[25] in (0, 4) if name.endswith('.png') else im.mode == 'L'
    mode = 'L' if gray else 'RGB'
    conv = im.convert(mode)
    open(out + '/' + name + '.ref', 'wb').write(conv.tobytes())
    open(out + '/' + name + '.shape', 'w').write('%d %d %d' % (len(mode), conv.size[1], conv.size[0]))
`;

describe('decodeImage against PIL + ToTensor', { skip: skipWithout('PIL', 'python3-pil') }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'auglens-pil-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'source.png'), imageToPng(makeExampleImage()));
  const samples = (count: number, bound: number) => Array.from({ length: count }, (_, i) => (i * 7919 + 13) % bound);
  writeFileSync(join(dir, 'adam7_rgb.png'), buildPng({ width: 13, height: 10, colorType: RGB, bitDepth: 8, samples: samples(390, 256), interlaced: true }));
  writeFileSync(join(dir, 'rgba16.png'), buildPng({ width: 6, height: 5, colorType: RGBA, bitDepth: 16, samples: samples(120, 65536) }));
  writeFileSync(join(dir, 'gray_alpha16.png'), buildPng({ width: 6, height: 5, colorType: GRAY_ALPHA, bitDepth: 16, samples: samples(60, 65536) }));
  const palette = Array.from({ length: 4 }, (_, i) => [60 * i, 255 - 50 * i, (90 * i) % 256]);
  const trns = Uint8Array.of(0, 128);
  writeFileSync(join(dir, 'palette2_trns.png'), buildPng({ width: 9, height: 4, colorType: PALETTE, bitDepth: 2, samples: samples(36, 4), palette, trns }));
  runPython(pythonWith('PIL')!, MAKE_FILES, [dir]);

  const files = readdirSync(dir).filter((f) => /\.(png|jpg)$/.test(f) && f !== 'source.png');
  for (const name of files) {
    const isJpeg = name.endsWith('.jpg');
    it(`${name}: same shape, ${isJpeg ? 'within 3/255 (IDCT rounding)' : 'identical values'}`, () => {
      const img = decodeImage(readFileSync(join(dir, name)), name);
      const [c, h, w] = readFileSync(join(dir, `${name}.shape`), 'utf8').split(' ').map(Number);
      assert.deepEqual([img.channels, img.height, img.width], [c, h, w]);
      const ref = readFileSync(join(dir, `${name}.ref`)); // HWC
      const plane = h * w;
      let max = 0;
      let sum = 0;
      for (let p = 0; p < plane; p++) {
        for (let k = 0; k < c; k++) {
          const d = Math.abs(Math.round(img.data[k * plane + p] * 255) - ref[p * c + k]);
          max = Math.max(max, d);
          sum += d;
        }
      }
      if (isJpeg) {
        assert.ok(max <= 3, `max difference ${max}/255`);
        assert.ok(sum / ref.length < 0.25, `mean difference ${sum / ref.length}/255`);
      } else {
        assert.equal(max, 0);
      }
    });
  }
});
