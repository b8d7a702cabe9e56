// Fixes through the protocol: textDocument/codeAction returns the edit, the
// client applies it and reports the file changes, and the findings follow.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CodeAction, Command, Diagnostic } from 'vscode-languageserver-protocol/node';
import { DUPLICATES, EXT_MANIFEST, NEAR_DUPLICATE, PYTHON_LIB, ext, python, useDemoServer } from './demo';
import type { DemoServer } from './demo';

const PYTHON_MANIFEST = 'datafusion_python/Cargo.toml';

function actionsOnly(actions: (CodeAction | Command)[]): CodeAction[] {
  return actions.filter((a): a is CodeAction => 'kind' in a || 'edit' in a || 'disabled' in a);
}

function diagnosticsOf(server: DemoServer, relative: string): Diagnostic[] {
  return server.client.diagnostics.get(server.client.uri(relative)) ?? [];
}

describe('protocol: the quick fixes', function () {
  const server = useDemoServer();

  it('offers the re-export fix on every copy, and on the hint of its mod line', async function () {
    const { client } = server;
    for (const file of DUPLICATES) {
      const [action, ...others] = actionsOnly(await client.codeActions(python(file), diagnosticsOf(server, python(file))));
      assert.deepEqual(others.map((a) => a.title), ['Compare with the copy in datafusion_ext', 'Allow this copy…'], file);
      // A copy that uses other copies through crate:: brings them along, and says which.
      // The title says what happens: which files go and which are edited.
      assert.match(action.title, /^Replace with re-export from datafusion_ext( \(with [a-z_.]+(, [a-z_.]+)*, which it uses\))? \(deletes \d+ files?, edits lib\.rs and Cargo\.toml\)$/);
      assert.equal(action.kind, 'quickfix');
      assert.equal(action.isPreferred, true);
      assert.ok(action.edit?.documentChanges?.some((c) => 'kind' in c && c.kind === 'delete' && c.uri === client.uri(python(file))), file);
    }
    // The near duplicate reads datafusion_python from the registry in datafusion_ext: shown, disabled, with the reason.
    const [near] = actionsOnly(await client.codeActions(python(NEAR_DUPLICATE), diagnosticsOf(server, python(NEAR_DUPLICATE))));
    assert.equal(near.edit, undefined);
    assert.match(near.disabled?.reason ?? '', /names a dependency, not datafusion-python/);
    const hint = diagnosticsOf(server, PYTHON_LIB).find((d) => (d.data as { file: string }).file === client.file(python('udf_async.rs')));
    assert.ok(hint);
    const [fromHint] = actionsOnly(await client.codeActions(PYTHON_LIB, [hint]));
    assert.equal(fromHint.title, 'Replace with re-export from datafusion_ext (deletes 1 file, edits lib.rs and Cargo.toml)');
  });

  it('applies the re-export of one copy: its diagnostic goes, the others stay', async function () {
    const { client } = server;
    const copy = python('delta_protocol.rs');
    const [action] = actionsOnly(await client.codeActions(copy, diagnosticsOf(server, copy)));
    const mark = client.mark();
    await client.applyEdit(action.edit!);

    assert.equal(fs.existsSync(client.file(copy)), false);
    assert.match(fs.readFileSync(client.file(PYTHON_LIB), 'utf8'), /^pub use datafusion_ext::delta_protocol;$/m);
    assert.match(fs.readFileSync(client.file(PYTHON_MANIFEST), 'utf8'), /\[dependencies\.datafusion_ext\]\npath = "\.\.\/datafusion_ext"\n/);
    // Between the two file events the copy is an orphan for a moment, and says so: wait for it to go.
    assert.deepEqual(await client.waitForDiagnostics(client.uri(copy), (d) => d.length === 0, { since: mark }), []);
    await client.waitForStatus((s) => s.copies === 11 && s.state === 'ready', { since: mark });
    for (const file of DUPLICATES.filter((f) => f !== 'delta_protocol.rs')) {
      assert.deepEqual(diagnosticsOf(server, python(file)).map((d) => d.code), ['duplicate-file'], file);
    }
    assert.equal(diagnosticsOf(server, PYTHON_LIB).length, 11, 'the hints of the other copies stay');
  });

  it('replaces every other copy of the crate with one command, through workspace/applyEdit', async function () {
    const { client } = server;
    const mark = client.mark();
    await client.workspaceCommand('rust-consolidate.replaceAllCopiesInCrate', [client.uri(python('udf_docs.rs'))]);
    await client.waitFor('apply-edit', (e) => /Replace all copies in datafusion-python/.test(e.label ?? ''), 'a workspace/applyEdit', { since: mark });
    // Only the near duplicate, refused, is left.
    await client.waitForStatus((s) => s.copies === 1, { since: mark });
    for (const file of DUPLICATES) assert.equal(fs.existsSync(client.file(python(file))), false, file);
    assert.equal(fs.existsSync(client.file(python(NEAR_DUPLICATE))), true);
    const lib = fs.readFileSync(client.file(PYTHON_LIB), 'utf8');
    assert.equal((lib.match(/use datafusion_ext::/g) ?? []).length, 11);
    assert.equal((fs.readFileSync(client.file(PYTHON_MANIFEST), 'utf8').match(/\[dependencies\.datafusion_ext\]/g) ?? []).length, 1);
    assert.deepEqual(diagnosticsOf(server, PYTHON_LIB).map((d) => d.code), ['near-duplicate-file']);
  });

  it('shows the inverted dependency\'s removal disabled while the crate uses it, naming the use site, as the diagnostic relates it', async function () {
    const { client } = server;
    const [diagnostic] = diagnosticsOf(server, EXT_MANIFEST);
    assert.equal(diagnostic.code, 'inverted-dependency');
    assert.ok(
      diagnostic.relatedInformation?.some((r) => r.location.uri === client.uri(ext('udf_builtin.rs')) && /needs a new home/.test(r.message)),
      'the use of datafusion_python in udf_builtin.rs is related',
    );
    const [action] = actionsOnly(await client.codeActions(EXT_MANIFEST, [diagnostic]));
    assert.equal(action.title, 'Remove inverted dependency');
    assert.equal(action.edit, undefined);
    assert.equal(action.disabled?.reason, 'the crate still uses datafusion_python: datafusion_ext/src/udf_builtin.rs:7; move those uses first');
  });
});

