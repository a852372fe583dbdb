import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { lineColumn, PolicyError, type PolicyErrorKind } from '../../../../src/core/policy/index';
import { assertPolicyError } from './helpers';

const SUPPORTED = 'supported: Compose, RandomApply, RandomCrop, RandomHorizontalFlip, RandomVerticalFlip, RandomAffine, Resize, CenterCrop, Normalize, RandomRotation, ColorJitter, GaussianBlur, RandomResizedCrop, RandomGrayscale, GaussianNoise, RandomErasing (and, as no-ops, ToTensor, ToImage, ToPureTensor, Identity, ConvertImageDtype, ToDtype)';

/** [policy, message, the text the span covers, which occurrence of it (default 0)] */
type Case = readonly [string, string, string, number?];

function check(kind: PolicyErrorKind, cases: readonly Case[]): void {
  for (const [text, message, at, occurrence] of cases) {
    it(`${text} -> ${message.slice(0, 70)}`, () => {
      assertPolicyError(text, { kind, message, at, occurrence });
    });
  }
}

describe('syntax errors point at the offending character', () => {
  check('syntax', [
    ['RandomCrop(32,, padding=4)', "syntax error: expected a value, found ','", ',', 1],
    ['RandomCrop(32) RandomHorizontalFlip()', "syntax error: expected ';', ',' or a new line between transforms, found 'RandomHorizontalFlip'", 'RandomHorizontalFlip'],
    ['RandomCrop(32 @ 2)', "syntax error: unexpected character '@'", '@'],
    ['RandomCrop(32))', "syntax error: unmatched ')'", ')', 1],
    ['Compose([RandomCrop(32)', "syntax error: '[' is never closed", '['],
    ['Compose([RandomCrop(32)))', "syntax error: expected ',' or ']', found ')'", ')', 1],
    ['RandomCrop(size=32, 4)', 'syntax error: positional argument follows keyword argument', '4'],
    ['RandomHorizontalFlip(p=0.1, p=0.2)', "syntax error: keyword argument repeated: 'p'", 'p', 2],
    ["RandomCrop(32, padding_mode='reflect)", 'syntax error: unterminated string', "'reflect)"],
    ['RandomCrop(3x)', "syntax error: invalid number literal '3x'", '3x'],
    ['Normalize((1/0,), (1,))', 'syntax error: division by zero', '0'],
    ['RandomCrop(32 + "a")', 'syntax error: arithmetic works on numbers only', '"a"'],
    ['RandomCrop(32, padding=-"4")', 'syntax error: arithmetic works on numbers only', '"4"'],
    ['RandomAffine(0, interpolation=torch..float)', "syntax error: expected a name after '.', found '.'", '.', 1],
    ['{"type": "RandomCrop" "size": 32}', "syntax error: expected ',' or '}', found a string", '"size"'],
    ['{"type" "RandomCrop"}', "syntax error: expected ':' after a key, found a string", '"RandomCrop"'],
    ['RandomCrop(32, *args)', "syntax error: expected a value, found '*'", '*'],
    ['[{"type": "Random\\uZZCrop"}]', "syntax error: bad escape '\\u'", '\\u'],
    ["RandomCrop(float('abc'))", "syntax error: float() takes a number or a numeric string such as 'nan' or '1e-3'", "'abc'"],
    ['RandomCrop(32)\0', "syntax error: unexpected character '\\x00'", '\0'],
    ['\ufeffRandomCrop(32)', "syntax error: unexpected character '\\ufeff' (a byte-order mark)", '\ufeff'],
  ]);

  it('points into the original text for a JSON policy string', () => {
    assertPolicyError('{"policy": "RandomCrop(32, padding_mode=\\"edge\\") @"}', { kind: 'syntax', message: "syntax error: unexpected character '@'", at: '@' });
  });

  it('gives 1-based line and column of an offset', () => {
    const text = 'Compose([\n  RandomCrop(32),\n  Foo(),\n])';
    const error = assertPolicyError(text, { kind: 'unknown-transform', message: `unknown transform 'Foo'; ${SUPPORTED}`, at: 'Foo' });
    assert.deepEqual(lineColumn(text, error.span.start), { line: 3, column: 3 });
    assert.deepEqual(lineColumn(text, 0), { line: 1, column: 1 });
  });
});

