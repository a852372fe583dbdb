// The offline report page: the panel's own stylesheet and script inlined, its messages embedded as JSON (arrays in
// base64), and the PNG heatmaps as data URIs for readers without JavaScript. Loads nothing from anywhere.
// Pure: no vscode, no file system.
import { escapeHtml, renderPanelPage } from '../panel/panelPage';

export interface ReportPageParts {
  title: string;
  /** media/panel.css */
  css: string;
  /** dist/webview.js */
  script: string;
  /** The panel's host -> webview messages, from stringifyWithArrays. */
  messagesJson: string;
  /** Text summary shown without JavaScript. */
  summaryText: string;
  pictures: readonly { name: string; png: Uint8Array }[];
}

/** VS Code's theme variables the stylesheet uses, for a page outside VS Code (light, and dark when preferred). */
const THEME_FALLBACK = `:root {
  --vscode-font-family: system-ui, -apple-system, "Segoe UI", Ubuntu, sans-serif;
  --vscode-font-size: 13px;
  --vscode-font-weight: normal;
  --vscode-editor-font-family: ui-monospace, "SF Mono", Menlo, Consolas, monospace;
  --vscode-foreground: #3b3b3b;
  --vscode-descriptionForeground: #717171;
  --vscode-errorForeground: #e51400;
  --vscode-editorWarning-foreground: #bf8803;
  --vscode-editor-background: #ffffff;
  --vscode-editorWidget-background: #f3f3f3;
  --vscode-panel-border: #e5e5e5;
  --vscode-textLink-foreground: #005fb8;
  --vscode-focusBorder: #005fb8;
  --vscode-input-background: #ffffff;
  --vscode-input-foreground: #3b3b3b;
  --vscode-charts-blue: #1a85ff;
  --vscode-charts-orange: #d18616;
  --vscode-charts-red: #e51400;
  --vscode-charts-green: #388a34;
  --vscode-progressBar-background: #005fb8;
  --vscode-button-background: #005fb8;
  --vscode-button-foreground: #ffffff;
  --vscode-button-secondaryBackground: #e5e5e5;
  --vscode-button-secondaryForeground: #3b3b3b;
  --vscode-dropdown-background: #ffffff;
  --vscode-dropdown-foreground: #3b3b3b;
  --vscode-dropdown-border: #cecece;
  --vscode-checkbox-background: #f8f8f8;
  --vscode-checkbox-border: #cecece;
  --vscode-checkbox-foreground: #3b3b3b;
  --vscode-input-border: #cecece;
  --vscode-input-placeholderForeground: #767676;
  --vscode-list-activeSelectionBackground: #e8e8e8;
  --vscode-list-activeSelectionForeground: #000000;
}
@media (prefers-color-scheme: dark) {
  :root {
    --vscode-foreground: #cccccc;
    --vscode-descriptionForeground: #9d9d9d;
    --vscode-errorForeground: #f85149;
    --vscode-editorWarning-foreground: #cca700;
    --vscode-editor-background: #1f1f1f;
    --vscode-editorWidget-background: #202020;
    --vscode-panel-border: #2b2b2b;
    --vscode-textLink-foreground: #4daafc;
    --vscode-focusBorder: #0078d4;
    --vscode-input-background: #313131;
    --vscode-input-foreground: #cccccc;
    --vscode-charts-blue: #3794ff;
    --vscode-charts-orange: #d18616;
    --vscode-charts-red: #f14c4c;
    --vscode-charts-green: #89d185;
    --vscode-progressBar-background: #0078d4;
    --vscode-button-background: #0078d4;
    --vscode-button-foreground: #ffffff;
    --vscode-button-secondaryBackground: #313131;
    --vscode-button-secondaryForeground: #cccccc;
    --vscode-dropdown-background: #313131;
    --vscode-dropdown-foreground: #cccccc;
    --vscode-dropdown-border: #3c3c3c;
    --vscode-checkbox-background: #313131;
    --vscode-checkbox-border: #3c3c3c;
    --vscode-checkbox-foreground: #cccccc;
    --vscode-input-border: #3c3c3c;
    --vscode-input-placeholderForeground: #989898;
    --vscode-list-activeSelectionBackground: #04395e;
    --vscode-list-activeSelectionForeground: #ffffff;
  }
}`;

const CSP = ["default-src 'none'", "style-src 'unsafe-inline'", "script-src 'unsafe-inline'", 'img-src data:', 'font-src data:'];

/** Text safe inside a <script> element: no "</script" or "<!--" can end or alter it. */
function scriptSafe(text: string): string {
  return text.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');
}

export function renderReportHtml(parts: ReportPageParts): string {
  const pictures = parts.pictures
    .map(({ name, png }) => `<figure><img alt="${escapeHtml(name)}" src="data:image/png;base64,${Buffer.from(png).toString('base64')}"><figcaption>${escapeHtml(name)}</figcaption></figure>`)
    .join('\n');
  return renderPanelPage({
    csp: CSP,
    title: parts.title,
    head: `<style>
${THEME_FALLBACK}
${parts.css.replace(/<\/(style)/gi, '<\\/$1')}
</style>`,
    bodyClass: 'auglens-report',
    body: `<noscript>
<pre>${escapeHtml(parts.summaryText)}</pre>
${pictures}
</noscript>
<script type="application/json" id="auglens-report-data">${parts.messagesJson.replace(/</g, '\\u003c')}</script>
<script>${scriptSafe(parts.script)}</script>`,
  });
}
