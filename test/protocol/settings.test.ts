// Settings pulled with workspace/configuration after
// workspace/didChangeConfiguration change how findings are reported.
import * as assert from 'node:assert/strict';
import { DiagnosticSeverity } from 'vscode-languageserver-protocol/node';
import { copyToTemp, removeFixture } from '../support/fixture';
import { CLIENT_CAPABILITIES, LspTestClient } from './client';
import { DUPLICATES, EXT_MANIFEST, NEAR_DUPLICATE, PYTHON_LIB, python, useDemoServer } from './demo';

describe('protocol: severity settings', function () {
  const server = useDemoServer();

  it('republishes the copies as errors when duplicate-file is set to error', async function () {
    const { client } = server;
    const mark = client.mark();
    await client.didChangeConfiguration({ severity: { 'duplicate-file': 'error' } });

    await client.waitFor('configuration', (e) => e.sections.includes('rustConsolidate'), 'a workspace/configuration request', { since: mark });
    for (const file of DUPLICATES) {
      const diagnostics = await client.waitForDiagnostics(client.uri(python(file)), (d) => d.length > 0, { since: mark });
      assert.deepEqual(
        diagnostics.map((d) => [d.code, d.severity]),
        [['duplicate-file', DiagnosticSeverity.Error]],
        python(file),
      );
    }
    // The other codes keep their default severity, and the hints stay hints.
    const near = client.diagnostics.get(client.uri(python(NEAR_DUPLICATE))) ?? [];
    assert.deepEqual(near.map((d) => [d.code, d.severity]), [['near-duplicate-file', DiagnosticSeverity.Warning]]);
    assert.equal(client.diagnostics.get(client.uri(EXT_MANIFEST))?.[0]?.severity, DiagnosticSeverity.Warning);
    // The hints did not change, so lib.rs is not published again.
    const hints = client.diagnostics.get(client.uri(PYTHON_LIB)) ?? [];
    assert.equal(hints.length, 12);
    assert.ok(hints.every((h) => h.severity === DiagnosticSeverity.Hint));
  });

  it('removes the copies\' diagnostics and their hints when duplicate-file is off', async function () {
    const { client } = server;
    const mark = client.mark();
    await client.didChangeConfiguration({ severity: { 'duplicate-file': 'off' } });

    for (const file of DUPLICATES) {
      assert.deepEqual(await client.waitForDiagnostics(client.uri(python(file)), () => true, { since: mark }), [], python(file));
    }
    await client.waitForStatus((s) => s.copies === 1, { since: mark });
    const hints = client.diagnostics.get(client.uri(PYTHON_LIB)) ?? [];
    assert.deepEqual(hints.map((h) => h.code), ['near-duplicate-file']);
  });
});

describe('protocol: settings pushed by a client without workspace/configuration', function () {
  it('applies the settings in workspace/didChangeConfiguration', async function () {
    const root = copyToTemp('demo/rust');
    const { configuration: _, ...workspace } = CLIENT_CAPABILITIES.workspace!;
    const client = await LspTestClient.initialize(root, { capabilities: { ...CLIENT_CAPABILITIES, workspace } });
    try {
      await client.waitForStatus((s) => s.state === 'ready', { since: 0 });
      await client.waitForProgressEnd({ since: 0 });
      const mark = client.mark();
      await client.didChangeConfiguration({ severity: { 'duplicate-file': 'error' } });
      const uri = client.uri(python('delta_protocol.rs'));
      const diagnostics = await client.waitForDiagnostics(uri, (d) => d.length > 0, { since: mark, timeoutMs: 5000 });
      assert.equal(diagnostics[0].severity, DiagnosticSeverity.Error);
      await client.stop();
    } finally {
      client.kill();
      removeFixture(root);
    }
  });
});