describe('transform names', () => {
  check('unknown-transform', [
    ['RandomCorp(32)', `unknown transform 'RandomCorp' (did you mean RandomCrop?); ${SUPPORTED}`, 'RandomCorp'],
    ['transforms.randomcrop(32)', `unknown transform 'randomcrop' (did you mean RandomCrop?); ${SUPPORTED}`, 'transforms.randomcrop'],
    ['T.RandomRotate(10)', `unknown transform 'RandomRotate' (did you mean RandomRotation?); ${SUPPORTED}`, 'T.RandomRotate'],
    ['Foo()', `unknown transform 'Foo'; ${SUPPORTED}`, 'Foo'],
    ['toString()', `unknown transform 'toString'; ${SUPPORTED}`, 'toString'],
    ['[{"type": "Flip"}]', `unknown transform 'Flip'; ${SUPPORTED}`, '"Flip"'],
    ['A.HorizontalFlip()', `unknown transform 'A.HorizontalFlip': AugLens reads torchvision transforms, bare or after transforms., T., v2. or torchvision.transforms[.v2]; ${SUPPORTED}`, 'A.HorizontalFlip'],
    ['np.RandomCrop(3)', "unknown transform 'np.RandomCrop': AugLens reads torchvision transforms, bare or after transforms., T., v2. or torchvision.transforms[.v2]", 'np.RandomCrop'],
  ]);

  check('unsupported-transform', [
    ['torch.nn.Sequential(RandomCrop(3))', 'torch.nn.Sequential is not supported: write Compose([...]) or a plain list of transforms', 'torch.nn.Sequential'],
    ['T.RandomApply(torch.nn.ModuleList([T.ColorJitter()]), p=0.3)', 'torch.nn.ModuleList is not supported: write Compose([...]) or a plain list of transforms', 'torch.nn.ModuleList'],
    ['Lambda(lambda x: x.flip(-1))', `Lambda is not supported yet; ${SUPPORTED}`, 'Lambda'],
    ['[{"type": "transforms.RandomPerspective", "distortion_scale": 0.2}]', `RandomPerspective is not supported yet; ${SUPPORTED}`, '"transforms.RandomPerspective"'],
    ['T.PILToTensor()', 'PILToTensor is not supported: it keeps integer pixel values in [0, 255], while AugLens works on the float [0, 1] image ToTensor() gives; use ToTensor(), or ToImage() then ToDtype(torch.float32, scale=True)', 'T.PILToTensor'],
    ['ToPILImage(); RandomCrop(8)', 'ToPILImage is not supported: AugLens follows the tensor backend on the float [0, 1] image; remove it (PIL round trips quantise the image)', 'ToPILImage'],
  ]);

  describe('every known torchvision transform without support says "not supported yet"', () => {
    const names = [
      'RandomPerspective', 'ElasticTransform', 'AutoAugment', 'RandAugment', 'TrivialAugmentWide', 'AugMix', 'RandomInvert',
      'RandomPosterize', 'RandomSolarize', 'RandomAdjustSharpness', 'RandomAutocontrast', 'RandomEqualize', 'Grayscale', 'Pad',
      'Lambda', 'RandomChoice', 'RandomOrder', 'FiveCrop', 'TenCrop', 'LinearTransformation', 'RandomIoUCrop', 'RandomZoomOut',
      'ScaleJitter', 'CutMix', 'MixUp', 'JPEG',
    ];
    check('unsupported-transform', names.map((name): Case => [
      `RandomCrop(32); transforms.RandomApply([v2.${name}(0.4, x=1)], p=0.8)`, `${name} is not supported yet; ${SUPPORTED}`, `v2.${name}`,
    ]));
  });
});

