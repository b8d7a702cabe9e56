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
      assert.match(action.title, /^Replace with re-export from datafusion_ext( \(with [a-z_.]+(, [a-z_.]+)*, which it uses\))?$/);
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
    assert.equal(fromHint.title, 'Replace with re-export from datafusion_ext');
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
    assert.deepEqual(await client.waitForDiagnostics(client.uri(copy), () => true, { since: mark }), []);
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

  it('removes the inverted dependency, and lists the use sites that need a new home', async function () {
    const { client } = server;
    const [diagnostic] = diagnosticsOf(server, EXT_MANIFEST);
    assert.equal(diagnostic.code, 'inverted-dependency');
    assert.ok(
      diagnostic.relatedInformation?.some((r) => r.location.uri === client.uri(ext('udf_builtin.rs')) && /needs a new home/.test(r.message)),
      'the use of datafusion_python in udf_builtin.rs is related',
    );
    const [action] = actionsOnly(await client.codeActions(EXT_MANIFEST, [diagnostic]));
    assert.equal(action.title, 'Remove inverted dependency');
    const before = fs.readFileSync(client.file(EXT_MANIFEST), 'utf8');
    const mark = client.mark();
    await client.applyEdit(action.edit!);
    const after = fs.readFileSync(client.file(EXT_MANIFEST), 'utf8');
    assert.equal(after, before.replace('[dependencies.datafusion-python]\nversion = "51.0.0"\n\n', ''));
    assert.deepEqual(await client.waitForDiagnostics(client.uri(EXT_MANIFEST), () => true, { since: mark }), []);
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
