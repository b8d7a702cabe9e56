// A Cargo.toml that does not parse is a diagnostic on that manifest; the rest
// of the workspace is still analysed.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FileChangeType } from 'vscode-languageserver-protocol/node';
import { DUPLICATES, EXT_MANIFEST, NEAR_DUPLICATE, PYTHON_LIB, ofCode, python, useDemoServer } from './demo';

const BROKEN = 'df_plugin_api/Cargo.toml';

describe('protocol: a malformed Cargo.toml', function () {
  let original = '';
  const server = useDemoServer({
    prepare: (root) => {
      original = fs.readFileSync(path.join(root, BROKEN), 'utf8');
      fs.writeFileSync(path.join(root, BROKEN), '[package\nname = "df_plugin_api"\n');
    },
  });

  it('publishes a manifest-error on it', function () {
    const { client } = server;
    const diagnostics = client.diagnostics.get(client.uri(BROKEN)) ?? [];
    assert.deepEqual(diagnostics.map((d) => d.code), ['manifest-error']);
    assert.equal(diagnostics[0].source, 'rust-consolidate');
    assert.ok(diagnostics[0].codeDescription?.href.endsWith('#manifest-error'));
    assert.ok(diagnostics[0].range.start.line < 2, `range inside the 2-line file: ${JSON.stringify(diagnostics[0].range)}`);
    assert.equal(client.exitCode(), undefined, 'the server is still running');
  });

  it('still publishes the other findings', function () {
    const { client } = server;
    for (const file of DUPLICATES) {
      assert.equal(ofCode(client.diagnostics.get(client.uri(python(file))) ?? [], 'duplicate-file').length, 1, file);
    }
    assert.equal(ofCode(client.diagnostics.get(client.uri(python(NEAR_DUPLICATE))) ?? [], 'near-duplicate-file').length, 1);
    assert.equal(ofCode(client.diagnostics.get(client.uri(EXT_MANIFEST)) ?? [], 'inverted-dependency').length, 1);
    assert.equal(client.diagnostics.get(client.uri(PYTHON_LIB))?.length, 12);
    const last = client.events.flatMap((e) => (e.kind === 'status' ? [e.status] : [])).at(-1);
    assert.equal(last?.copies, 12);
    assert.equal(last?.crates, 4, 'the crate of the malformed manifest is left out');
    assert.equal(last?.findings, 17, 'the 16 findings of the demo and the manifest-error');
  });

  it('clears the manifest-error when the manifest is fixed', async function () {
    const { client } = server;
    const mark = client.mark();
    fs.writeFileSync(client.file(BROKEN), original);
    await client.didChangeWatchedFiles([{ relative: BROKEN, type: FileChangeType.Changed }]);
    assert.deepEqual(await client.waitForDiagnostics(client.uri(BROKEN), () => true, { since: mark }), []);
  });
});