describe('structure', () => {
  check('structure', [
    ['', 'the policy is empty: write transforms such as RandomCrop(32, padding=4); RandomHorizontalFlip()', ''],
    ['  # nothing\n', 'the policy is empty: write transforms such as RandomCrop(32, padding=4); RandomHorizontalFlip()', '  # nothing\n'],
    ['{"policy": "  "}', 'the policy is empty: write transforms such as RandomCrop(32, padding=4); RandomHorizontalFlip()', '"  "'],
    ['[32]', 'expected a transform such as RandomCrop(32), got 32', '32'],
    ['Compose([[RandomVerticalFlip()]])', 'expected a transform such as RandomCrop(32), got [RandomVerticalFlip()]', '[RandomVerticalFlip()]'],
    ['Compose([RandomVerticalFlip, ToTensor()])', 'RandomVerticalFlip is a transform class: call it, e.g. RandomVerticalFlip()', 'RandomVerticalFlip'],
    ['Compose([Resize(256), normalize])', 'expected a transform such as RandomCrop(32), got normalize (a variable: AugLens does not run Python, write its value)', 'normalize'],
    ['[{"size": 32}]', 'a JSON transform needs a "type" key, e.g. {"type": "RandomCrop", "size": 32}', '{"size": 32}'],
    ['[{1: 2}]', 'keys of a JSON transform must be strings, got 1', '1'],
    ['[{"type": "RandomCrop", "type": "X"}]', 'duplicate key "type"', '"type"', 1],
    ['[{"size": 3, "type": "CenterCrop", "size": 4}]', 'duplicate key "size"', '"size"', 1],
    ['[{"type": 3}]', '"type" must be a transform name such as "RandomCrop", got 3', '3'],
    ['{"policy": [], "x": 1}', 'a JSON policy object takes a "policy" key (or "type" for a single transform), got "x"', '"x"'],
    ['{}', 'a JSON policy object needs a "policy" key (or "type" for a single transform)', '{}'],
    ['{"policy": [], "policy": []}', 'duplicate key "policy"', '"policy"', 1],
    ['{"policy": 3}', '"policy" must be a list of transforms or a policy string, got 3', '3'],
  ]);
});

describe('arguments: count and names', () => {
  check('argument', [
    ['RandomHorizontalFlip(0.5, 0.3)', 'RandomHorizontalFlip takes at most 1 positional argument (p), got 2', '0.3'],
    ['RandomCrop(32, 4, False, 0, "edge", 1)', 'RandomCrop takes at most 5 positional arguments (size, padding, pad_if_needed, fill, padding_mode), got 6', '1'],
    ['ToTensor(1)', 'ToTensor takes no arguments', '1'],
    ['ToTensor(x=1)', "ToTensor takes no arguments, got 'x'", 'x'],
    ['RandomCrop(32, paddding=4)', "RandomCrop has no argument 'paddding' (did you mean padding?); its arguments are size, padding, pad_if_needed, fill, padding_mode", 'paddding'],
    ['[{"type": "RandomCrop", "size": 32, "pad": 4}]', "RandomCrop has no argument 'pad'; its arguments are size, padding, pad_if_needed, fill, padding_mode", '"pad"'],
    ['RandomAffine(10, resample=2)', "RandomAffine has no argument 'resample'; its arguments are degrees, translate, scale, shear, interpolation, fill, center", 'resample'],
    ['RandomCrop(32, size=32)', "RandomCrop got multiple values for argument 'size'", 'size'],
    ['RandomCrop()', "RandomCrop is missing required argument 'size'", 'RandomCrop()'],
    ['RandomAffine(translate=(0.1, 0.1))', "RandomAffine is missing required argument 'degrees'", 'RandomAffine(translate=(0.1, 0.1))'],
    ['Normalize((0.5,))', "Normalize is missing required argument 'std'", 'Normalize((0.5,))'],
    ['ToDtype(scale=True)', "ToDtype is missing required argument 'dtype'", 'ToDtype(scale=True)'],
    ['[{"type": "Resize"}]', "Resize is missing required argument 'size'", '{"type": "Resize"}'],
    ['RandomApply(p=0.5)', "RandomApply is missing required argument 'transforms'", 'RandomApply(p=0.5)'],
  ]);
});

