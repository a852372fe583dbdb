import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { formatPolicy, parsePolicy } from '../../../../src/core/policy';
import { scanPython, type AnalysisTarget, type PythonScan } from '../../../../src/core/python';
import { CIFAR, IMAGENET, MULTILINE, NON_LITERAL, V2 } from './recipes';

/** The source text a span covers. */
const at = (source: string, span: { start: number; end: number }) => source.slice(span.start, span.end);
/** The canonical policy of hand-written torchvision text: the oracle for what the scanner should hand the engine. */
const canonical = (text: string) => formatPolicy(parsePolicy(text));
const anchors = (source: string, scan: PythonScan) => scan.targets.map((t) => at(source, t.anchor));
const hintAt = (source: string, scan: PythonScan, text: string) => scan.hints.find((h) => at(source, h.span) === text);

describe('scanPython on the CIFAR-10 recipe', () => {
  const scan = scanPython(CIFAR);

  test('the training Compose and each of its random transforms are targets; the test Compose is not', () => {
    assert.deepEqual(anchors(CIFAR, scan), ['transforms.Compose', 'transforms.RandomCrop(32, padding=4)', 'transforms.RandomHorizontalFlip()']);
    assert.deepEqual(scan.targets.map((t) => t.kind), ['compose', 'transform', 'transform']);
    assert.equal(at(CIFAR, scan.targets[0].span).split('\n').length, 6, 'the Compose spans its six lines');
    assert.deepEqual(scan.hints, []);
  });

  test('each target carries the policy the engine analyses, the trailing Normalize as the input normalisation', () => {
    const [compose, crop, flip] = scan.targets;
    assert.equal(compose.policy, canonical('RandomCrop(32, padding=4); RandomHorizontalFlip()'));
    assert.equal(crop.policy, canonical('RandomCrop(32, padding=4)'));
    assert.equal(flip.policy, canonical('RandomHorizontalFlip()'));
    for (const target of scan.targets) {
      assert.deepEqual(target.normalization?.mean, [0.4914, 0.4822, 0.4465]);
      assert.deepEqual(target.normalization?.std, [0.2023, 0.1994, 0.201]);
    }
    assert.deepEqual(crop.leftOut, ['RandomHorizontalFlip']);
    assert.deepEqual(flip.leftOut, ['RandomCrop']);
    assert.deepEqual(compose.steps, ['RandomCrop(size=(32, 32), padding=(4, 4, 4, 4))', 'RandomHorizontalFlip(p=0.5)']);
  });
});

describe('scanPython on the ImageNet recipe', () => {
  const scan = scanPython(IMAGENET);

  test('a Normalize bound to a variable once is read through it; the validation Compose has nothing random', () => {
    const flip = scan.targets.find((t) => t.name === 'RandomHorizontalFlip');
    assert.ok(flip, 'the flip is a target');
    assert.equal(flip.policy, canonical('RandomHorizontalFlip()'));
    assert.deepEqual(flip.normalization?.mean, [0.485, 0.456, 0.406]);
    assert.deepEqual(flip.leftOut, ['RandomResizedCrop']);
    assert.ok(scan.targets.every((t) => t.span.start < IMAGENET.indexOf('val_dataset')), 'no target in the validation pipeline');
    assert.equal(hintAt(IMAGENET, scan, 'normalize'), undefined, 'no "variable" hint on normalize');
  });
});

describe('scanPython on the v2 pipeline', () => {
  const scan = scanPython(V2);

  test('ToDtype(torch.uint8) gets the policy error on its argument, and the Compose a hint pointing there', () => {
    const dtype = hintAt(V2, scan, 'torch.uint8');
    assert.ok(dtype, 'a hint on torch.uint8');
    assert.match(dtype.message, /^ToDtype: argument 'dtype' must be torch\.float32 or torch\.float64/);
    const compose = hintAt(V2, scan, 'v2.Compose');
    assert.equal(compose?.message, 'this Compose is not analysed as a whole: see the AugLens hint on ToDtype (line 6)');
  });

  test('the flip is still analysable on its own, with the v2 Normalize as input normalisation', () => {
    assert.deepEqual(anchors(V2, scan), ['v2.RandomHorizontalFlip(p=0.5)']);
    assert.deepEqual(scan.targets[0].normalization?.std, [0.229, 0.224, 0.225]);
    assert.deepEqual(scan.targets[0].leftOut, ['ToDtype'], 'the unreadable ToDtype is named as left out');
  });
});

