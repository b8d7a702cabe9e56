// The first index of demo/rust, as an LSP client sees it: progress, watcher
// registrations, the findings of demo/README.md as diagnostics, and the status.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { DiagnosticSeverity } from 'vscode-languageserver-protocol/node';
import type { DidChangeWatchedFilesRegistrationOptions } from 'vscode-languageserver-protocol/node';
import {
  DUPLICATES,
  EXT_MANIFEST,
  NEAR_DUPLICATE,
  PYTHON_LIB,
  ext,
  modLine,
  messageOf,
  python,
  rustFiles,
  useDemoServer,
} from './demo';
import { CLIENT_CAPABILITIES, LspTestClient } from './client';
import { copyToTemp, removeFixture } from '../support/fixture';

describe('protocol: initialize on demo/rust', function () {
  const server = useDemoServer();

  it('reports indexing as work-done progress: create, begin, reports with file counts, end', function () {
    const { client, root } = server;
    const creates = client.events.filter((e) => e.kind === 'progress-create');
    assert.equal(creates.length, 1, 'one window/workDoneProgress/create');
    const [create] = creates;
    const progress = client.events.filter((e) => e.kind === 'progress');
    assert.ok(progress.length >= 3, `begin, a report and end, got ${progress.map((p) => p.value.kind).join(', ')}`);
    for (const p of progress) assert.equal(p.token, create.token, '$/progress uses the token the server created');
    assert.ok(create.seq < progress[0].seq, 'the token is created before it is used');

    const kinds = progress.map((p) => p.value.kind);
    assert.equal(kinds[0], 'begin');
    assert.equal(kinds.at(-1), 'end');
    assert.deepEqual(kinds.slice(1, -1).filter((k) => k !== 'report'), [], 'only reports between begin and end');

    const total = rustFiles(root).length;
    const counts = progress.flatMap((p) => {
      const match = p.value.kind === 'report' ? /fingerprinting (\d+)\/(\d+) files/.exec(p.value.message ?? '') : null;
      return match ? [{ done: Number(match[1]), total: Number(match[2]) }] : [];
    });
    assert.ok(counts.length >= 1, `a report with file counts, got ${JSON.stringify(progress.map((p) => p.value))}`);
    for (const c of counts) assert.equal(c.total, total, `every .rs file of the crates is counted (${total})`);
    assert.ok(counts.some((c) => c.done === total), `the last count is ${total}/${total}`);
  });

  it('registers file watchers for Rust sources and manifests', function () {
    const registrations = server.client.events.flatMap((e) => (e.kind === 'register' ? e.registrations : []));
    const watchers = registrations.filter((r) => r.method === 'workspace/didChangeWatchedFiles');
    assert.equal(watchers.length, 1, `one didChangeWatchedFiles registration, got ${JSON.stringify(registrations)}`);
    const globs = (watchers[0].registerOptions as DidChangeWatchedFilesRegistrationOptions).watchers.map((w) => w.globPattern);
    assert.ok(globs.includes('**/*.rs'), `globs: ${JSON.stringify(globs)}`);
    assert.ok(globs.includes('**/Cargo.toml'), `globs: ${JSON.stringify(globs)}`);
  });

  it('asks for didSave notifications', function () {
    const sync = server.client.initializeResult?.capabilities.textDocumentSync;
    assert.ok(sync && typeof sync === 'object' && sync.save, `textDocumentSync: ${JSON.stringify(sync)}`);
  });

  it('publishes a duplicate-file warning on each byte-identical copy, related to the copy to keep', function () {
    const { client } = server;
    for (const file of DUPLICATES) {
      const diagnostics = client.diagnostics.get(client.uri(python(file)));
      assert.ok(diagnostics, `${python(file)} was published`);
      assert.equal(diagnostics.length, 1, `${python(file)}: ${JSON.stringify(diagnostics)}`);
      const [d] = diagnostics;
      assert.equal(d.code, 'duplicate-file', python(file));
      assert.equal(d.source, 'rust-consolidate');
      assert.equal(d.severity, DiagnosticSeverity.Warning);
      assert.ok(d.codeDescription?.href.endsWith('#duplicate-file'), `codeDescription: ${JSON.stringify(d.codeDescription)}`);
      assert.equal(d.range.start.line, 0, 'on the first line');
      assert.match(messageOf(d), new RegExp(`datafusion_ext/src/${file.replace('.', '\\.')}`));
      assert.equal(d.relatedInformation?.length, 1, JSON.stringify(d.relatedInformation));
      assert.equal(d.relatedInformation?.[0].location.uri, client.uri(ext(file)));
    }
  });

  it('publishes a near-duplicate-file warning on udf_builtin.rs, naming the differing line', function () {
    const { client } = server;
    const diagnostics = client.diagnostics.get(client.uri(python(NEAR_DUPLICATE))) ?? [];
    assert.equal(diagnostics.length, 1, JSON.stringify(diagnostics));
    const [d] = diagnostics;
    assert.equal(d.code, 'near-duplicate-file');
    assert.equal(d.severity, DiagnosticSeverity.Warning);
    assert.ok(d.codeDescription?.href.endsWith('#near-duplicate-file'));
    assert.match(messageOf(d), /line 7 `use crate::expr::PyExpr;`/);
    assert.equal(d.relatedInformation?.[0].location.uri, client.uri(ext(NEAR_DUPLICATE)));
  });

  it('publishes an inverted-dependency warning on the datafusion-python key of datafusion_ext/Cargo.toml', function () {
    const { client } = server;
    const diagnostics = client.diagnostics.get(client.uri(EXT_MANIFEST)) ?? [];
    assert.equal(diagnostics.length, 1, JSON.stringify(diagnostics));
    const [d] = diagnostics;
    assert.equal(d.code, 'inverted-dependency');
    assert.equal(d.severity, DiagnosticSeverity.Warning);
    assert.ok(d.codeDescription?.href.endsWith('#inverted-dependency'));
    assert.match(messageOf(d), /share 12 modules/);

    const lines = fs.readFileSync(client.file(EXT_MANIFEST), 'utf8').split('\n');
    const line = lines.indexOf('[dependencies.datafusion-python]');
    assert.notEqual(line, -1);
    const character = lines[line].indexOf('datafusion-python');
    assert.deepEqual(d.range, {
      start: { line, character },
      end: { line, character: character + 'datafusion-python'.length },
    });
    assert.equal(d.relatedInformation?.[0].location.uri, client.uri('datafusion_python/Cargo.toml'));
  });

  it('puts a hint on the `mod` line in lib.rs of each copy, pointing at the copy', function () {
    const { client } = server;
    const hints = client.diagnostics.get(client.uri(PYTHON_LIB)) ?? [];
    const copies = [...DUPLICATES, NEAR_DUPLICATE];
    assert.equal(hints.length, copies.length, JSON.stringify(hints.map((h) => h.message)));
    for (const file of copies) {
      const line = modLine(client.file(PYTHON_LIB), file.replace(/\.rs$/, ''));
      const onLine = hints.filter((h) => h.range.start.line === line);
      assert.equal(onLine.length, 1, `one hint on line ${line + 1} (mod ${file})`);
      const [hint] = onLine;
      assert.equal(hint.severity, DiagnosticSeverity.Hint);
      assert.equal(hint.source, 'rust-consolidate');
      assert.equal(hint.code, file === NEAR_DUPLICATE ? 'near-duplicate-file' : 'duplicate-file');
      assert.equal(hint.relatedInformation?.[0].location.uri, client.uri(python(file)), 'first related: the copy');
      // The `mod` line is live code until the fix: not drawn faded like dead code.
      assert.equal(hint.tags, undefined);
    }
  });

  it('publishes nothing for the authoritative copies or other files; the diverged copy and the two runtimes get theirs', function () {
    const { client } = server;
    const expected = new Set([
      ...[...DUPLICATES, NEAR_DUPLICATE, 'registry_snapshot.rs', 'utils.rs'].map((f) => client.uri(python(f))),
      client.uri('df_plugin_codeanatomy/src/lib.rs'),
      client.uri(EXT_MANIFEST),
      client.uri(PYTHON_LIB),
    ]);
    const withDiagnostics = [...client.diagnostics].filter(([, d]) => d.length > 0).map(([uri]) => uri);
    assert.deepEqual(withDiagnostics.sort(), [...expected].sort());
    // A first index has nothing to clear, so it publishes only files with findings, once each.
    const published = client.publishesSince(0).map((p) => p.uri);
    assert.deepEqual([...published].sort(), [...expected].sort());
  });

  it('sends rustConsolidate/status: indexing, then ready with 12 copies', function () {
    const statuses = server.client.events.flatMap((e) => (e.kind === 'status' ? [e.status] : []));
    assert.equal(statuses[0]?.state, 'indexing', JSON.stringify(statuses));
    const last = statuses.at(-1)!;
    assert.equal(last.state, 'ready');
    assert.equal(last.copies, 12);
    assert.equal(last.crates, 5);
    assert.equal(last.findings, 16, '11 duplicate-file, 1 near-duplicate-file, 1 inverted-dependency, 1 diverged-copy, 2 duplicate-singleton');
  });
});