describe('arguments: types and ranges', () => {
  check('argument', [
    ['RandomHorizontalFlip(p=1.5)', "RandomHorizontalFlip: argument 'p' must be a probability in [0, 1], got 1.5", '1.5'],
    ['RandomApply([RandomVerticalFlip()], p=-0.1)', "RandomApply: argument 'p' must be a probability in [0, 1], got -0.1", '-0.1'],
    ['RandomVerticalFlip(p="0.5")', "RandomVerticalFlip: argument 'p' must be a probability in [0, 1], got \"0.5\"", '"0.5"'],
    ['RandomVerticalFlip(p=True)', "RandomVerticalFlip: argument 'p' must be a probability in [0, 1], got True", 'True'],
    ['RandomCrop(-32)', "RandomCrop: argument 'size' must be a positive int or a sequence (h, w) of positive ints, got -32", '-32'],
    ['RandomCrop((32, 0))', "RandomCrop: argument 'size' must be a positive int or a sequence (h, w) of positive ints, got (32, 0)", '(32, 0)'],
    ['CenterCrop(32.5)', "CenterCrop: argument 'size' must be a positive int or a sequence (h, w) of positive ints, got 32.5", '32.5'],
    ['CenterCrop((1, 2, 3))', "CenterCrop: argument 'size' must be a positive int or a sequence (h, w) of positive ints, got (1, 2, 3)", '(1, 2, 3)'],
    ['[{"type": "RandomCrop", "size": 1e400}]', "RandomCrop: argument 'size' takes finite numbers: NaN and infinity are not valid values for it, got 1e400", '1e400'],
    ['RandomCrop(32, padding=(1, 2, 3))', "RandomCrop: argument 'padding' must be an int or a sequence of 1, 2 or 4 ints, got (1, 2, 3)", '(1, 2, 3)'],
    ['RandomCrop(32, padding=(1, -2))', "RandomCrop: argument 'padding' values must be non-negative, got (1, -2)", '(1, -2)'],
    ['RandomCrop(32, padding=1.5)', "RandomCrop: argument 'padding' must be an int or a sequence of 1, 2 or 4 ints, got 1.5", '1.5'],
    ["RandomCrop(32, padding=4, padding_mode='wrap')", "RandomCrop: argument 'padding_mode' must be one of 'constant', 'edge', 'reflect', 'symmetric', got 'wrap'", "'wrap'"],
    ['RandomCrop(32, pad_if_needed=1)', "RandomCrop: argument 'pad_if_needed' must be True or False, got 1", '1'],
    ['RandomCrop(32, fill="white")', "RandomCrop: argument 'fill' must be a number or a sequence of numbers, got \"white\"", '"white"'],
    ['RandomCrop(32, fill=())', "RandomCrop: argument 'fill' must be a number or a sequence of numbers, got ()", '()'],
    ['[{"type": "RandomCrop", "size": 8, "fill": 1e999}]', "RandomCrop: argument 'fill' takes finite numbers: NaN and infinity are not valid values for it, got 1e999", '1e999'],
    ["RandomHorizontalFlip(p=float('nan'))", "RandomHorizontalFlip: argument 'p' takes finite numbers: NaN and infinity are not valid values for it, got float('nan')", "float('nan')"],
    ['RandomCrop(32, padding=float(" -Infinity "))', "RandomCrop: argument 'padding' takes finite numbers: NaN and infinity are not valid values for it, got float(\" -Infinity \")", 'float(" -Infinity ")'],
    ['RandomAffine(0, translate=(0.1, math.inf))', "RandomAffine: argument 'translate' takes finite numbers: NaN and infinity are not valid values for it, got math.inf", 'math.inf'],
    ['Normalize((0.5, np.nan), (1, 1))', "Normalize: argument 'mean' takes finite numbers: NaN and infinity are not valid values for it, got np.nan", 'np.nan'],
    ['RandomAffine(-10)', "RandomAffine: argument 'degrees' must be non-negative when it is a single number, got -10", '-10'],
    ['RandomAffine((10, -10))', "RandomAffine: argument 'degrees' must give ranges as (min, max) with min <= max, got (10, -10)", '(10, -10)'],
    ['RandomAffine((1, 2, 3))', "RandomAffine: argument 'degrees' must be a non-negative number or a sequence (min, max), got (1, 2, 3)", '(1, 2, 3)'],
    ['RandomAffine(0, translate=(0.1, 1.5))', "RandomAffine: argument 'translate' must be a sequence (a, b) of fractions in [0, 1], got (0.1, 1.5)", '(0.1, 1.5)'],
    ['RandomAffine(0, translate=0.1)', "RandomAffine: argument 'translate' must be a sequence (a, b) of fractions in [0, 1], got 0.1", '0.1'],
    ['RandomAffine(0, scale=(0, 1))', "RandomAffine: argument 'scale' must be a sequence (min, max) of positive numbers, got (0, 1)", '(0, 1)'],
    ['RandomAffine(0, scale=(1.2, 0.8))', "RandomAffine: argument 'scale' must give ranges as (min, max) with min <= max, got (1.2, 0.8)", '(1.2, 0.8)'],
    ['RandomAffine(0, shear=-5)', "RandomAffine: argument 'shear' must be non-negative when it is a single number, got -5", '-5'],
    ['RandomAffine(0, shear=(1, 2, 3))', "RandomAffine: argument 'shear' must be a non-negative number or a sequence of 2 or 4 numbers, got (1, 2, 3)", '(1, 2, 3)'],
    ['RandomAffine(0, shear=(1, 2, 4, 3))', "RandomAffine: argument 'shear' must give ranges as (min, max) with min <= max, got (1, 2, 4, 3)", '(1, 2, 4, 3)'],
    ['RandomRotation(2e38)', "RandomRotation: argument 'degrees' must give ranges with max - min and both ends within 3.4028234663852886e+38 (torch draws them with float32 uniform_), got 2e38", '2e38'],
    ['RandomAffine((-1, 3.5e38))', "RandomAffine: argument 'degrees' must give ranges with max - min and both ends within 3.4028234663852886e+38 (torch draws them with float32 uniform_), got (-1, 3.5e38)", '(-1, 3.5e38)'],
    ['RandomAffine(0, scale=(1, 1e39))', "RandomAffine: argument 'scale' must give ranges with max - min and both ends within 3.4028234663852886e+38 (torch draws them with float32 uniform_), got (1, 1e39)", '(1, 1e39)'],
    ['RandomAffine(0, shear=(0, 1, -2e38, 2e38))', "RandomAffine: argument 'shear' must give ranges with max - min and both ends within 3.4028234663852886e+38 (torch draws them with float32 uniform_), got (0, 1, -2e38, 2e38)", '(0, 1, -2e38, 2e38)'],
    ['RandomAffine(0, shear=1.8e38)', "RandomAffine: argument 'shear' must give ranges with max - min and both ends within 3.4028234663852886e+38 (torch draws them with float32 uniform_), got 1.8e38", '1.8e38'],
    ['RandomAffine(0, center=(1, "a"))', "RandomAffine: argument 'center' must be a sequence (x, y) of numbers, got \"a\"", '"a"'],
    ['Resize(256, interpolation=2)', "Resize: argument 'interpolation' uses an integer (PIL) interpolation code, which torchvision deprecated: write an InterpolationMode such as InterpolationMode.BILINEAR, got 2", '2', 1],
    ['Resize(256, interpolation=PIL.Image.BICUBIC)', "Resize: argument 'interpolation' uses an integer (PIL) interpolation code, which torchvision deprecated: write an InterpolationMode such as InterpolationMode.BILINEAR, got PIL.Image.BICUBIC", 'PIL.Image.BICUBIC'],
    ['Resize(8, interpolation=Image.Resampling.BICUBIC)', "Resize: argument 'interpolation' uses an integer (PIL) interpolation code, which torchvision deprecated: write an InterpolationMode such as InterpolationMode.BILINEAR, got Image.Resampling.BICUBIC", 'Image.Resampling.BICUBIC'],
    ['Resize(256, interpolation="bilinear")', "Resize: argument 'interpolation' must be one of InterpolationMode.NEAREST, InterpolationMode.NEAREST_EXACT, InterpolationMode.BILINEAR, InterpolationMode.BICUBIC, got \"bilinear\"", '"bilinear"'],
    ['Resize(256, interpolation=foo.InterpolationMode.BILINEAR)', "Resize: argument 'interpolation' must be one of InterpolationMode.NEAREST, InterpolationMode.NEAREST_EXACT, InterpolationMode.BILINEAR, InterpolationMode.BICUBIC, got foo.InterpolationMode.BILINEAR", 'foo.InterpolationMode.BILINEAR'],
    ['Resize(256, interpolation=InterpolationMode.LANCZOS)', "Resize: argument 'interpolation' must be one of InterpolationMode.NEAREST, InterpolationMode.NEAREST_EXACT, InterpolationMode.BILINEAR, InterpolationMode.BICUBIC (InterpolationMode.LANCZOS works on PIL images only; AugLens follows the tensor backend), got InterpolationMode.LANCZOS", 'InterpolationMode.LANCZOS'],
    ['[{"type": "Resize", "size": 8, "interpolation": "cubic"}]', "Resize: argument 'interpolation' must be one of InterpolationMode.NEAREST, InterpolationMode.NEAREST_EXACT, InterpolationMode.BILINEAR, InterpolationMode.BICUBIC (tensor backend), got \"cubic\"", '"cubic"'],
    ['RandomAffine(5, interpolation=InterpolationMode.BICUBIC)', "RandomAffine: argument 'interpolation' must be one of InterpolationMode.NEAREST, InterpolationMode.BILINEAR (tensor backend), got InterpolationMode.BICUBIC", 'InterpolationMode.BICUBIC'],
    ['Resize(None, max_size=100)', "Resize: argument 'size' must be given (size=None, which fits the longer edge to max_size, is not supported yet), got None", 'None'],
    ['Resize((256, 256), max_size=300)', "Resize: argument 'max_size' is only allowed when size is an int (the smaller edge), got 300", '300'],
    ['Resize(256, max_size=256)', "Resize: argument 'max_size' must be greater than size (256), got 256", '256', 1],
    ['Resize(256, max_size=0)', "Resize: argument 'max_size' must be a positive int, got 0", '0'],
    ['Resize(256, antialias="warn")', "Resize: argument 'antialias' must be True or False, got \"warn\"", '"warn"'],
    ['Normalize((0.5, 0.5), (0.5, 0))', "Normalize: argument 'std' must not contain 0 (Normalize divides by it), got (0.5, 0)", '(0.5, 0)'],
    ['Normalize((0.5, 0.5, 0.5), (0.5, 0.5))', "Normalize: argument 'std' must have as many values as mean (3), got (0.5, 0.5)", '(0.5, 0.5)'],
    ['Normalize(mean, (0.5,))', "Normalize: argument 'mean' must be a number or a non-empty sequence of numbers, got mean (a variable: AugLens does not run Python, write its value)", 'mean'],
    ['Normalize([], [1])', "Normalize: argument 'mean' must be a number or a non-empty sequence of numbers, got []", '[]'],
    ['Compose(RandomCrop(32))', "Compose: argument 'transforms' must be a list of transforms, got RandomCrop(32)", 'RandomCrop(32)'],
  ]);
});

