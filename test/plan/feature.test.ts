// The plan feature of the server on its own: which findings stand behind an
// item, for its fix, and which files it reads when the index changes.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DEFAULT_OPTIONS } from '../../server/src/core/model';
import { demoFeature, viewItem } from './demo';

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

describe('PlanFeature: what a change makes it read', () => {
  it('reads, after a save, only the saved file an item names; nothing when the change touches no file it parses', async () => {
    const demo = await demoFeature();
    try {
      const { feature, index, root } = demo;
      const first = feature.filesRead;
      // The plan, and the Rust files its items parse (lib.rs files, utils.rs, errors.rs, codeanatomy_ext.rs, the plugin).
      assert.ok(first > 1, `read ${first}`);
      feature.refresh();
      assert.equal(feature.filesRead, first, 'nothing changed: nothing read');

      // A file no item parses: the index reads it, the plan does not.
      const copy = path.join(root, 'datafusion_python', 'src', 'registry_snapshot.rs');
      fs.appendFileSync(copy, '\npub fn added() {}\n');
      await index.updateSource(copy);
      feature.refresh();
      assert.equal(feature.filesRead, first);

      // A file an item parses: read once, and its item decided again from what was saved.
      const utils = path.join(root, 'datafusion_python', 'src', 'utils.rs');
      const text = fs.readFileSync(utils, 'utf8');
      fs.writeFileSync(utils, `use datafusion_ext::async_runtime::get_shared_runtime;\n${text}`);
      await index.updateSource(utils);
      feature.refresh();
      assert.equal(feature.filesRead, first + 1);
      const item = viewItem(feature.currentView(), 'Update `rust/datafusion_python/src/utils.rs` to use shared runtime');
      assert.equal(item.status, 'done');
      feature.refresh();
      assert.equal(feature.filesRead, first + 1);
    } finally {
      demo.dispose();
    }
  });
});

describe('PlanFeature: which files are plans', () => {
  it('follows the planFiles globs, relative to the workspace folder, not a file name pattern', async () => {
    const demo = await demoFeature({ ...DEFAULT_OPTIONS, planFiles: ['docs/plans/*.md'] });
    try {
      const { feature, root } = demo;
      assert.equal(feature.isPlanFile(path.join(root, 'docs', 'plans', 'next.md')), true);
      assert.equal(feature.isPlanFile(path.join(root, 'docs', 'plans', 'deep', 'next.md')), false);
      // Its name says consolidation, but the setting does not make it a plan.
      assert.equal(feature.isPlanFile(path.join(root, 'rust_codebase_consolidation_plan.md')), false);
      assert.equal(feature.isPlanFile(path.join(path.dirname(root), 'docs', 'plans', 'next.md')), false, 'outside the folder');
      assert.deepEqual(feature.currentView().plans, []);
    } finally {
      demo.dispose();
    }
    const defaults = await demoFeature();
    try {
      const { feature, root } = defaults;
      assert.equal(feature.isPlanFile(path.join(root, 'rust_codebase_consolidation_plan.md')), true);
      assert.equal(feature.isPlanFile(path.join(root, 'docs', 'Consolidation.MARKDOWN')), true);
      assert.equal(feature.isPlanFile(path.join(root, 'docs', 'notes.md')), false);
      assert.equal(feature.isPlanFile(path.join(root, 'target', 'doc', 'consolidation.md')), false, 'build output');
    } finally {
      defaults.dispose();
    }
  });
});
