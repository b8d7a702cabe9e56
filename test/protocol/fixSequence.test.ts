// Code actions on every diagnostic of the demo, before and after each single
// fix, through the real server: every request answers (no crash, no hang of
// the grouping), and every offered fix, applied, lowers the copies left.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CodeAction, Command, Diagnostic } from 'vscode-languageserver-protocol/node';
import { useDemoServer } from './demo';
import type { DemoServer } from './demo';

const isAction = (a: CodeAction | Command): a is CodeAction => 'kind' in a || 'edit' in a || 'disabled' in a;

/** Asks for the code actions of every diagnostic the client holds; returns the enabled fixes that delete or edit files. */
async function actionsOnEveryDiagnostic(server: DemoServer): Promise<CodeAction[]> {
  const { client } = server;
  const enabled: CodeAction[] = [];
  const files = [...client.diagnostics.entries()].sort(([a], [b]) => a.localeCompare(b));
  for (const [uri, diagnostics] of files) {
    const relative = path.relative(server.root, fileURLToPath(uri));
    for (const diagnostic of diagnostics as Diagnostic[]) {
      const actions = await client.codeActions(relative, [diagnostic]);
      for (const action of actions.filter(isAction)) {
        if (action.edit && !action.disabled) enabled.push(action);
        if (action.disabled) assert.ok(action.disabled.reason.length > 0, `a disabled fix says why: ${action.title}`);
      }
    }
  }
  return enabled;
}

describe('protocol: code actions on every diagnostic of the demo, before and after each single fix', function () {
  this.timeout(120_000);
  const server = useDemoServer();

  it('answers every request and each applied fix leaves fewer copies, until none can go', async function () {
    const { client } = server;
    let status = await client.waitForStatus((s) => s.state === 'ready', { since: 0 });
    let applied = 0;
    for (let step = 0; step < 20; step++) {
      const enabled = await actionsOnEveryDiagnostic(server);
      const next = enabled.find((a) => a.kind === 'quickfix');
      if (!next) break;
      const before = status.copies;
      const mark = client.mark();
      await client.applyEdit(next.edit!);
      status = await client.waitForStatus((s) => s.state === 'ready' && s.copies < before, { since: mark });
      applied++;
    }
    assert.ok(applied >= 2, `fixes applied one at a time: ${applied}`);
    // The near duplicate waits for the inverted dependency, which waits for its use to move: both stay, both say why.
    const left = [...client.diagnostics.entries()].flatMap(([uri, list]) =>
      list.filter((d) => d.code === 'duplicate-file' || d.code === 'near-duplicate-file').map((d) => `${d.code} ${path.relative(server.root, fileURLToPath(uri))}`),
    );
    // The copy's warning, and the hint on its mod line.
    assert.deepEqual(left.sort(), ['near-duplicate-file datafusion_python/src/lib.rs', 'near-duplicate-file datafusion_python/src/udf_builtin.rs']);
    await actionsOnEveryDiagnostic(server);
  });
});
