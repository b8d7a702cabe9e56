// The packaged extension in a real VS Code, on a copy of demo/rust, checked
// as a user would: the warnings and their related copies, the status bar, the
// Plan view, the quick fix from the light bulb and what it changes on disk.
// The tests run in order; each goes on from the state the previous one left.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { DUPLICATES, EXT_MANIFEST, NEAR_DUPLICATE, PYTHON_LIB, ext, python } from '../../protocol/demo';
import { repoRoot } from '../../support/fixture';
import { bridgeAvailable, pageText, pressKey, screenshot } from './bridge';
import { EXTENSION_ID, allOurs, codeOf, ours, uriOf, waitFor, workspaceRoot } from './workbench';

const PYTHON_MANIFEST = 'datafusion_python/Cargo.toml';
const FIXED = 'delta_protocol.rs';
const FIX_TITLE = 'Replace with re-export from datafusion_ext';

/** Where things show in the page (VS Code 1.139, pinned with code-server). */
const SELECTOR = {
  squiggle: '.monaco-editor .squiggly-warning',
  problems: '.markers-panel',
  statusItem: `#${cssId(`${EXTENSION_ID}.rustConsolidate.status`)}`,
  quickFixMenu: '.action-widget',
  lightBulb: '.lightBulbWidget',
  sideBar: '.part.sidebar',
  editorLines: '.monaco-editor .view-lines',
};

function cssId(id: string): string {
  return id.replace(/[.]/g, '\\.');
}

/** Every copy the demo has, and the code each one carries. */
const COPIES: [file: string, code: string][] = [
  ...DUPLICATES.map((f): [string, string] => [f, 'duplicate-file']),
  [NEAR_DUPLICATE, 'near-duplicate-file'],
];

const MOD_LINE = /^\s*(pub(\([^)]*\))?\s+)?mod\s+\w+\s*;/;

/** The hints on the `mod` lines of lib.rs that bring the copies in. */
const modLineHints = (): vscode.Diagnostic[] =>
  ours(PYTHON_LIB).filter((d) => COPIES.some(([, code]) => codeOf(d) === code));

// Each file's diagnostics come in a publish of their own: the mod lines' hints (on lib.rs) may arrive after the copies'.
const allCopiesReported = (): boolean =>
  COPIES.every(([file]) => ours(python(file)).length > 0) && ours(EXT_MANIFEST).length > 0 && modLineHints().length > 0;

async function openInEditor(relative: string, selection?: vscode.Range): Promise<vscode.TextEditor> {
  const document = await vscode.workspace.openTextDocument(uriOf(relative));
  return vscode.window.showTextDocument(document, { selection, preview: false });
}