describe('protocol: a fix that would make a cycle', function () {
  const server = useDemoServer({
    settings: { authoritativeCrates: ['datafusion_ext'] },
    prepare: (root) => {
      const manifest = path.join(root, EXT_MANIFEST);
      fs.appendFileSync(manifest, '\n[dependencies.datafusion_python_local]\npackage = "datafusion-python"\npath = "../datafusion_python"\n');
    },
  });

  it('is shown disabled, with the reason', async function () {
    const { client } = server;
    const copy = python('udf_docs.rs');
    const [action] = actionsOnly(await client.codeActions(copy, diagnosticsOf(server, copy)));
    assert.equal(action.title, 'Replace with re-export from datafusion_ext');
    assert.equal(action.edit, undefined);
    assert.match(action.disabled?.reason ?? '', /datafusion_ext already depends on datafusion-python .* would make a cycle/);
  });
});

describe('protocol: what a fix may do unasked, what it needs confirmed, and why it is refused', function () {
  const server = useDemoServer();

  it('offers no source.fixAll action for a copy, on its file or its mod line: the re-export deletes files', async function () {
    const { client } = server;
    const copy = python('delta_protocol.rs');
    for (const relative of [copy, PYTHON_LIB]) {
      const onSave = actionsOnly(await client.codeActions(relative, diagnosticsOf(server, relative), ['source.fixAll']));
      assert.deepEqual(onSave.map((a) => a.kind), [], relative);
    }
    const asked = actionsOnly(await client.codeActions(copy, diagnosticsOf(server, copy)));
    // The re-export, and beside it Compare with the copy and Allow this copy: all picked by the user.
    assert.ok(asked.some((a) => a.title.startsWith('Replace with re-export')), asked.map((a) => a.title).join('; '));
    assert.deepEqual([...new Set(asked.map((a) => a.kind))], ['quickfix']);
  });

  it('offers nothing on save for the inverted dependency while the crate still uses it: that fix is disabled', async function () {
    const { client } = server;
    assert.deepEqual(actionsOnly(await client.codeActions(EXT_MANIFEST, diagnosticsOf(server, EXT_MANIFEST), ['source.fixAll'])), []);
  });

  it('says why a refused copy is not fixed, in its diagnostic', function () {
    const [diagnostic] = diagnosticsOf(server, python(NEAR_DUPLICATE));
    assert.match(diagnostic.message as string, /\nNot fixable automatically: .*names a dependency, not datafusion-python/);
    for (const file of DUPLICATES) {
      assert.doesNotMatch(diagnosticsOf(server, python(file))[0].message as string, /Not fixable/, file);
    }
  });

  it('says why in the Copies view too: the refused copy\'s class carries the reason for its tooltip', async function () {
    const { client } = server;
    const classes = (await client.planView()).pairs.flatMap((p) => p.classes);
    const near = classes.find((c) => c.files.some((f) => f.uri === client.uri(python(NEAR_DUPLICATE))));
    assert.ok(near);
    assert.match(near.notFixable ?? '', /names a dependency, not datafusion-python/);
    assert.deepEqual(classes.filter((c) => c !== near).map((c) => c.notFixable), classes.filter((c) => c !== near).map(() => undefined));
  });

  it('asks for confirmation of the bulk refactor on lib.rs: every change carries an annotation that needs it', async function () {
    const { client } = server;
    const [action, ...others] = actionsOnly(await client.codeActions(PYTHON_LIB, [], ['refactor']));
    assert.equal(others.length, 0);
    assert.equal(action.kind, 'refactor.rewrite.rustConsolidate.replaceCopies');
    assert.match(action.title, /^Replace every copy declared here with a re-export \(11 fixes\) \(deletes 11 files, edits lib\.rs and Cargo\.toml\)$/);
    // Two groups: the deletions need confirmation (VS Code's preview shows them unticked), the edits go with them.
    const annotations = Object.values(action.edit?.changeAnnotations ?? {});
    assert.deepEqual(
      annotations.map((a) => [a.label, a.needsConfirmation]),
      [
        ['Replace every copy declared here with a re-export (11 fixes): edits Cargo.toml, lib.rs', false],
        ['Replace every copy declared here with a re-export (11 fixes): deletes 11 copies', true],
      ],
    );
    for (const a of annotations) assert.equal(a.description, '11 fixes; Not fixable automatically: datafusion_python/src/udf_builtin.rs');
    for (const change of action.edit?.documentChanges ?? []) {
      if ('textDocument' in change) assert.ok(change.edits.every((e) => 'annotationId' in e && e.annotationId), change.textDocument.uri);
      else assert.ok('annotationId' in change && change.annotationId, JSON.stringify(change));
    }
  });

  it('names the version of the open document an edit was computed on, and refuses it once the document has unsaved changes', async function () {
    const { client } = server;
    const copy = python('delta_protocol.rs');
    await client.didOpen(PYTHON_LIB, 7);
    const [action] = actionsOnly(await client.codeActions(copy, diagnosticsOf(server, copy)));
    const libEdit = action.edit?.documentChanges?.find((c) => 'textDocument' in c && c.textDocument.uri === client.uri(PYTHON_LIB));
    assert.ok(libEdit && 'textDocument' in libEdit);
    assert.equal(libEdit.textDocument.version, 7);
    const manifestEdit = action.edit?.documentChanges?.find((c) => 'textDocument' in c && c.textDocument.uri === client.uri(PYTHON_MANIFEST));
    assert.ok(manifestEdit && 'textDocument' in manifestEdit);
    assert.equal(manifestEdit.textDocument.version, null, 'a file not open is edited on disk');

    await client.didChange(PYTHON_LIB, '// typed, not saved\n' + fs.readFileSync(client.file(PYTHON_LIB), 'utf8'), 8);
    const [stale] = actionsOnly(await client.codeActions(copy, diagnosticsOf(server, copy)));
    assert.equal(stale.edit, undefined);
    assert.match(stale.disabled?.reason ?? '', /^datafusion_python\/src\/lib\.rs has changes that are not saved/);
    // Undone in the editor: the text is the indexed one again, and so is the fix.
    await client.didChange(PYTHON_LIB, fs.readFileSync(client.file(PYTHON_LIB), 'utf8'), 9);
    const [again] = actionsOnly(await client.codeActions(copy, diagnosticsOf(server, copy)));
    assert.ok(again.edit, again.disabled?.reason);
  });

  it('previews the crate command, then lists what was applied and refused in the output and a notification', async function () {
    const { client } = server;
    const mark = client.mark();
    await client.workspaceCommand('rust-consolidate.replaceAllCopiesInCrate', [client.uri(python('udf_docs.rs'))]);
    const shown = await client.waitFor('show', (e) => /applied \d+ fixes, refused 1/.test(e.message), 'the notification after the bulk fix', { since: mark });
    assert.match(shown.message, /The output channel lists each one and why it was refused/);
    const edit = client.appliedEdits[client.appliedEdits.length - 1];
    assert.ok(Object.values(edit.changeAnnotations ?? {}).some((a) => a.needsConfirmation && /deletes \d+ copies/.test(a.label)), 'the deletions need confirmation');
    const log = client.output.join('\n');
    assert.match(log, /Replace all copies in datafusion-python \(\d+ fixes\).*: applied \d+, refused 1/);
    assert.match(log, /^ {2}applied datafusion_python\/src\/udf_docs\.rs: Replace with re-export from datafusion_ext$/m);
    assert.match(log, /^ {2}refused datafusion_python\/src\/udf_builtin\.rs: Replace with re-export from datafusion_ext: .*names a dependency/m);
  });
});

