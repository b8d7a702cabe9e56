// File changes after the first index: saves and watched-file events update
// the findings of the files they touch, and only those files are republished.
// Each describe block has its own temp copy of demo/rust and its own server.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { FileChangeType } from 'vscode-languageserver-protocol/node';
import { filesThePlanReads } from '../plan/demo';
import { DUPLICATES, EXT_MANIFEST, NEAR_DUPLICATE, PYTHON_LIB, ext, messageOf, modLine, ofCode, python, useDemoServer } from './demo';
import type { DemoServer } from './demo';

/** The uris published since a mark, each once, sorted. */
function publishedSince(server: DemoServer, mark: number): string[] {
  return [...new Set(server.client.publishesSince(mark).map((p) => p.uri))].sort();
}

function uris(server: DemoServer, ...files: string[]): string[] {
  return files.map((f) => server.client.uri(f)).sort();
}

function hintLines(server: DemoServer): number[] {
  return (server.client.diagnostics.get(server.client.uri(PYTHON_LIB)) ?? []).map((d) => d.range.start.line).sort((a, b) => a - b);
}

describe('protocol: saving an edited copy', function () {
  const server = useDemoServer();
  const copy = python('delta_protocol.rs');
  let original: string;

  it('turns the copy into a diverged copy, clears its hint in lib.rs, updates the manifest count, and republishes nothing else', async function () {
    const { client } = server;
    original = fs.readFileSync(client.file(copy), 'utf8');
    const hintLine = modLine(client.file(PYTHON_LIB), 'delta_protocol');
    assert.ok(hintLines(server).includes(hintLine), 'the hint is there before the edit');

    const mark = client.mark();
    fs.writeFileSync(client.file(copy), original + '\npub fn added_by_the_test() -> u32 {\n    42\n}\n');
    await client.didSave(copy);

    // No longer identical, but most of it still is: a diverged copy of the same module.
    const diagnostics = await client.waitForDiagnostics(client.uri(copy), () => true, { since: mark });
    assert.deepEqual(diagnostics.map((d) => d.code), ['diverged-copy']);
    assert.match(messageOf(diagnostics[0]), /has diverged from datafusion_ext::delta_protocol/);
    // The status follows the publishes of the same update, so after it the publish log for this save is complete.
    await client.waitForStatus((s) => s.copies === 11, { since: mark });

    // The two copies that use delta_protocol through crate:: can no longer go with it: their messages now say why.
    const users = [python('delta_control_plane.rs'), python('delta_mutations.rs')];
    assert.deepEqual(publishedSince(server, mark), uris(server, copy, ...users, PYTHON_LIB, EXT_MANIFEST));
    for (const user of users) assert.match(messageOf(client.diagnostics.get(client.uri(user))![0]), /\nNot fixable automatically: .*delta_protocol/);
    assert.ok(!hintLines(server).includes(hintLine), `no hint left on line ${hintLine + 1} of lib.rs`);
    assert.equal(hintLines(server).length, 11);
    const manifest = client.diagnostics.get(client.uri(EXT_MANIFEST)) ?? [];
    assert.match(manifest[0] ? messageOf(manifest[0]) : '', /share 11 modules/);
  });

  it('brings the diagnostic back when the original content is saved again', async function () {
    const { client } = server;
    const mark = client.mark();
    fs.writeFileSync(client.file(copy), original);
    await client.didSave(copy);

    const diagnostics = await client.waitForDiagnostics(client.uri(copy), (d) => d.length > 0, { since: mark });
    assert.deepEqual(diagnostics.map((d) => d.code), ['duplicate-file']);
    assert.equal(diagnostics[0].relatedInformation?.[0].location.uri, client.uri(ext('delta_protocol.rs')));
    await client.waitForStatus((s) => s.copies === 12, { since: mark });

    const users = [python('delta_control_plane.rs'), python('delta_mutations.rs')];
    assert.deepEqual(publishedSince(server, mark), uris(server, copy, ...users, PYTHON_LIB, EXT_MANIFEST));
    for (const user of users) assert.doesNotMatch(messageOf(client.diagnostics.get(client.uri(user))![0]), /Not fixable/);
    assert.ok(hintLines(server).includes(modLine(client.file(PYTHON_LIB), 'delta_protocol')));
    assert.equal(hintLines(server).length, 12);
    const manifestAfter = client.diagnostics.get(client.uri(EXT_MANIFEST)) ?? [];
    assert.match(manifestAfter[0] ? messageOf(manifestAfter[0]) : '', /share 12 modules/);
  });
});