describe('scanPython on aliased, multi-line code with comments', () => {
  const scan = scanPython(MULTILINE);
  const byName = (name: string) => scan.targets.find((t) => t.name === name) as AnalysisTarget;

  test('finds every transform through its import alias', () => {
    assert.deepEqual(scan.targets.map((t) => t.name), ['Compose', 'RandomCrop', 'RandomHorizontalFlip', 'RandomAffine', 'RandomVerticalFlip']);
    assert.deepEqual(scan.hints, []);
  });

  test('reads arguments across lines and comments, and InterpolationMode through its alias', () => {
    assert.equal(byName('RandomCrop').policy, canonical("RandomCrop(28, padding=(2, 2), padding_mode='reflect')"));
    assert.equal(byName('RandomHorizontalFlip').policy, canonical('RandomHorizontalFlip(p=0.25)'));
    assert.equal(
      byName('RandomAffine').policy,
      canonical('RandomAffine(degrees=0, translate=(0.1, 0.1), interpolation=InterpolationMode.BILINEAR)'),
    );
    assert.match(at(MULTILINE, byName('RandomCrop').span), /^RandomCrop\(\n {12}28, {10}# MNIST size\n[\s\S]*\)$/);
  });

  test('a transform after a line continuation is a standalone target with no normalisation', () => {
    const vflip = byName('RandomVerticalFlip');
    assert.equal(at(MULTILINE, vflip.anchor), 'T.RandomVerticalFlip(0.1)');
    assert.equal(vflip.policy, canonical('RandomVerticalFlip(0.1)'));
    assert.equal(vflip.normalization, null);
  });
});

describe('scanPython on values it cannot read', () => {
  const scan = scanPython(NON_LITERAL);
  const reads = 'AugLens reads literal values only and does not run your code';

  test('a hint on each non-literal argument, saying what it is', () => {
    const expected: [string, string][] = [
      ['crop_size', `RandomCrop is not analysed: argument 'size' is the variable 'crop_size'; ${reads}`],
      ['cfg.padding', `RandomCrop is not analysed: argument 'padding' is the attribute 'cfg.padding'; ${reads}`],
      ['random.random()', `RandomHorizontalFlip is not analysed: argument 'p' is a function call 'random.random()'; ${reads}`],
      ['mean', `Normalize is not analysed: argument 'mean' is the variable 'mean'; ${reads}`],
      ['std', `Normalize is not analysed: argument 'std' is the variable 'std'; ${reads}`],
      ['lambda img: img', `Lambda is not analysed: argument 1 is a lambda 'lambda img: img'; ${reads}`],
    ];
    for (const [text, message] of expected) assert.equal(hintAt(NON_LITERAL, scan, text)?.message, message, text);
  });

  test('never a number: nothing here is a target, and the enclosing calls point at the first problem', () => {
    assert.deepEqual(scan.targets, []);
    assert.equal(hintAt(NON_LITERAL, scan, 'T.Compose')?.message, 'this Compose is not analysed as a whole: see the AugLens hint on RandomCrop (line 7)');
    assert.equal(hintAt(NON_LITERAL, scan, 'T.RandomApply')?.message, 'this RandomApply is not analysed as a whole: see the AugLens hint on Lambda (line 10)');
  });
});

describe('scanPython: tokens that only look like transforms', () => {
  test('strings, comments, docstrings, definitions and attribute calls are not transform calls', () => {
    const source = [
      'import torchvision.transforms as T',
      'text = "T.RandomCrop(32)"  # T.RandomHorizontalFlip()',
      "doc = '''",
      'T.RandomVerticalFlip()',
      "'''",
      "name = f'{T.RandomCrop(8)}'",
      'def RandomCrop(size): pass',
      'self.T.RandomCrop(4)',
    ].join('\n');
    const scan = scanPython(source);
    assert.deepEqual(scan.targets, []);
    assert.deepEqual(scan.hints, []);
  });

  test('brackets inside strings do not confuse argument splitting', () => {
    const source = "from torchvision import transforms\nt = transforms.RandomCrop(8, padding_mode='edge', padding=[1, 2])  # ) ]\n";
    const [target] = scanPython(source).targets;
    assert.equal(target.policy, canonical("RandomCrop(8, padding_mode='edge', padding=[1, 2])"));
  });

  test('a Compose still being typed (no closing bracket) leaves its complete transforms analysable', () => {
    const source = 'import torchvision.transforms as T\ntf = T.Compose([T.RandomCrop(32), T.RandomHorizontalFlip()\n';
    assert.deepEqual(scanPython(source).targets.map((t) => t.name), ['RandomCrop', 'RandomHorizontalFlip']);
  });

  test('names are transforms only through a torchvision import', () => {
    const albumentations = 'import albumentations as A\nA.RandomCrop(8, 8)\nT.RandomCrop(8)\n';
    assert.deepEqual(scanPython(albumentations).targets, []);
  });
});

describe('scanPython: the import forms of torchvision transforms', () => {
  const forms: [string, string][] = [
    ['import torchvision.transforms.v2 as v2', 'v2.RandomCrop(8)'],
    ['import torchvision', 'torchvision.transforms.RandomCrop(8)'],
    ['import torchvision.transforms', 'torchvision.transforms.v2.RandomCrop(8)'],
    ['from torchvision.transforms import *', 'RandomCrop(8)'],
    ['from torchvision.transforms.v2 import RandomCrop as RC', 'RC(8)'],
    ['from torchvision.transforms import v2 as T', 'T.RandomCrop(8)'],
    ['try:\n    from torchvision.transforms import v2\nexcept ImportError:\n    pass', 'v2.RandomCrop(8)'],
  ];
  for (const [imports, call] of forms) {
    test(`${imports.split('\n')[0]} ... ${call}`, () => {
      const source = `${imports}\ncrop = ${call}\n`;
      const scan = scanPython(source);
      assert.deepEqual(anchors(source, scan), [call]);
      assert.equal(scan.targets[0].policy, canonical('RandomCrop(8)'));
    });
  }
});

describe('scanPython: policy errors land on the exact characters, with the obvious fix', () => {
  test('an unknown transform: hint on the callee, fix replacing the misspelled name', () => {
    const source = 'import torchvision.transforms as T\nt = T.RandomHorizontalFlp()\n';
    const [hint] = scanPython(source).hints;
    assert.equal(at(source, hint.span), 'T.RandomHorizontalFlp');
    assert.match(hint.message, /^unknown transform 'RandomHorizontalFlp' \(did you mean RandomHorizontalFlip\?\)/);
    assert.equal(hint.fix && at(source, hint.fix.span), 'RandomHorizontalFlp');
    assert.equal(hint.fix?.text, 'RandomHorizontalFlip');
  });

  test('a misspelled keyword: fix on the keyword', () => {
    const source = 'import torchvision.transforms as T\nt = T.RandomCrop(32, paddin=4)\n';
    const [hint] = scanPython(source).hints;
    assert.equal(at(source, hint.span), 'paddin');
    assert.deepEqual({ text: hint.fix?.text, at: hint.fix && at(source, hint.fix.span) }, { text: 'padding', at: 'paddin' });
  });

  test('an invalid value spread over tokens maps back to all of them', () => {
    const source = 'import torchvision.transforms as T\nt = T.RandomCrop(32, padding = - 4)\n';
    const [hint] = scanPython(source).hints;
    assert.equal(at(source, hint.span), '- 4');
    assert.match(hint.message, /^RandomCrop: argument 'padding'/);
  });

  test('a transform AugLens will not support: the reason, on the callee', () => {
    const source = 'from torchvision import transforms\nt = transforms.Compose([transforms.PILToTensor(), transforms.RandomHorizontalFlip()])\n';
    const scan = scanPython(source);
    const hint = hintAt(source, scan, 'transforms.PILToTensor');
    assert.match(hint?.message ?? '', /^PILToTensor is not supported: /);
    assert.deepEqual(scan.targets.map((t) => t.name), ['RandomHorizontalFlip']);
  });
});

describe('scanPython: literal spellings and normalisation placement', () => {
  test('u-strings, hex numbers, arithmetic and one-element tuples become policy literals', () => {
    const source = "import torchvision.transforms as T\nt = T.RandomCrop(0x10 + 0, padding=(2 * 2,), padding_mode=u'edge')\n";
    const scan = scanPython(source);
    assert.deepEqual(scan.hints.map((h) => at(source, h.span)), ['0x10 + 0'], 'hex inside arithmetic is not folded: a hint');
    const plain = "import torchvision.transforms as T\nt = T.RandomCrop(0x10, padding=(2 * 2,), padding_mode=u'edge')\n";
    assert.equal(scanPython(plain).targets[0].policy, canonical("RandomCrop(16, padding=(4,), padding_mode='edge')"));
  });

  test('a Normalize before a random transform stays in the policy, and the model then gets its output as is', () => {
    const source = 'import torchvision.transforms as T\nt = T.Compose([T.ToTensor(), T.Normalize((0.5,), (0.5,)), T.RandomHorizontalFlip()])\n';
    const [compose, flip] = scanPython(source).targets;
    assert.equal(compose.policy, canonical('Normalize((0.5,), (0.5,)); RandomHorizontalFlip()'));
    assert.deepEqual([compose.normalization?.mean, compose.normalization?.std], [[0], [1]]);
    assert.equal(flip.policy, compose.policy, 'the flip is analysed with the deterministic Normalize before it');
  });

  test('the deterministic steps around a random transform are kept in order', () => {
    const source = 'import torchvision.transforms as T\nt = T.Compose([T.Resize(40), T.RandomCrop(36), T.CenterCrop(32), T.RandomHorizontalFlip()])\n';
    const flip = scanPython(source).targets.find((t) => t.name === 'RandomHorizontalFlip');
    assert.equal(flip?.policy, canonical('Resize(40); CenterCrop(32); RandomHorizontalFlip()'));
    assert.deepEqual(flip?.leftOut, ['RandomCrop']);
  });
});
