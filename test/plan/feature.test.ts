// The plan feature of the server on its own, with a host that records what
// it would send: which findings stand behind an item, for its fix.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { WorkspaceIndex } from '../../server/src/core/index';
import { DEFAULT_OPTIONS, silentLog } from '../../server/src/core/model';
import type { AnalysisOptions } from '../../server/src/core/model';
import { RustParser } from '../../server/src/core/rust';
import { PlanFeature } from '../../server/src/features/plan';
import type { PlanItemNode, PlanView } from '../../server/src/protocol';
import { removeFixture, repoRoot, writeFixture } from '../support/fixture';

/** A PlanFeature on a copy of the demo under rust/, indexed with these options. */
export async function demoFeature(options: AnalysisOptions = DEFAULT_OPTIONS) {
  const temp = writeFixture('');
  const root = path.join(temp, 'rust');
  fs.cpSync(path.join(repoRoot, 'demo', 'rust'), root, { recursive: true });
  const parser = await RustParser.load();
  const index = new WorkspaceIndex([root], options, parser, silentLog);
  await index.build();
  const feature = new PlanFeature({
    index: () => index,
    folders: () => [root],
    options: () => options,
    log: silentLog,
    publish: () => undefined,
    viewChanged: () => undefined,
    applyEdit: async () => true,
  });
  await feature.reload();
  return {
    temp,
    root,
    index,
    feature,
    dispose: () => {
      parser.dispose();
      removeFixture(temp);
    },
  };
}

export function viewItem(view: PlanView, text: string): PlanItemNode {
  const found = view.plans.flatMap((p) => [...p.scopes.flatMap((s) => s.items), ...p.other]).find((i) => i.text === text);
  assert.ok(found, text);
  return found;
}

describe('PlanFeature: the findings behind an item', () => {
  it('counts, for a folder, the copies kept there too: the authoritative copy may be on either side', async () => {
    const demo = await demoFeature({ ...DEFAULT_OPTIONS, authoritativeCrates: ['datafusion-python'] });
    try {
      const item = viewItem(demo.feature.currentView(), 'Delete duplicate files from `rust/datafusion_python/src/`');
      assert.equal(item.status, 'open');
      // The copies in datafusion_ext, kept in the folder, are behind the item; their fixes are refused for a reason.
      const refused = await demo.feature.fixNode(item.id);
      assert.match(refused ?? '', /datafusion_ext already depends on datafusion-python from the registry/);
    } finally {
      demo.dispose();
    }
  });
});