describe('protocol: renaming a copy (watched-file Deleted + Created)', function () {
  const server = useDemoServer();

  it('clears the old uri and reports the renamed file, reached by no mod, as a copy', async function () {
    const { client } = server;
    const before = python('delta_maintenance.rs');
    const after = python('maintenance_renamed.rs');
    const hintLine = modLine(client.file(PYTHON_LIB), 'delta_maintenance');

    const mark = client.mark();
    fs.renameSync(client.file(before), client.file(after));
    await client.didChangeWatchedFiles([
      { relative: before, type: FileChangeType.Deleted },
      { relative: after, type: FileChangeType.Created },
    ]);

    assert.deepEqual(await client.waitForDiagnostics(client.uri(before), () => true, { since: mark }), []);
    const diagnostics = await client.waitForDiagnostics(client.uri(after), (d) => d.length > 0, { since: mark });
    assert.deepEqual(diagnostics.map((d) => d.code), ['duplicate-file']);
    assert.equal(diagnostics[0].severity, 2);
    assert.equal(diagnostics[0].relatedInformation?.[0].location.uri, client.uri(ext('delta_maintenance.rs')));
    await client.waitForStatus((s) => s.copies === 12, { since: mark });

    // No `mod` reaches the renamed file, so lib.rs loses the hint and gains none.
    assert.ok(!hintLines(server).includes(hintLine), `no hint left on line ${hintLine + 1} of lib.rs`);
    assert.equal(hintLines(server).length, 11);
    assert.deepEqual(client.diagnostics.get(client.uri(before)), []);
    for (const file of DUPLICATES.filter((f) => f !== 'delta_maintenance.rs')) {
      assert.deepEqual(ofCode(client.diagnostics.get(client.uri(python(file))) ?? [], 'duplicate-file').length, 1, file);
    }
  });
});

describe('protocol: creating and deleting copies (watched-file events)', function () {
  const server = useDemoServer();

  it('reports a new file identical to a module of another crate', async function () {
    const { client } = server;
    const created = python('udf_config.rs');
    const mark = client.mark();
    fs.copyFileSync(client.file(ext('udf_config.rs')), client.file(created));
    await client.didChangeWatchedFiles([{ relative: created, type: FileChangeType.Created }]);

    const diagnostics = await client.waitForDiagnostics(client.uri(created), (d) => d.length > 0, { since: mark });
    assert.deepEqual(diagnostics.map((d) => d.code), ['duplicate-file']);
    assert.equal(diagnostics[0].relatedInformation?.[0].location.uri, client.uri(ext('udf_config.rs')));
    await client.waitForStatus((s) => s.copies === 13, { since: mark });
  });

  it('clears a deleted copy and republishes only the files it touched', async function () {
    const { client } = server;
    const deleted = python('udtf_external.rs');
    const hintLine = modLine(client.file(PYTHON_LIB), 'udtf_external');
    const mark = client.mark();
    fs.rmSync(client.file(deleted));
    await client.didChangeWatchedFiles([{ relative: deleted, type: FileChangeType.Deleted }]);

    assert.deepEqual(await client.waitForDiagnostics(client.uri(deleted), () => true, { since: mark }), []);
    await client.waitForStatus((s) => s.copies === 12, { since: mark });

    assert.deepEqual(publishedSince(server, mark), uris(server, deleted, PYTHON_LIB, EXT_MANIFEST));
    assert.ok(!hintLines(server).includes(hintLine));
    for (const file of [...DUPLICATES.filter((f) => f !== 'udtf_external.rs'), 'udf_config.rs']) {
      assert.equal(ofCode(client.diagnostics.get(client.uri(python(file))) ?? [], 'duplicate-file').length, 1, file);
    }
  });
});

