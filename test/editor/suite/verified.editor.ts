// Runs after team.editor.ts (files run in name order): its bulk fixes delete the copies the kept file's code lens counts.
// Fixes as a user meets them in VS Code, going on from the state demo.editor
// left (one copy fixed): nothing deleted on save with source.fixAll on, the
// reason of a refused fix in its hover, and a bulk fix from the Plan view that
// opens the refactor preview and, applied, says what it applied and refused.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { NEAR_DUPLICATE, PYTHON_LIB, python } from '../../protocol/demo';
import { bridgeAvailable, click, pageText, pressKey, screenshot } from './bridge';
import { ours, uriOf, waitFor, workspaceRoot } from './workbench';

const PYTHON_MANIFEST = 'datafusion_python/Cargo.toml';
const SAVED_COPY = 'delta_maintenance.rs';

const bytesOf = (relative: string): Buffer => fs.readFileSync(path.join(workspaceRoot(), relative));

describe('fixes in VS Code: nothing unasked, refusals said, bulk fixes previewed', function () {
  it('saving a copy with "editor.codeActionsOnSave": {"source.fixAll": "explicit"} changes no other file and deletes nothing', async function () {
    const editorSettings = vscode.workspace.getConfiguration('editor');
    await editorSettings.update('codeActionsOnSave', { 'source.fixAll': 'explicit' }, vscode.ConfigurationTarget.Global);
    try {
      const copy = python(SAVED_COPY);
      const others = [PYTHON_LIB, PYTHON_MANIFEST].map((f): [string, Buffer] => [f, bytesOf(f)]);
      const original = bytesOf(copy);
      const document = await vscode.workspace.openTextDocument(uriOf(copy));
      const editor = await vscode.window.showTextDocument(document, { preview: false });
      // What VS Code asks for on save (of an open document): no fixAll action for a fix that deletes the copy.
      const onSave = await vscode.commands.executeCommand<vscode.CodeAction[]>(
        'vscode.executeCodeActionProvider',
        uriOf(copy),
        new vscode.Range(0, 0, 0, 0),
        vscode.CodeActionKind.SourceFixAll.value,
      );
      assert.deepEqual(onSave.filter((a) => a.kind && vscode.CodeActionKind.SourceFixAll.contains(a.kind)).map((a) => a.title), []);

      const end = document.lineAt(document.lineCount - 1).range.end;
      assert.equal(await editor.edit((b) => b.insert(end, '\n// saved by the editor suite')), true);
      assert.equal(await document.save(), true);
      assert.ok(fs.existsSync(uriOf(copy).fsPath), `${copy} is still there`);
      assert.deepEqual(bytesOf(copy), Buffer.concat([original, Buffer.from('\n// saved by the editor suite')]), 'only the typed text changed');
      for (const [file, bytes] of others) assert.deepEqual(bytesOf(file), bytes, `${file} unchanged`);

      // Back to the copy it was, for the tests after this one.
      const typed = new vscode.Range(end, document.lineAt(document.lineCount - 1).range.end);
      assert.equal(await editor.edit((b) => b.delete(typed)), true);
      assert.equal(await document.save(), true);
      assert.deepEqual(bytesOf(copy), original);
    } finally {
      await editorSettings.update('codeActionsOnSave', undefined, vscode.ConfigurationTarget.Global);
    }
    await waitFor(`${SAVED_COPY} reported as a copy again`, () => ours(python(SAVED_COPY)).some((d) => /copy of datafusion_ext::/.test(d.message)));
  });

  it('says why the near duplicate is not fixed, in its hover', async function () {
    const [diagnostic] = ours(python(NEAR_DUPLICATE));
    assert.ok(diagnostic, `no diagnostic on ${NEAR_DUPLICATE}`);
    assert.match(diagnostic.message, /\nNot fixable automatically: .*names a dependency/);
    if (!bridgeAvailable()) return;
    const document = await vscode.workspace.openTextDocument(uriOf(python(NEAR_DUPLICATE)));
    const start = diagnostic.range.start;
    await vscode.window.showTextDocument(document, { preview: false, selection: new vscode.Range(start, start) });
    await vscode.commands.executeCommand('editor.action.showHover');
    const hover = await pageText('.monaco-hover', { matching: /Not fixable automatically/ });
    assert.match(hover, /Not fixable automatically: .*names a dependency/);
    await screenshot('refused-copy-hover', '.monaco-hover', /Not fixable automatically/);
    await pressKey('Escape');
  });

  it('opens the refactor preview for a bulk fix from the Plan view, and once applied lists what was applied and refused', async function () {
    if (!bridgeAvailable()) this.skip();
    await vscode.commands.executeCommand('workbench.view.extension.rustConsolidate');
    const plan = uriOf('rust_codebase_consolidation_plan.md').toString();
    // The wrench on scope 1, Critical File Duplication Elimination: every copy behind it, as one edit.
    const fixing = vscode.commands.executeCommand('rustConsolidate.plan.fix', `${plan}#1`);
    // The panel lists as many changes as fit; the first ones delete copies.
    const preview = await pageText('.bulk-edit-panel[data-state=data]', { matching: /\(deleting\)/ });
    assert.match(preview, /delta_\w+\.rs\s*datafusion_python\/src\s*\(deleting\)/);
    assert.match(preview, /Apply\s*Discard/);
    assert.ok(fs.existsSync(uriOf(python('udf_docs.rs')).fsPath), 'nothing is written before the preview is applied');
    await screenshot('bulk-fix-preview', '.bulk-edit-panel[data-state=data]');
    // The deletions need confirmation: the preview shows them unticked. A user ticks each, and applies.
    await vscode.commands.executeCommand('workbench.action.toggleMaximizedPanel');
    let ticked = 0;
    while (ticked < 50 && (await click('.bulk-edit-panel .edit-checkbox:not(.checked)'))) ticked++;
    assert.ok(ticked > 0, 'the deletions were shown unticked');
    await screenshot('bulk-fix-preview-ticked', '.bulk-edit-panel[data-state=data]');
    await vscode.commands.executeCommand('refactorPreview.apply');
    await fixing;

    await vscode.commands.executeCommand('workbench.action.toggleMaximizedPanel');
    await vscode.commands.executeCommand('notifications.showList');
    const notification = await pageText('.notifications-center', { matching: /applied \d+ fixes, refused 2/ });
    assert.match(notification, /The output channel lists each one and why it was refused/);
    await screenshot('bulk-fix-notification', '.notifications-center', /applied \d+ fixes/);
    await vscode.commands.executeCommand('notifications.hideList');
    await vscode.commands.executeCommand('rustConsolidate.showOutput');
    // Tall enough for the report's lines, which the output view renders only while they show.
    await vscode.commands.executeCommand('workbench.action.toggleMaximizedPanel');
    // The output view renders spaces as no-break spaces and wraps long lines: \s between words.
    const output = await pageText('.part.panel', { matching: /refused\sdatafusion_python\/src\/udf_builtin\.rs/ });
    assert.match(output, /applied\sdatafusion_python\/src\/udf_docs\.rs:\sReplace\swith\sre-export\sfrom\sdatafusion_ext/);
    assert.match(output, /refused\sdatafusion_python\/src\/udf_builtin\.rs:\sReplace\swith\sre-export\sfrom\sdatafusion_ext:\s+this\scopy/);
    // The scope's registry dependency stays while datafusion_ext still uses it.
    assert.match(output, /refused\sdatafusion_ext\/Cargo\.toml:\sRemove\sinverted\sdependency:\s+the\scrate\sstill\suses\sdatafusion_python/);
    await screenshot('bulk-fix-output', '.part.panel', /refused\sdatafusion_python/);
    await vscode.commands.executeCommand('workbench.action.toggleMaximizedPanel');

    // The edit left the changed documents unsaved, as any workspace edit does: saving them is the user's step.
    for (const document of vscode.workspace.textDocuments.filter((d) => d.isDirty)) assert.equal(await document.save(), true);
    assert.equal(fs.existsSync(uriOf(python('udf_docs.rs')).fsPath), false, 'the copies are deleted');
    assert.equal(fs.existsSync(uriOf(python(NEAR_DUPLICATE)).fsPath), true, 'the refused copy stays');
  });

  it('runs Fix and Verify with cargo check through the CLI, and says what came of it', async function () {
    if (!bridgeAvailable()) this.skip();
    const before = bytesOf(python(NEAR_DUPLICATE));
    await vscode.commands.executeCommand('notifications.showList');
    // Not awaited: the command ends when its notification is dismissed.
    void vscode.commands.executeCommand('rustConsolidate.fixAndVerify');
    // Only the near duplicate is left after the bulk fix, and its fix is refused: nothing to check.
    const notification = await pageText('.notifications-center', { matching: /nothing applied: .*2 refused/ });
    assert.match(notification, /names a dependency/);
    await screenshot('fix-and-verify-result', '.notifications-center', /nothing applied/);
    await vscode.commands.executeCommand('notifications.hideList');
    assert.deepEqual(bytesOf(python(NEAR_DUPLICATE)), before);
  });
});
