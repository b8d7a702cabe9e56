// The Duplication Map as one HTML page: the editor's webview shows it with
// the theme's colours (its --vscode-* variables), and `report --html` writes
// it standalone, with the same variables given light and dark defaults.
// Crates are rows and columns; a cell's square grows with the lines the two
// crates share and deepens in colour with them. Plain data in, text out.
import type { DuplicationMap } from './core/duplication';
import { DUPLICATION_CODES } from './core/duplication';

export interface MapPageOptions {
  title: string;
  /** Paths as shown to a person. */
  display: (file: string) => string;
  /** In VS Code: a click posts the pair's files to the extension; the nonce lets the script run under the webview's CSP. */
  webview?: { nonce: string; cspSource: string };
}

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const KIND_LABEL: Record<string, string> = {
  'duplicate-file': 'copied files',
  'near-duplicate-file': 'near copies',
  'diverged-copy': 'diverged copies',
  'duplicate-item': 'copied items',
  'duplicate-singleton': 'singletons',
};

export function renderDuplicationMap(map: DuplicationMap, options: MapPageOptions): string {
  const max = Math.max(1, ...map.cells.map((c) => c.lines));
  const cellOf = new Map(map.cells.map((c) => [c.crates.join('\u0000'), c]));
  const id = (a: string, b: string) => `pair-${[a, b].sort().join('--').replace(/[^A-Za-z0-9_-]/g, '_')}`;
  const rows = map.crates.map((row) => {
    const cells = map.crates.map((column) => {
      if (row === column) return '<td class="self"></td>';
      const cell = cellOf.get([row, column].sort().join('\u0000'));
      if (!cell) return '<td></td>';
      const size = Math.max(18, Math.round(100 * Math.sqrt(cell.lines / max)));
      const strength = (0.25 + 0.75 * (cell.lines / max)).toFixed(2);
      const breakdown = DUPLICATION_CODES.filter((c) => cell.byCode[c]).map((c) => `${cell.byCode[c]} lines of ${KIND_LABEL[c]}`);
      const tooltip = `${cell.crates[0]} ↔ ${cell.crates[1]}: ${cell.lines} shared lines in ${cell.findings} findings (${breakdown.join(', ')})`;
      const target = options.webview
        ? `data-file="${escape(cell.largest.file)}" data-other="${escape(cell.largest.other)}"`
        : `href="#${id(row, column)}"`;
      return (
        `<td><a class="cell" ${target} data-crates="${escape(cell.crates.join('|'))}" data-lines="${cell.lines}" title="${escape(tooltip)}">` +
        `<span style="width:${size}%;height:${size}%;opacity:${strength}"></span><b>${cell.lines}</b></a></td>`
      );
    });
    return `<tr><th scope="row">${escape(row)}</th>${cells.join('')}</tr>`;
  });
  const header = `<tr><th></th>${map.crates.map((c) => `<th scope="col"><div>${escape(c)}</div></th>`).join('')}</tr>`;
  const legend = DUPLICATION_CODES.filter((c) => map.totals[c])
    .map((c) => `<li data-code="${c}"><b>${map.totals[c]}</b> lines of ${KIND_LABEL[c]} (<code>${c}</code>)</li>`)
    .join('');
  const pairs = map.cells
    .map(
      (c) =>
        `<tr id="${id(c.crates[0], c.crates[1])}" data-crates="${escape(c.crates.join('|'))}"><td>${escape(c.crates[0])}</td><td>${escape(c.crates[1])}</td><td class="n">${c.lines}</td>` +
        DUPLICATION_CODES.map((code) => `<td class="n">${c.byCode[code] ?? ''}</td>`).join('') +
        `<td><code>${escape(options.display(c.largest.file))}</code> ↔ <code>${escape(options.display(c.largest.other))}</code></td></tr>`,
    )
    .join('');
  const csp = options.webview
    ? `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src ${options.webview.cspSource} 'unsafe-inline'; script-src 'nonce-${options.webview.nonce}';">`
    : '';
  const script = options.webview
    ? `<script nonce="${options.webview.nonce}">
const vscode = acquireVsCodeApi();
document.addEventListener('click', (event) => {
  const cell = event.target.closest('a.cell');
  if (!cell) return;
  event.preventDefault();
  vscode.postMessage({ type: 'openPair', file: cell.dataset.file, other: cell.dataset.other, crates: cell.dataset.crates });
});
</script>`
    : '';
  const body =
    map.cells.length === 0
      ? '<p class="empty">No crate shares code with another.</p>'
      : `<table class="map"><thead>${header}</thead><tbody>${rows.join('')}</tbody></table>
<ul class="legend"><li><b id="total-lines">${map.lines}</b> shared lines in all</li>${legend}</ul>
<h2>Pairs</h2>
<table class="pairs"><thead><tr><th>crate</th><th>crate</th><th>lines</th>${DUPLICATION_CODES.map((c) => `<th>${KIND_LABEL[c]}</th>`).join('')}<th>largest</th></tr></thead><tbody>${pairs}</tbody></table>`;
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">${csp}
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(options.title)}</title>
<style>
:root { color-scheme: light dark; }
body { font-family: var(--vscode-font-family, system-ui, sans-serif); font-size: var(--vscode-font-size, 13px);
  color: var(--vscode-foreground, #1f1f1f); background: var(--vscode-editor-background, #ffffff); margin: 16px; }
@media (prefers-color-scheme: dark) { body:not(.vscode-light) { color: var(--vscode-foreground, #cccccc); background: var(--vscode-editor-background, #1e1e1e); } }
h1 { font-size: 1.3em; font-weight: 600; } h2 { font-size: 1.1em; font-weight: 600; margin-top: 24px; }
table.map { border-collapse: collapse; }
table.map th[scope=col] { height: 120px; vertical-align: bottom; white-space: nowrap; }
table.map th[scope=col] div { transform: rotate(-45deg); transform-origin: 0 100%; width: 28px; }
table.map th[scope=row] { text-align: right; padding-right: 8px; white-space: nowrap; font-weight: normal; }
table.map td { width: 56px; height: 56px; padding: 0; border: 1px solid var(--vscode-panel-border, rgba(128,128,128,0.35)); }
table.map td.self { background: var(--vscode-editorWidget-background, rgba(128,128,128,0.12)); }
a.cell { position: relative; display: flex; align-items: center; justify-content: center; width: 100%; height: 100%; text-decoration: none; color: inherit; cursor: pointer; }
a.cell span { position: absolute; background: var(--vscode-charts-orange, #d18616); border-radius: 3px; }
a.cell b { position: relative; font-size: 0.85em; font-weight: 600; }
a.cell:hover, a.cell:focus { outline: 1px solid var(--vscode-focusBorder, #0078d4); }
ul.legend { list-style: none; padding: 0; display: flex; gap: 16px; flex-wrap: wrap; }
table.pairs { border-collapse: collapse; } table.pairs td, table.pairs th { padding: 3px 8px; border-bottom: 1px solid var(--vscode-panel-border, rgba(128,128,128,0.35)); text-align: left; }
table.pairs td.n { text-align: right; font-variant-numeric: tabular-nums; }
table.pairs tr:target { background: var(--vscode-editor-selectionBackground, rgba(0,120,212,0.2)); }
code { font-family: var(--vscode-editor-font-family, ui-monospace, monospace); font-size: 0.95em; }
</style></head>
<body>
<h1>${escape(options.title)}</h1>
${body}
${script}
</body></html>
`;
}