describe('protocol: a manifest change (watched-file Changed)', function () {
  const server = useDemoServer();

  it('clears the inverted dependency when the registry dependency is removed; the copies keep theirs', async function () {
    const { client } = server;
    const text = fs.readFileSync(client.file(EXT_MANIFEST), 'utf8');
    const table = '[dependencies.datafusion-python]\nversion = "51.0.0"\n\n';
    assert.ok(text.includes(table), 'the demo manifest has the table');
    const copies = [...DUPLICATES, NEAR_DUPLICATE].map((f) => client.uri(python(f)));
    const copyDiagnostics = copies.map((uri) => client.diagnostics.get(uri));

    const mark = client.mark();
    fs.writeFileSync(client.file(EXT_MANIFEST), text.replace(table, ''));
    await client.didChangeWatchedFiles([{ relative: EXT_MANIFEST, type: FileChangeType.Changed }]);

    assert.deepEqual(await client.waitForDiagnostics(client.uri(EXT_MANIFEST), () => true, { since: mark }), []);
    await client.waitForStatus((s) => s.findings === 15, { since: mark });

    assert.deepEqual(publishedSince(server, mark), uris(server, EXT_MANIFEST), 'the copies are not republished');
    assert.deepEqual(
      copies.map((uri) => client.diagnostics.get(uri)),
      copyDiagnostics,
    );
    assert.equal(hintLines(server).length, 12);
  });
});

describe('protocol: a save is answered through the index', function () {
  const server = useDemoServer();
  const copy = python('registry_snapshot.rs');

  it('reads the saved file alone, and updates the diverged copy it is', async function () {
    const { client } = server;
    const ready = client.events.flatMap((e) => (e.kind === 'status' ? [e.status] : [])).at(-1)!;
    // The plan's reads are counted too: the plan file, and the files its items parse.
    const planReads = await filesThePlanReads(server.root);
    assert.equal(ready.filesRead, ready.files + planReads, 'the first index reads each file once, and the plan each file it parses once');
    const before = ofCode(client.diagnostics.get(client.uri(copy)) ?? [], 'diverged-copy');
    assert.match(messageOf(before[0]), /4 fields this copy lacks: simplify, coerce_types, short_circuits, config_defaults/);

    const mark = client.mark();
    const text = fs.readFileSync(client.file(copy), 'utf8');
    fs.writeFileSync(client.file(copy), text.replace('    pub custom_udfs: Vec<String>,\n', '    pub custom_udfs: Vec<String>,\n    pub simplify: BTreeMap<String, bool>,\n'));
    await client.didSave(copy);

    const after = await client.waitForDiagnostics(client.uri(copy), (d) => d.some((x) => /3 fields this copy lacks/.test(messageOf(x))), { since: mark });
    assert.match(messageOf(ofCode(after, 'diverged-copy')[0]), /3 fields this copy lacks: coerce_types, short_circuits, config_defaults/);
    const status = await client.waitForStatus((s) => s.filesRead === ready.filesRead + 1, { since: mark });
    assert.equal(status.filesRead, ready.filesRead + 1, 'one file read for one save');
    // The plan is decided again in the same update, and its status sent before the answer to a later request.
    await client.planView();
    const last = client.events.flatMap((e) => (e.kind === 'status' ? [e.status] : [])).at(-1)!;
    assert.equal(last.filesRead, ready.filesRead + 1, 'the plan re-read no file that did not change');
  });
});