describe('conversions that would change the [0, 1] float image are rejected with the reason', () => {
  const floatOnly = 'must be torch.float32 or torch.float64: AugLens computes on float images with values in [0, 1]';
  const scale = "ToDtype: argument 'scale' must be True: without scaling, integer images keep values in [0, 255] while AugLens works on [0, 1]; write ToDtype(torch.float32, scale=True)";
  check('argument', [
    ['v2.ToDtype(torch.float32)', scale, 'v2.ToDtype(torch.float32)'],
    ['ToDtype(torch.float32, scale=False)', `${scale}, got False`, 'False'],
    ['ToDtype(torch.uint8, scale=True)', `ToDtype: argument 'dtype' ${floatOnly}, got torch.uint8`, 'torch.uint8'],
    ['ConvertImageDtype(torch.half)', `ConvertImageDtype: argument 'dtype' ${floatOnly}, got torch.half`, 'torch.half'],
    ['ToDtype("float32", scale=True)', "ToDtype: argument 'dtype' must be a torch dtype such as torch.float32, got \"float32\"", '"float32"'],
    ['ToDtype(torch.constructor, scale=True)', "ToDtype: argument 'dtype' must be a torch dtype such as torch.float32, got torch.constructor", 'torch.constructor'],
    ['ToDtype(torch.complex64, scale=True)', "ToDtype: argument 'dtype' must be a torch dtype such as torch.float32, got torch.complex64", 'torch.complex64'],
  ]);
});

describe('PolicyError', () => {
  it('is an Error with a name, a kind and a span', () => {
    const error = assertPolicyError('Foo()', { kind: 'unknown-transform', message: /^unknown transform 'Foo'/, at: 'Foo' });
    assert.ok(error instanceof Error);
    assert.equal(error.name, 'PolicyError');
    assert.ok(error instanceof PolicyError);
  });
});