describe('the packaged extension in VS Code, on the demo workspace', function () {
  it('is installed from the .vsix and activates on a folder with a Cargo.toml', async function () {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is not installed`);
    assert.ok(!extension.extensionPath.startsWith(repoRoot), `${EXTENSION_ID} runs from the source tree, not from the .vsix: ${extension.extensionPath}`);
    assert.ok((extension.packageJSON.activationEvents as string[]).includes('workspaceContains:**/Cargo.toml'));
    // Nothing here activates it: the workspace's Cargo.toml files must.
    await waitFor('the first rust-consolidate diagnostic', () => allOurs().size > 0);
    assert.equal(extension.isActive, true);
  });

  it('warns on every copy, with the copy to keep as related location', async function () {
    await waitFor('a warning on every copy and on the inverted dependency, and the mod lines\' hints', allCopiesReported);
    for (const [file, code] of COPIES) {
      const diagnostics = ours(python(file));
      assert.equal(diagnostics.length, 1, `${file}: ${diagnostics.map(codeOf).join(', ')}`);
      const [d] = diagnostics;
      assert.equal(codeOf(d), code, file);
      assert.equal(d.severity, vscode.DiagnosticSeverity.Warning, file);
      assert.equal(d.range.start.line, 0, file);
      assert.match(d.message, /This file is a copy of datafusion_ext::/, file);
      assert.ok(typeof d.code === 'object' && d.code.target.fragment === code, `${file}: the code links to its documentation`);
      const related = (d.relatedInformation ?? []).map((r) => r.location.uri.fsPath);
      assert.ok(related.includes(uriOf(ext(file)).fsPath), `${file} relates ${ext(file)}: ${related.join(', ')}`);
      // The copy to keep carries nothing.
      assert.deepEqual(ours(ext(file)).map(codeOf), [], ext(file));
    }
    assert.deepEqual(ours(EXT_MANIFEST).map(codeOf), ['inverted-dependency']);
    const hints = modLineHints();
    assert.equal(hints.length, COPIES.length, 'one hint per copy on its mod line');
    const lib = fs.readFileSync(uriOf(PYTHON_LIB).fsPath, 'utf8').split('\n');
    for (const hint of hints) {
      assert.equal(hint.severity, vscode.DiagnosticSeverity.Hint);
      assert.match(lib[hint.range.start.line], MOD_LINE);
    }

    const editor = await openInEditor(python(FIXED));
    assert.equal(editor.document.languageId, 'rust');
    await screenshot('squiggle-on-a-copy', SELECTOR.squiggle);
  });

  it('links each code to its section of the README on the repository\'s page', function () {
    const [d] = ours(python(FIXED));
    assert.ok(typeof d.code === 'object', 'the code carries its documentation link');
    const target = d.code.target;
    // The page where the README is rendered (package.json's repository), not the raw file at line 1.
    const repository = (vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON.repository as { url: string }).url.replace(/\.git$/, '');
    assert.equal(target.toString(true).replace(/#.*$/, ''), repository);
    assert.equal(target.fragment, 'duplicate-file');
    // The anchor names a section the shipped README has.
    const readme = ['README.md', 'readme.md'].map((n) => path.join(vscode.extensions.getExtension(EXTENSION_ID)!.extensionPath, n)).find((f) => fs.existsSync(f))!;
    assert.match(fs.readFileSync(readme, 'utf8'), /^### `duplicate-file`$/m);
  });

  it('lists the copies in the Problems panel, with their related copies', async function () {
    if (!bridgeAvailable()) this.skip();
    await vscode.commands.executeCommand('workbench.actions.view.problems');
    // The panel shows as many rows as fit: the first copies, each with the copy to keep below it.
    const problems = await pageText(SELECTOR.problems, { matching: /This file is a copy of datafusion_ext::/ });
    assert.match(problems, /rust-consolidate\s+duplicate-file/);
    assert.match(problems, /the copy to keep, in crate datafusion_ext/);
    await screenshot('problems-panel', SELECTOR.problems);
  });

  it('shows the counts in the status bar', async function () {
    if (!bridgeAvailable()) this.skip();
    const text = await pageText(SELECTOR.statusItem, { matching: /copies/ });
    assert.match(text, /\b12 copies\b/);
    assert.match(text, /\b\d+ dup lines\b/);
  });

  it('shows the plan\'s scopes in the Plan view', async function () {
    if (!bridgeAvailable()) this.skip();
    await vscode.commands.executeCommand('workbench.view.extension.rustConsolidate');
    // The demo's plan (rust_codebase_consolidation_plan.md) is expanded, one row per numbered scope.
    const plan = await pageText(SELECTOR.sideBar, { matching: /10\. Implementation Roadmap/ });
    assert.match(plan, /^rust_codebase_consolidation_plan\.md\s*\d+\/\d+ done$/m);
    assert.match(plan, /^1\. Critical File Duplication Elimination/m);
    assert.match(plan, /^2\. Crate Dependency Architecture Rationalization/m);
    const scopes = plan.split('\n').filter((line) => /^\d+\. \S/.test(line));
    assert.deepEqual(scopes.map((line) => Number.parseInt(line, 10)), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 'the ten numbered scopes, in order');
    await screenshot('plan-view', SELECTOR.sideBar);
    // The decommissioning entry of the copy the next test fixes: open, until the fix.
    assert.equal(await api().revealPlanNode(decommissionId()), true);
    await pageText(planRow(FIXED, 'open'));
    await screenshot('plan-item-open', SELECTOR.sideBar);
    await vscode.commands.executeCommand('workbench.view.explorer');
  });

  it('offers the quick fix in the light bulb, and applying it changes the files on disk', async function () {
    const copy = python(FIXED);
    const [diagnostic] = ours(copy);
    assert.ok(diagnostic, `no diagnostic on ${copy}`);
    const actions = await vscode.commands.executeCommand<(vscode.CodeAction | vscode.Command)[]>(
      'vscode.executeCodeActionProvider',
      uriOf(copy),
      diagnostic.range,
    );
    // The title goes on to say what the fix deletes and edits.
    const fixes = actions.filter((a): a is vscode.CodeAction => a.title.startsWith(FIX_TITLE));
    assert.equal(fixes.length, 1, `actions offered: ${actions.map((a) => a.title).join(', ')}`);
    const [fix] = fixes;
    assert.equal(fix.kind?.value, vscode.CodeActionKind.QuickFix.value);
    assert.equal(fix.isPreferred, true);
    assert.ok(fix.edit, 'the fix carries its edit');

    // The light bulb and its menu, as a user opens them on the warning.
    await openInEditor(copy, new vscode.Range(diagnostic.range.start, diagnostic.range.start));
    if (bridgeAvailable()) {
      await screenshot('light-bulb', SELECTOR.lightBulb);
      await pressKey('Control+.');
      const menu = await pageText(SELECTOR.quickFixMenu, { matching: new RegExp(FIX_TITLE) });
      assert.match(menu, new RegExp(FIX_TITLE));
      await screenshot('quick-fix-menu', SELECTOR.quickFixMenu);
      await pressKey('Escape');
    }

    const root = workspaceRoot();
    assert.equal(await vscode.workspace.applyEdit(fix.edit), true, 'the edit applies');
    if (fix.command) await vscode.commands.executeCommand(fix.command.command, ...(fix.command.arguments ?? []));
    // The edit deletes the copy and changes lib.rs and the manifest in
    // memory; saving them is the user's next step. (workspace.saveAll leaves
    // documents that no editor shows unsaved in code-server 4.139.)
    const changed = vscode.workspace.textDocuments.filter((d) => d.isDirty).map((d) => path.relative(root, d.uri.fsPath).split(path.sep).join('/'));
    assert.deepEqual(changed.sort(), [PYTHON_MANIFEST, PYTHON_LIB].sort(), 'the fix changes lib.rs and the manifest');
    for (const document of vscode.workspace.textDocuments.filter((d) => d.isDirty)) {
      assert.equal(await document.save(), true, `${document.uri.fsPath} saves`);
    }

    assert.equal(fs.existsSync(path.join(root, copy)), false, `${copy} is deleted`);
    assert.match(fs.readFileSync(path.join(root, PYTHON_LIB), 'utf8'), /^pub use datafusion_ext::delta_protocol;$/m);
    assert.doesNotMatch(fs.readFileSync(path.join(root, PYTHON_LIB), 'utf8'), /^\s*(pub\s+)?mod\s+delta_protocol\s*;/m);
    assert.match(fs.readFileSync(path.join(root, PYTHON_MANIFEST), 'utf8'), /\[dependencies\.datafusion_ext\]\npath = "\.\.\/datafusion_ext"\n/);
  });

  it('drops the fixed copy\'s warning and keeps the others', async function () {
    await waitFor(
      `the warning on ${FIXED} to go, and its hint in lib.rs`,
      () => ours(python(FIXED)).length === 0 && modLineHints().length === COPIES.length - 1,
    );
    for (const [file, code] of COPIES.filter(([f]) => f !== FIXED)) {
      assert.deepEqual(ours(python(file)).map(codeOf), [code], file);
    }
    assert.deepEqual(ours(EXT_MANIFEST).map(codeOf), ['inverted-dependency']);
    if (bridgeAvailable()) {
      assert.match(await pageText(SELECTOR.statusItem, { matching: /\b11 copies\b/ }), /\b11 copies\b/);
    }
    const lib = await openInEditor(PYTHON_LIB);
    const line = lib.document.getText().split('\n').findIndex((l) => l.startsWith('pub use datafusion_ext::delta_protocol;'));
    lib.revealRange(new vscode.Range(line, 0, line, 0), vscode.TextEditorRevealType.InCenter);
    await screenshot('after-the-fix', SELECTOR.editorLines, /pub\s+use\s+datafusion_ext::delta_protocol;/);
  });

  it('turns the copy\'s decommissioning entry done in the Plan view, without a reload', async function () {
    if (!bridgeAvailable()) this.skip();
    await vscode.commands.executeCommand('workbench.view.extension.rustConsolidate');
    assert.equal(await api().revealPlanNode(decommissionId()), true);
    await pageText(planRow(FIXED, 'done'));
    await screenshot('plan-item-done', SELECTOR.sideBar);
  });
});

/** The extension's API, from the installed extension. */
function api(): { revealPlanNode(id: string): Promise<boolean> } {
  return vscode.extensions.getExtension(EXTENSION_ID)!.exports;
}

/** The Plan view's id of the decommissioning entry that names a copy in datafusion_python/src. */
function decommissionId(): string {
  const plan = uriOf('rust_codebase_consolidation_plan.md');
  const lines = fs.readFileSync(plan.fsPath, 'utf8').split('\n');
  const line = lines.findIndex((l) => l === `- \`rust/datafusion_python/src/${FIXED}\``);
  assert.notEqual(line, -1, `no decommissioning entry for ${FIXED}`);
  return `${plan.toString()}:${line}`;
}

/** The Plan view's row for a decommissioning entry, by the status it reads out. */
function planRow(file: string, status: string): string {
  return `${SELECTOR.sideBar} .monaco-list-row[aria-label="rust/datafusion_python/src/${file}: ${status}"]`;
}
