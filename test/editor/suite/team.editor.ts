// After demo.editor.ts, on the same workspace: the kept file's code lens and
// its peek, Allow this copy… writing a suppression and the warning going, the
// Duplication Map, and the output channel's log of the index.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { ext, python } from '../../protocol/demo';
import { bridgeAvailable, pageText, pressKey, screenshot, typeText, webviewText } from './bridge';
import { ours, uriOf, waitFor } from './workbench';

const KEPT = ext('delta_control_plane.rs');
const COPY = python('delta_control_plane.rs');
const REASON = 'kept on purpose: the Python wheel vendors its own control plane until 2.0';

async function open(relative: string, at?: vscode.Position): Promise<vscode.TextEditor> {
  const document = await vscode.workspace.openTextDocument(uriOf(relative));
  return vscode.window.showTextDocument(document, { preview: false, selection: at ? new vscode.Range(at, at) : undefined });
}

describe('at home in the editor: both directions, suppressions, the map, the log', function () {
  it('shows "copied in 1 crate" on the kept file, and its click peeks at the copy', async function () {
    await open(KEPT);
    // The index is ready: demo.editor.ts waited for its warnings.
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uriOf(KEPT));
    assert.deepEqual(lenses.map((l) => l.command?.title), ['copied in 1 crate: datafusion-python']);
    const [lens] = lenses;
    if (!bridgeAvailable()) return;
    await screenshot('code-lens-on-the-kept-file', '.monaco-editor .codelens-decoration', /copied in 1 crate/);
    await vscode.commands.executeCommand(lens.command!.command, ...(lens.command!.arguments ?? []));
    const peek = await pageText('.peekview-widget', { matching: /delta_control_plane\.rs/ });
    assert.match(peek, /delta_control_plane\.rs/);
    await screenshot('peek-at-the-copies', '.peekview-widget');
    await pressKey('Escape');
  });

  it('Allow this copy… asks for the reason, writes the suppression, and the warning goes', async function () {
    if (!bridgeAvailable()) this.skip(); // the reason is typed into the input box
    const [warning] = ours(COPY);
    assert.ok(warning, `no warning on ${COPY}`);
    await open(COPY, warning.range.start);
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uriOf(COPY), warning.range);
    const titles = actions.map((a) => a.title);
    assert.ok(titles.includes('Compare with the copy in datafusion_ext'), titles.join(', '));
    const allow = actions.find((a) => a.title === 'Allow this copy…');
    assert.ok(allow?.command, titles.join(', '));
    // The light bulb's menu, as a user sees the actions beside the fix.
    await pressKey('Control+.');
    await pageText('.action-widget', { matching: /Allow this copy/ });
    await screenshot('allow-this-copy-in-the-menu', '.action-widget');
    await pressKey('Escape');

    const running = vscode.commands.executeCommand(allow.command.command, ...(allow.command.arguments ?? []));
    await pageText('.quick-input-widget', { matching: /Why does it stay/ });
    await typeText(REASON);
    await screenshot('allow-this-copy-reason', '.quick-input-widget');
    await pressKey('Enter');
    await running;
    await waitFor(`the warning on ${COPY} to go`, () => ours(COPY).length === 0);
    assert.equal(fs.readFileSync(uriOf(COPY).fsPath, 'utf8').split('\n')[0], `// rust-consolidate: allow(duplicate-file) -- ${REASON}`);
    await screenshot('allow-this-copy-written', '.monaco-editor .view-lines', /rust-consolidate:.allow\(duplicate-file\)/);
  });

  it('opens the Duplication Map of the demo', async function () {
    await vscode.commands.executeCommand('rustConsolidate.showDuplicationMap');
    await waitFor('the Duplication Map tab', () => vscode.window.tabGroups.activeTabGroup.activeTab?.label === 'Duplication Map', {
      event: vscode.window.tabGroups.onDidChangeTabs,
    });
    if (!bridgeAvailable()) return;
    // The demo's pairs: the copies between datafusion_ext and datafusion-python, the two runtimes.
    assert.match(await webviewText('#total-lines'), /^\d+$/);
    const pairs = await webviewText('table.pairs');
    assert.match(pairs, /datafusion-python\s+datafusion_ext/);
    assert.match(pairs, /datafusion-python\s+df_plugin_codeanatomy/);
    await screenshot('duplication-map', 'iframe.webview.ready');
  });

  it('logs each index in the output channel: files, time, findings per code', async function () {
    if (!bridgeAvailable()) this.skip();
    await vscode.commands.executeCommand('rustConsolidate.showOutput');
    // The output is an editor: it draws spaces as no-break spaces and wraps long lines.
    const log = (await pageText('.part.panel', { matching: /indexed\s[^]*\sfindings\s\(/ })).replace(/\s+/g, ' ');
    assert.match(log, /\d+ crates, \d+ files, \d+ lines in \d+ ms; \d+ findings \(\d+ duplicate-file/);
    await screenshot('output-channel-after-an-index', '.part.panel', /indexed\s/);
  });
});
