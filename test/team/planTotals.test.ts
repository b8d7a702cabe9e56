// The Plan view's totals agree with its scopes': ticking an item decided by
// hand counts it done in its scope and in the plan alike.
import * as assert from 'node:assert/strict';
import type { PlanNode, PlanView } from '../../server/src/protocol';
import { PLAN_COMMANDS } from '../../server/src/protocol';
import { useDemoServer } from '../protocol/demo';

function done(plan: PlanNode): { plan: number; scopes: number } {
  const ticked = (items: PlanNode['other']) => items.filter((i) => i.status === 'done' || (i.status === 'manual' && i.checked === true)).length;
  return { plan: plan.done, scopes: plan.scopes.reduce((n, s) => n + s.done, 0) + ticked(plan.other) };
}

describe('server: the Plan view\'s totals', function () {
  const server = useDemoServer();

  it('counts a ticked hand-decided item in its scope and in the plan', async function () {
    const { client } = server;
    const before = await client.planView();
    const counts = done(before.plans[0]);
    assert.equal(counts.plan, counts.scopes);
    const manual = before.plans[0].scopes[0].items.find((i) => i.status === 'manual' && !i.checked);
    assert.ok(manual, 'a hand-decided item not ticked yet');

    const mark = client.mark();
    await client.workspaceCommand(PLAN_COMMANDS.toggleItem, [manual.id]);
    const event = await client.waitFor(
      'plan-view',
      (e) => e.view.plans[0]?.scopes[0].items.some((i) => i.id === manual.id && i.checked === true),
      'the plan view with the item ticked',
      { since: mark },
    );
    const view: PlanView = event.view;
    const after = done(view.plans[0]);
    assert.deepEqual(after, { plan: counts.plan + 1, scopes: counts.scopes + 1 });
    assert.equal(view.plans[0].scopes[0].done, before.plans[0].scopes[0].done + 1);
  });
});