describe('protocol: the inverted dependency once nothing uses it', function () {
  // The plan's checklist item done by hand: udf_builtin.rs takes PyExpr from datafusion_ext's own module.
  const server = useDemoServer({
    prepare: (root) => {
      const file = path.join(root, 'datafusion_ext/src/udf_builtin.rs');
      fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('use datafusion_python::expr::PyExpr;', 'use crate::expr::PyExpr;'));
    },
  });

  it('offers its removal as source.fixAll on its manifest, the one file it edits', async function () {
    const { client } = server;
    const [action, ...others] = actionsOnly(await client.codeActions(EXT_MANIFEST, diagnosticsOf(server, EXT_MANIFEST), ['source.fixAll']));
    assert.equal(others.length, 0);
    assert.equal(action.kind, 'source.fixAll.rustConsolidate');
    assert.deepEqual(action.edit?.documentChanges?.map((c) => ('textDocument' in c ? c.textDocument.uri : c.kind)), [client.uri(EXT_MANIFEST)]);
  });
});

describe('protocol: a file changed on disk since it was indexed', function () {
  const server = useDemoServer();

  it('gets its fix refused, with the reason, not applied at the positions of the old text', async function () {
    const { client } = server;
    // A `cargo add` or another editor, before the watcher's event reaches the server.
    fs.writeFileSync(client.file(PYTHON_MANIFEST), '# edited elsewhere\n' + fs.readFileSync(client.file(PYTHON_MANIFEST), 'utf8'));
    const copy = python('delta_protocol.rs');
    const [action] = actionsOnly(await client.codeActions(copy, diagnosticsOf(server, copy)));
    assert.equal(action.edit, undefined);
    assert.match(action.disabled?.reason ?? '', /^datafusion_python\/Cargo\.toml changed since it was indexed; save it and try again$/);
  });
});
