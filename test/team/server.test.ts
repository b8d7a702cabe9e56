// The language server reads the same shared settings as the CLI, lets the
// editor's settings win, publishes settings-error on the manifest, follows a
// save of the root Cargo.toml, and writes a suppression for "Allow this copy…".
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import type { CodeAction } from 'vscode-languageserver-protocol/node';
import { LspTestClient } from '../protocol/client';
import { file, removeFixture, rustCrate, rustModule, writeFixture } from '../support/fixture';

const ROOT = file(
  'Cargo.toml',
  '[workspace]\nmembers = ["alpha", "beta"]\n\n[workspace.metadata.rust-consolidate]\nauthoritative-crates = ["beta"]\nnear-miss = false\nloudness = 11\n',
);
const WORKSPACE = ROOT + rustCrate('alpha', 'alpha', { x: rustModule('x') }) + rustCrate('beta', 'beta', { x: rustModule('x') });

describe('server: shared settings and suppressions', function () {
  let dir: string;
  const clients: LspTestClient[] = [];
  const start = async (settings: unknown = null) => {
    const client = await LspTestClient.initialize(dir, { settings });
    clients.push(client);
    await client.waitForStatus((s) => s.state === 'ready', { since: 0 });
    await client.waitForProgressEnd({ since: 0 });
    return client;
  };
  beforeEach(() => {
    dir = writeFixture(WORKSPACE);
  });
  afterEach(async () => {
    for (const client of clients.splice(0)) await client.stop();
    removeFixture(dir);
  });

  it('reports the copy the shared settings choose, and the unknown key on its line', async function () {
    const client = await start();
    const copy = await client.waitForDiagnostics(client.uri('alpha/src/x.rs'), (d) => d.length > 0, { since: 0 });
    assert.deepEqual(copy.map((d) => d.code), ['duplicate-file']);
    assert.equal(client.diagnostics.get(client.uri('beta/src/x.rs')), undefined);
    const settings = await client.waitForDiagnostics(client.uri('Cargo.toml'), (d) => d.length > 0, { since: 0 });
    assert.deepEqual(settings.map((d) => [d.code, d.range.start.line]), [['settings-error', 6]]);
    assert.match(String(settings[0].message), /Unknown setting `loudness`/);
  });

  it('lets an editor setting the user set win over the shared one', async function () {
    const client = await start({ authoritativeCrates: ['alpha'] });
    const copy = await client.waitForDiagnostics(client.uri('beta/src/x.rs'), (d) => d.length > 0, { since: 0 });
    assert.deepEqual(copy.map((d) => d.code), ['duplicate-file']);
    assert.equal(client.diagnostics.get(client.uri('alpha/src/x.rs')), undefined);
  });

  it('follows a save of the root Cargo.toml: the settings-error goes, the new keeper takes effect', async function () {
    const client = await start();
    await client.waitForDiagnostics(client.uri('alpha/src/x.rs'), (d) => d.length > 0, { since: 0 });
    const mark = client.mark();
    const manifest = client.file('Cargo.toml');
    fs.writeFileSync(manifest, fs.readFileSync(manifest, 'utf8').replace('["beta"]', '["alpha"]').replace('loudness = 11\n', ''));
    await client.didSave('Cargo.toml');
    assert.deepEqual(await client.waitForDiagnostics(client.uri('Cargo.toml'), (d) => d.length === 0, { since: mark }), []);
    await client.waitForDiagnostics(client.uri('beta/src/x.rs'), (d) => d.length === 1, { since: mark });
    await client.waitForDiagnostics(client.uri('alpha/src/x.rs'), (d) => d.length === 0, { since: mark });
  });

  it('Allow this copy… writes the comment with the reason given, and the warning goes', async function () {
    const client = await start();
    const [warning] = await client.waitForDiagnostics(client.uri('alpha/src/x.rs'), (d) => d.length > 0, { since: 0 });
    const actions = (await client.codeActions('alpha/src/x.rs', [warning])) as CodeAction[];
    const allow = actions.find((a) => a.title === 'Allow this copy…');
    assert.ok(allow?.command, JSON.stringify(actions.map((a) => a.title)));
    const mark = client.mark();
    await client.workspaceCommand(allow.command.command, [...allow.command.arguments!, 'alpha keeps its own copy for the no_std build']);
    const text = fs.readFileSync(client.file('alpha/src/x.rs'), 'utf8');
    assert.equal(text, '// rust-consolidate: allow(duplicate-file) -- alpha keeps its own copy for the no_std build\n' + rustModule('x'));
    await client.didSave('alpha/src/x.rs');
    assert.deepEqual(await client.waitForDiagnostics(client.uri('alpha/src/x.rs'), () => true, { since: mark }), []);
  });

  it('refuses Allow this copy… without a reason, and says how to write one', async function () {
    const client = await start();
    const [warning] = await client.waitForDiagnostics(client.uri('alpha/src/x.rs'), (d) => d.length > 0, { since: 0 });
    const actions = (await client.codeActions('alpha/src/x.rs', [warning])) as CodeAction[];
    const allow = actions.find((a) => a.title === 'Allow this copy…')!;
    await client.workspaceCommand(allow.command!.command, allow.command!.arguments!);
    assert.equal(fs.readFileSync(client.file('alpha/src/x.rs'), 'utf8'), rustModule('x'));
    assert.ok(client.output.some((line) => /a suppression needs a reason/.test(line)), client.output.join('\n'));
  });
});
