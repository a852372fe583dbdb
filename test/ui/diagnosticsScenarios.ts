// UI scenario for the inline diagnostics: a Python training script with torchvision transforms, analysed from its
// CodeLens in the packaged extension, shows a squiggle and a hover with the numbers. Uses the shared MNIST fixture
// and says so when it is absent.
import * as assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { SHARED_MODELS_DIR } from '../harness/paths';
import { type Scenario, type ScenarioContext, skipScenario } from './scenarios';

const SHARED_IMAGE = join(SHARED_MODELS_DIR, '..', 'images', 'mnist_28.png');
const LENS = 'AugLens: analyse stability';

const TRAIN_PY = `"""MNIST training data (AugLens UI scenario)."""
import torchvision.transforms as T

train_tf = T.Compose([
    T.RandomCrop(28, padding=4),  # pad, then crop back
    T.RandomHorizontalFlip(),
    T.ToTensor(),
])
`;

const BROKEN_POLICY_FILE = `{
  "model": "../mnist-8.onnx",
  "images": ["../training/mnist_28.png"],
  "policy": "RandomCrop(28, padding=4); RandomHorizontalFlp()"
}
`;

/** Writes the script, its policy file and the sample image into training/, a broken policy file into policies/. */
function writeTrainingFolder(workspace: string): void {
  const folder = join(workspace, 'training');
  mkdirSync(folder, { recursive: true });
  copyFileSync(SHARED_IMAGE, join(folder, 'mnist_28.png'));
  writeFileSync(join(folder, 'mnist.auglens.json'), JSON.stringify({ model: '../mnist-8.onnx', images: ['mnist_28.png'], policy: 'RandomCrop(28, padding=4)' }, null, 2));
  writeFileSync(join(folder, 'train.py'), TRAIN_PY);
  // Beside, not inside training/: a second policy file there would make the script's choice ambiguous (AugLens asks).
  mkdirSync(join(workspace, 'policies'), { recursive: true });
  writeFileSync(join(workspace, 'policies', 'broken.auglens.json'), BROKEN_POLICY_FILE);
}

async function openFile(page: Page, name: string): Promise<void> {
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill(name);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first().waitFor();
  await page.keyboard.press('Enter');
  await page.locator('.tabs-container .tab', { hasText: name }).waitFor();
}

export const diagnosticsScenarios: Scenario[] = [
  {
    name: 'a Python training script: CodeLens -> analysis -> squiggle and hover with Std[loss]',
    async run(ctx: ScenarioContext) {
      if (!existsSync(SHARED_IMAGE) || !ctx.models.includes('mnist-8.onnx')) {
        skipScenario('../shared/fixtures with mnist-8.onnx and mnist_28.png is absent');
      }
      const { page } = ctx;
      writeTrainingFolder(ctx.workspace);
      await openFile(page, 'train.py');

      const editor = page.locator('.editor-instance .monaco-editor').first();
      const cropLens = editor.locator('.codelens-decoration a', { hasText: LENS }).nth(1);
      await cropLens.waitFor({ timeout: 30_000 });
      await ctx.screenshot('10-python-codelens');
      await cropLens.click();

      const squiggle = editor.locator('.squiggly-warning, .squiggly-info').first();
      await squiggle.waitFor({ timeout: 60_000 });
      const cropLine = editor.locator('.view-line', { hasText: 'T.RandomCrop(28, padding=4)' });
      await cropLine.locator('span', { hasText: 'RandomCrop' }).first().hover();
      const hover = page.locator('.monaco-hover:not(.hidden)', { hasText: 'AugLens stability' }).first();
      await hover.waitFor({ timeout: 15_000 });
      const text = (await hover.textContent()) ?? '';
      assert.match(text, /Std\[loss\] [\d.]+ under this transform; ~[\d,]+ samples for 1% error/);
      assert.match(text, /samples for 1% error on E\[loss\] \(95%\)/);
      assert.match(text, /mnist_28\.png/);
      await ctx.screenshot('11-python-diagnostic-hover');
      await page.keyboard.press('Escape');
    },
  },
  {
    name: 'a policy file with an unknown transform: error squiggle, message, quick fix applied',
    async run(ctx: ScenarioContext) {
      if (!existsSync(join(ctx.workspace, 'policies', 'broken.auglens.json'))) {
        skipScenario('the Python scenario did not set up training/');
      }
      const { page } = ctx;
      await openFile(page, 'broken.auglens.json');
      const editor = page.locator('.editor-instance .monaco-editor').first();
      await editor.locator('.squiggly-error').first().waitFor({ timeout: 30_000 });
      await editor.locator('.view-line').first().click();
      await page.keyboard.press('F8');
      const marker = page.locator('.marker-widget', { hasText: "unknown transform 'RandomHorizontalFlp'" });
      await marker.waitFor({ timeout: 15_000 });
      assert.match((await marker.textContent()) ?? '', /did you mean RandomHorizontalFlip\?/);
      await ctx.screenshot('12-policy-file-error');
      await page.keyboard.press('Escape');

      await page.keyboard.press('Control+.');
      const fix = page.locator('.action-widget .monaco-list-row', { hasText: "Replace 'RandomHorizontalFlp' with 'RandomHorizontalFlip'" });
      await fix.waitFor({ timeout: 15_000 });
      await ctx.screenshot('13-policy-file-quick-fix');
      await page.keyboard.press('Enter'); // the fix is the first, focused entry (the menu's overlay takes clicks)
      await editor.locator('.view-line', { hasText: 'RandomHorizontalFlip()' }).waitFor();
      await editor.locator('.squiggly-error').waitFor({ state: 'detached', timeout: 15_000 });
    },
  },
];
