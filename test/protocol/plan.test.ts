// The plan through the protocol: the view's model, its update after a fix,
// drift diagnostics on the plan and the "Mark as done" quick fix.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { FileChangeType } from 'vscode-languageserver-protocol/node';
import type { CodeAction, Diagnostic } from 'vscode-languageserver-protocol/node';
import type { PlanItemNode, PlanView } from '../../server/src/protocol';
import { python, useDemoServer } from './demo';

const PLAN = 'rust_codebase_consolidation_plan.md';

function item(view: PlanView, scope: number, text: string | RegExp): PlanItemNode {
  const found = view.plans[0].scopes.find((s) => s.number === scope)?.items.find((i) => (typeof text === 'string' ? i.text === text : text.test(i.text)));
  assert.ok(found, `no item ${text} in scope ${scope}`);
  return found;
}

describe('protocol: the plan view', function () {
  const server = useDemoServer();
  const ADD_DEPENDENCY = /^Add `datafusion_ext` as workspace dependency in `rust\/datafusion_python\/Cargo\.toml`$/;

  it('lists the plan with its scopes, counts and items with evidence', async function () {
    const view = await server.client.planView();
    assert.equal(view.plans.length, 1);
    const [plan] = view.plans;
    assert.equal(plan.title, PLAN);
    assert.deepEqual(plan.scopes.map((s) => s.number), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const scope1 = plan.scopes[0];
    assert.equal(scope1.title, 'Critical File Duplication Elimination');
    assert.equal(scope1.total, 27);
    const entry = item(view, 1, '`rust/datafusion_python/src/delta_protocol.rs`');
    assert.equal(entry.status, 'open');
    assert.match(entry.evidence, /is still there/);
    assert.equal(entry.fixable, true);
    // A file of the plan this demo never had is absent, so its entry is done.
    assert.equal(item(view, 1, '`rust/datafusion_python/src/udf_registry.rs`').status, 'done');
    assert.equal(item(view, 1, 'Run `cargo build` to verify no compile errors').status, 'manual');
    assert.equal(item(view, 1, ADD_DEPENDENCY).status, 'open');
    // The second group: the copies by crate pair.
    assert.deepEqual(view.pairs[0].crates, ['datafusion_ext', 'datafusion-python']);
    assert.equal(view.pairs[0].classes.length, 12);
    // A pair that shares no whole module, only the runtime singleton here, is listed with the lines it shares.
    assert.deepEqual(view.pairs.slice(1).map((p) => [[...p.crates].sort(), p.classes.length, p.lines, p.sharedLines > 0]), [
      [['datafusion-python', 'df_plugin_codeanatomy'], 0, 0, true],
    ]);
  });

  it('turns a decommissioning entry done when the re-export fix deletes the copy, and says which nodes changed', async function () {
    const { client } = server;
    const copy = python('delta_protocol.rs');
    const before = await client.planView();
    const entry = item(before, 1, '`rust/datafusion_python/src/delta_protocol.rs`');
    const unrelated = item(before, 3, /^Create `rust\/datafusion_ext\/src\/async_runtime\.rs`$/);
    const diagnostics = client.diagnostics.get(client.uri(copy)) ?? [];
    const actions = (await client.codeActions(copy, diagnostics)) as CodeAction[];
    const mark = client.mark();
    await client.applyEdit(actions[0].edit!);

    const update = await client.waitFor('plan-view', (e) => e.changed.includes(entry.id), 'a plan view change for the entry', { since: mark });
    assert.equal(item(update.view, 1, '`rust/datafusion_python/src/delta_protocol.rs`').status, 'done');
    assert.ok(update.changed.includes(`${update.view.plans[0].id}#1`), 'the scope count changed');
    assert.ok(!update.changed.includes(unrelated.id), 'an unrelated item is not refreshed');
    assert.ok(!update.changed.includes('root'));
    // The fix added the dependency: the checklist item is done by the code, not ticked yet.
    const added = item(update.view, 1, ADD_DEPENDENCY);
    assert.equal(added.status, 'done');
    assert.equal(added.markable, true);
  });

  it('offers Mark as done on that item, which ticks its box', async function () {
    const { client } = server;
    const view = await client.planView();
    const added = item(view, 1, ADD_DEPENDENCY);
    const actions = (await client.codeActions(PLAN, [{ range: { start: { line: added.line, character: 0 }, end: { line: added.line, character: 0 } } } as Diagnostic])) as CodeAction[];
    const mark = actions.find((a) => a.title === 'Mark as done');
    assert.ok(mark?.edit, JSON.stringify(actions.map((a) => a.title)));
    const before = fs.readFileSync(client.file(PLAN), 'utf8');
    await client.applyEdit(mark.edit);
    const after = fs.readFileSync(client.file(PLAN), 'utf8').split('\n');
    assert.match(after[added.line], /^- \[x\] Add `datafusion_ext` as workspace dependency/);
    assert.deepEqual(after.filter((_, i) => i !== added.line), before.split('\n').filter((_, i) => i !== added.line), 'only that line changed');
  });

  it('reports a checked item the code says is open as plan-item-regressed, on its checkbox', async function () {
    const { client } = server;
    const view = await client.planView();
    const removal = item(view, 2, /^Remove `datafusion-python = "51\.0\.0"` from `rust\/datafusion_ext\/Cargo\.toml`$/);
    assert.equal(removal.status, 'open');
    const lines = fs.readFileSync(client.file(PLAN), 'utf8').split('\n');
    lines[removal.line] = lines[removal.line].replace('- [ ]', '- [x]');
    const mark = client.mark();
    fs.writeFileSync(client.file(PLAN), lines.join('\n'));
    await client.didChangeWatchedFiles([{ relative: PLAN, type: FileChangeType.Changed }]);

    const diagnostics = await client.waitForDiagnostics(client.uri(PLAN), (d) => d.length > 0, { since: mark });
    assert.deepEqual(diagnostics.map((d) => [d.code, d.range.start.line, d.range.start.character]), [['plan-item-regressed', removal.line, 2]]);
    assert.match(typeof diagnostics[0].message === 'string' ? diagnostics[0].message : '', /datafusion-python is still a dependency in rust\/datafusion_ext\/Cargo\.toml/);
  });
});
