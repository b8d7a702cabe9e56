// Both directions on the demo, over the real protocol: the kept file's code
// lens names the crates its copies are in and carries them for the peek;
// references from a copy list the other copies; the light bulb on a copy
// offers Compare beside the fix; related locations name their path; the
// mod-line hints are not drawn as unnecessary code.
import * as assert from 'node:assert/strict';
import type { CodeAction, CodeLens, Location } from 'vscode-languageserver-protocol/node';
import { ext, python, PYTHON_LIB, useDemoServer } from '../protocol/demo';
import { run } from './support';

describe('server: navigation between a file and its copies', function () {
  const server = useDemoServer();

  it('puts "copied in 1 crate" on the kept file, with the copy to peek at', async function () {
    const { client } = server;
    const lenses = await client.request<CodeLens[]>('textDocument/codeLens', { textDocument: { uri: client.uri(ext('delta_protocol.rs')) } });
    assert.equal(lenses.length, 1);
    const [lens] = lenses;
    assert.equal(lens.command?.title, 'copied in 1 crate: datafusion-python');
    assert.equal(lens.command?.command, 'rustConsolidate.showCopies');
    const locations = lens.command!.arguments![2] as Location[];
    assert.deepEqual(locations.map((l) => l.uri), [client.uri(python('delta_protocol.rs'))]);
    // A copy carries no lens: its warning points the other way.
    assert.deepEqual(await client.request('textDocument/codeLens', { textDocument: { uri: client.uri(python('delta_protocol.rs')) } }), []);
  });

  it('answers references on a copy with the other copies', async function () {
    const { client } = server;
    const params = (includeDeclaration: boolean) => ({
      textDocument: { uri: client.uri(python('delta_protocol.rs')) },
      position: { line: 3, character: 0 },
      context: { includeDeclaration },
    });
    const others = await client.request<Location[]>('textDocument/references', params(false));
    assert.deepEqual(others.map((l) => l.uri), [client.uri(ext('delta_protocol.rs'))]);
    const all = await client.request<Location[]>('textDocument/references', params(true));
    assert.equal(all.length, 2);
  });

  it('offers Compare with the copy in datafusion_ext as a quick fix beside the re-export', async function () {
    const { client } = server;
    const copy = python('delta_protocol.rs');
    const diagnostics = client.diagnostics.get(client.uri(copy)) ?? [];
    assert.equal(diagnostics.length, 1);
    const actions = (await client.codeActions(copy, diagnostics)) as CodeAction[];
    const compare = actions.find((a) => a.title === 'Compare with the copy in datafusion_ext');
    assert.equal(compare?.kind, 'quickfix');
    assert.deepEqual(compare?.command?.arguments?.slice(0, 2), [client.uri(ext('delta_protocol.rs')), client.uri(copy)]);
    // The related location says which file it is: the editor shows only its name, the copy's own.
    assert.match(diagnostics[0].relatedInformation?.[0].message ?? '', /datafusion_ext\/src\/delta_protocol\.rs/);
  });

  it('sends the lines shared of every kind in the status, as check --format json counts them', async function () {
    const { client } = server;
    const json = JSON.parse(run('check', server.root, '--format', 'json').stdout) as { duplication: { lines: number } };
    assert.ok(json.duplication.lines > 0);
    const status = await client.waitForStatus((s) => s.state === 'ready', { since: 0 });
    assert.equal(status.sharedLines, json.duplication.lines);
  });

  it('gives the Copies view\'s pair the lines of every kind too, as the map\'s cell', async function () {
    const { client } = server;
    const json = JSON.parse(run('check', server.root, '--format', 'json').stdout) as { duplication: { pairs: { crates: string[]; lines: number }[] } };
    const view = await client.planView();
    const [pair] = view.pairs;
    const cell = json.duplication.pairs.find((p) => p.crates.join('|') === [...pair.crates].sort().join('|'));
    assert.ok(cell);
    assert.equal(pair.sharedLines, cell.lines);
    // The diverged copy is in the cell, not in the pair's copied modules.
    assert.ok(pair.sharedLines > pair.lines, `${pair.sharedLines} > ${pair.lines}`);
  });

  it('draws the mod-line hints as hints, not as unnecessary code', function () {
    const { client } = server;
    const hints = client.diagnostics.get(client.uri(PYTHON_LIB)) ?? [];
    assert.ok(hints.length > 0);
    assert.ok(hints.every((h) => h.tags === undefined), JSON.stringify(hints.map((h) => h.tags)));
  });
});
