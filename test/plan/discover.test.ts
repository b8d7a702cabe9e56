// Finding plan files under the workspace folders.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { DEFAULT_PLAN_GLOBS, findPlanFiles, isPlanPath } from '../../server/src/core/plan';
import { removeFixture, writeFixture } from '../support/fixture';

describe('findPlanFiles', () => {
  let dir: string;
  before(() => {
    dir = writeFixture(
      [
        '//- rust_codebase_consolidation_plan.md',
        '//- docs/Consolidation.MD',
        '//- docs/notes.md',
        '//- docs/consolidation.txt',
        '//- .github/consolidation.md',
        '//- target/doc/consolidation.md',
        '//- node_modules/pkg/consolidation.md',
        '//- rust/.git/consolidation.md',
        '//- rust/plans/next.md',
        '',
      ].join('\n'),
    );
  });
  after(() => removeFixture(dir));

  it('finds markdown files whose name contains "consolidation", whatever the case, skipping target, .git and node_modules', () => {
    assert.deepEqual(DEFAULT_PLAN_GLOBS, ['**/*consolidation*.md', '**/*consolidation*.markdown']);
    assert.deepEqual(
      findPlanFiles([dir]).map((f) => path.relative(dir, f)),
      ['.github/consolidation.md', 'docs/Consolidation.MD', 'rust_codebase_consolidation_plan.md'].map((f) => f.split('/').join(path.sep)),
    );
  });

  it('takes the globs of the setting, relative to each root, and finds a file once under nested roots', () => {
    assert.deepEqual(
      findPlanFiles([dir, path.join(dir, 'rust')], ['rust/plans/*.md', 'plans/*.md']).map((f) => path.relative(dir, f)),
      [path.join('rust', 'plans', 'next.md')],
    );
    assert.deepEqual(findPlanFiles([dir], []), []);
  });

  it('says a file is a plan as findPlanFiles would find it, for a file that is not there yet too', () => {
    for (const file of findPlanFiles([dir])) assert.equal(isPlanPath([dir], DEFAULT_PLAN_GLOBS, file), true, file);
    for (const relative of ['docs/notes.md', 'docs/consolidation.txt', 'target/doc/consolidation.md', 'node_modules/pkg/consolidation.md']) {
      assert.equal(isPlanPath([dir], DEFAULT_PLAN_GLOBS, path.join(dir, relative)), false, relative);
    }
    assert.equal(isPlanPath([dir], DEFAULT_PLAN_GLOBS, path.join(dir, 'new', 'next_consolidation.md')), true);
    assert.equal(isPlanPath([path.join(dir, 'rust')], ['plans/*.md'], path.join(dir, 'rust', 'plans', 'next.md')), true);
    assert.equal(isPlanPath([dir], ['plans/*.md'], path.join(dir, 'rust', 'plans', 'next.md')), false);
    assert.equal(isPlanPath([dir], [], path.join(dir, 'rust_codebase_consolidation_plan.md')), false);
  });
});