describe('protocol: a client without workspace folder change events', function () {
  it('still indexes the workspace and publishes its findings', async function () {
    const root = copyToTemp('demo/rust');
    const { workspaceFolders: _, ...workspace } = CLIENT_CAPABILITIES.workspace!;
    const client = await LspTestClient.initialize(root, { capabilities: { ...CLIENT_CAPABILITIES, workspace } });
    try {
      const status = await client.waitForStatus((s) => s.state === 'ready', { since: 0 });
      assert.equal(status.copies, 12);
      const diagnostics = client.diagnostics.get(client.uri(python('delta_protocol.rs'))) ?? [];
      assert.deepEqual(diagnostics.map((d) => d.code), ['duplicate-file']);
      await client.stop();
    } finally {
      client.kill();
      removeFixture(root);
    }
  });
});

describe('protocol: rustConsolidate/reindex', function () {
  const server = useDemoServer();

  it('indexes again with progress, answers the new status, and republishes the same findings', async function () {
    const { client } = server;
    const before = new Map([...client.diagnostics].filter(([, d]) => d.length > 0));
    const mark = client.mark();
    const status = await client.reindex();
    assert.equal(status.state, 'ready');
    assert.equal(status.copies, 12);
    await client.waitForProgressEnd({ since: mark });
    assert.equal(client.events.slice(mark).filter((e) => e.kind === 'progress-create').length, 1, 'a new progress token');
    const after = new Map([...client.diagnostics].filter(([, d]) => d.length > 0));
    assert.deepEqual(after, before);
  });
});
