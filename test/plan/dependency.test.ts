// "Add `x = { path = "...", features = [...] }` to Cargo.toml": the dependency
// must be there and enable the features the entry names.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { WorkspaceIndex } from '../../server/src/core/index';
import { DEFAULT_OPTIONS, silentLog } from '../../server/src/core/model';
import { RustParser } from '../../server/src/core/source/rust';
import { evaluatePlan, parsePlan, RustSyntax } from '../../server/src/core/plan';
import type { PlanItemStatus } from '../../server/src/core/plan';
import { removeFixture, writeFixture } from '../support/fixture';

const crate = (dir: string, dependencies: string) =>
  `//- ${dir}/Cargo.toml\n[package]\nname = "${dir}"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\n${dependencies}//- ${dir}/src/lib.rs\npub fn f() {}\n`;

const WORKSPACE =
  '//- Cargo.toml\n[workspace]\nmembers = ["base", "one", "two", "three"]\n\n[workspace.dependencies]\nbase = { path = "base", features = ["python"] }\n' +
  '//- base/Cargo.toml\n[package]\nname = "base"\nversion = "0.1.0"\nedition = "2021"\n\n[features]\npython = []\nfast = []\n//- base/src/lib.rs\npub fn b() {}\n' +
  crate('one', 'base = { path = "../base" }\n') +
  crate('two', 'base = { path = "../base", features = ["python", "fast"] }\n') +
  crate('three', 'base = { workspace = true }\n');

const entry = (manifest: string, features: string) => `- [ ] Add \`base = { path = "../base", features = [${features}] }\` to \`${manifest}\``;

const PLAN = [
  '# Plan',
  '',
  '## 1. Dependencies',
  '',
  entry('one/Cargo.toml', '"python"'),
  entry('two/Cargo.toml', '"python", "fast"'),
  entry('three/Cargo.toml', '"python"'),
  entry('three/Cargo.toml', '"python", "fast"'),
  '',
].join('\n');

describe('evaluatePlan: a dependency entry that names features', () => {
  let items: PlanItemStatus[];
  before(async () => {
    const parser = await RustParser.load();
    const syntax = await RustSyntax.load();
    const dir = writeFixture(WORKSPACE);
    try {
      const index = new WorkspaceIndex([dir], DEFAULT_OPTIONS, parser, silentLog);
      await index.build();
      items = evaluatePlan(parsePlan(path.join(dir, 'consolidation.md'), PLAN), { index, syntax }).scopes[0].items;
    } finally {
      removeFixture(dir);
      syntax.dispose();
      parser.dispose();
    }
  });

  it('is open while the dependency lacks a feature the entry names, done when it has them all', () => {
    assert.deepEqual(
      items.map((i) => [i.status, i.evidence]),
      [
        ['open', 'base is a dependency in one/Cargo.toml (line 7), but without the python feature'],
        ['done', 'base is a dependency in two/Cargo.toml (line 7), by path ../base, with the python and fast features'],
        // Inherited from [workspace.dependencies], with the features declared there.
        ['done', 'base is a dependency in three/Cargo.toml (line 7), inherited from the workspace (workspace = true), a path dependency, with the python feature'],
        ['open', 'base is a dependency in three/Cargo.toml (line 7), but without the fast feature'],
      ],
    );
  });
});
