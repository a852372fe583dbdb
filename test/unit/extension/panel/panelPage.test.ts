import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderPanelPage } from '../../../../src/extension/panel/panelPage';

test('the panel page carries its CSP, an escaped title and the root the panel script fills, in order', () => {
  const html = renderPanelPage({
    csp: ["default-src 'none'", "script-src 'nonce-abc'"],
    title: 'a <b> & "c"',
    head: '<link rel="stylesheet" href="x.css">',
    bodyClass: 'auglens-report',
    body: '<script nonce="abc" src="w.js"></script>',
  });
  assert.ok(html.startsWith('<!DOCTYPE html>\n<html lang="en">'));
  assert.ok(html.includes(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'nonce-abc'">`));
  assert.ok(html.includes('<title>a &#60;b&#62; &#38; &#34;c&#34;</title>'));
  assert.ok(html.includes('<body class="auglens-report">'));
  const order = ['<meta charset', '<title>', 'x.css', '</head>', 'id="auglens-panel"', 'id="model-name"', 'id="status-line"', 'w.js', '</html>'];
  const positions = order.map((s) => html.indexOf(s));
  assert.ok(positions.every((p, k) => p >= 0 && (k === 0 || p > positions[k - 1])), positions.join(','));
  assert.ok(renderPanelPage({ csp: [], title: 't', head: '', body: '' }).includes('<body>\n'));
});
