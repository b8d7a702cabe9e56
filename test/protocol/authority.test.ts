// The plan's "Make `x` the authoritative source" through the server: the
// copies the plan keeps are the ones without a finding, and a saved plan
// that names another crate moves the findings to the other side.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FileChangeType } from 'vscode-languageserver-protocol/node';
import { ext, ofCode, python, useDemoServer } from './demo';

const PLAN = 'rust_codebase_consolidation_plan.md';
const STATEMENT = 'Make `datafusion_ext` the authoritative source';

describe('protocol: the authoritative crate a plan names', function () {
  const server = useDemoServer({
    prepare: (root) => {
      const plan = path.join(root, PLAN);
      const text = fs.readFileSync(plan, 'utf8');
      assert.ok(text.includes(STATEMENT));
      // The demo's rules keep datafusion_ext's copies (a crate depends on it); the plan says otherwise here.
      fs.writeFileSync(plan, text.replace(STATEMENT, 'Make `datafusion_python` the authoritative source'));
    },
  });

  it('keeps the copies of the crate the plan names, above the automatic rule', function () {
    const { client } = server;
    assert.equal(ofCode(client.diagnostics.get(client.uri(ext('delta_protocol.rs'))) ?? [], 'duplicate-file').length, 1);
    assert.equal(ofCode(client.diagnostics.get(client.uri(python('delta_protocol.rs'))) ?? [], 'duplicate-file').length, 0);
  });

  it('moves the findings back when the saved plan names the other crate', async function () {
    const { client, root } = server;
    const plan = path.join(root, PLAN);
    fs.writeFileSync(plan, fs.readFileSync(plan, 'utf8').replace('Make `datafusion_python` the authoritative source', STATEMENT));
    const mark = client.mark();
    await client.didChangeWatchedFiles([{ relative: PLAN, type: FileChangeType.Changed }]);
    const moved = await client.waitForDiagnostics(client.uri(python('delta_protocol.rs')), (d) => ofCode(d, 'duplicate-file').length === 1, { since: mark });
    assert.equal(ofCode(moved, 'duplicate-file').length, 1);
    const kept = await client.waitForDiagnostics(client.uri(ext('delta_protocol.rs')), (d) => ofCode(d, 'duplicate-file').length === 0, { since: mark });
    assert.deepEqual(ofCode(kept, 'duplicate-file'), []);
  });
});
