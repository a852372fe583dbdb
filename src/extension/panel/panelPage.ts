// The HTML page the stability panel's script runs in, inside VS Code (panelHtml.ts) and in the offline report
// (report/reportHtml.ts): the Content-Security-Policy, the head and the panel's root element the script fills. Pure.

export interface PanelPage {
  /** Content-Security-Policy directives. */
  readonly csp: readonly string[];
  readonly title: string;
  /** Elements of <head> after the title (the stylesheet). */
  readonly head: string;
  readonly bodyClass?: string;
  /** Elements of <body> after the panel's root (the scripts). */
  readonly body: string;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function renderPanelPage(page: PanelPage): string {
  const bodyClass = page.bodyClass === undefined ? '' : ` class="${escapeHtml(page.bodyClass)}"`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${page.csp.join('; ')}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>${escapeHtml(page.title)}</title>
${page.head}
</head>
<body${bodyClass}>
<main id="auglens-panel" aria-live="polite">
  <h1 id="model-name"></h1>
  <div id="status-line" class="status" role="status"></div>
</main>
${page.body}
</body>
</html>
`;
}
