// Each kind of check on a small workspace: the ways a file can refer to a
// path, renamed dependencies, features, files and manifests that are not
// there, and a ticked box the code contradicts.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { WorkspaceIndex } from '../../server/src/core/index';
import { DEFAULT_OPTIONS, silentLog } from '../../server/src/core/model';
import { RustParser } from '../../server/src/core/source/rust';
import { evaluatePlan, parsePlan, RustSyntax } from '../../server/src/core/plan';
import type { PlanStatus } from '../../server/src/core/plan';
import { removeFixture, writeFixture } from '../support/fixture';

const WORKSPACE = `
//- app/Cargo.toml
[package]
name = "app"
version = "0.1.0"
edition = "2021"

[dependencies]
base-lib = { path = "../base", package = "base" }

[features]
default = []
fast = []
//- app/src/lib.rs
pub use base::runtime;
use base::runtime::*;
mod engine;
pub mod api;

pub fn start() {
    handle();
}
//- app/src/engine.rs
use base::runtime;

pub fn go() {
    runtime::handle();
}
//- app/src/api.rs
pub fn version() -> u32 {
    1
}
//- base/Cargo.toml
[package]
name = "base"
version = "0.1.0"
edition = "2021"
//- base/src/lib.rs
pub mod runtime;
//- base/src/runtime.rs
pub fn handle() {}
`;

const PLAN = `# Small plan

## 1. Checks

- [ ] Update \`app/src/engine.rs\` to use \`base::runtime::handle\`
- [ ] Update \`app/src/lib.rs\` to use \`base::runtime::handle\`
- [ ] Update \`app/src/api.rs\` to use \`base::runtime::handle\`
- [ ] Export \`runtime\` module from \`app/src/lib.rs\`
- [ ] Export \`engine\` module from \`app/src/lib.rs\`
- [ ] Add \`base\` as dependency in \`app/Cargo.toml\`
- [ ] Remove \`base-lib\` dependency from \`app/Cargo.toml\`
- [ ] Create \`fast\` feature in \`app/Cargo.toml\`
- [ ] Create \`slow\` feature in \`app/Cargo.toml\`
- [ ] Add \`serde\` as dependency in \`missing/Cargo.toml\`
- [ ] Remove \`static GONE: u8 = 1\` from \`app/src/nothere.rs\`
- [ ] Update any imports in \`app\` that reference \`base\`
- [ ] Add \`pub mod api;\` to \`app/src/lib.rs\`
- [ ] Add \`pub mod engine;\` to \`app/src/lib.rs\`
- [ ] Delete duplicate files from \`app/src/\`
- [x] Delete \`app/src/engine.rs\`
- [ ] Remove \`fn go()\` from \`app/src/engine.rs\`
`;

describe('evaluatePlan: each kind of check', () => {
  let dir: string;
  let status: PlanStatus;
  before(async () => {
    const parser = await RustParser.load();
    const syntax = await RustSyntax.load();
    dir = writeFixture(WORKSPACE);
    const index = new WorkspaceIndex([dir], DEFAULT_OPTIONS, parser, silentLog);
    await index.build();
    status = evaluatePlan(parsePlan(path.join(dir, 'small_consolidation.md'), PLAN), { index, syntax });
    syntax.dispose();
    parser.dispose();
  });
  after(() => removeFixture(dir));

  it('decides each item from the code, with its evidence', () => {
    assert.deepEqual(status.base, { dir, relativeTo: 'root', root: dir });
    assert.deepEqual(
      status.scopes[0].items.map((i) => [i.check, i.status, i.evidence]),
      [
        ['refers-to', 'done', 'app/src/engine.rs refers to base::runtime::handle (line 4)'],
        ['refers-to', 'done', 'app/src/lib.rs refers to base::runtime::handle through use base::runtime::* (line 7)'],
        ['refers-to', 'open', 'app/src/api.rs does not refer to base::runtime::handle'],
        ['module-exported', 'done', 'app/src/lib.rs re-exports base::runtime (line 1)'],
        ['module-exported', 'open', 'app/src/lib.rs declares mod engine, but not pub (line 3)'],
        ['dependency-present', 'done', 'base-lib is a dependency in app/Cargo.toml (line 7), by path ../base'],
        ['dependency-absent', 'open', 'base-lib is still a dependency in app/Cargo.toml (line 7)'],
        ['feature-present', 'done', 'app/Cargo.toml has the fast feature (line 11)'],
        ['feature-present', 'open', 'app/Cargo.toml has no slow feature'],
        ['dependency-present', 'open', 'missing/Cargo.toml is not in the workspace'],
        ['item-absent', 'done', 'app/src/nothere.rs is absent'],
        ['imports-absent', 'open', 'app/src/engine.rs still uses base (line 1), and 2 more'],
        ['code-present', 'done', 'app/src/lib.rs has pub mod api; (line 4)'],
        ['code-present', 'open', 'app/src/lib.rs lacks pub mod engine'],
        ['copies-absent', 'done', "no copy of another crate's module is left in app/src/"],
        ['file-absent', 'open', 'app/src/engine.rs is still there (5 lines)'],
        ['item-absent', 'open', 'fn go is still in app/src/engine.rs (line 3)'],
      ],
    );
  });

  it('flags the ticked box the code contradicts, and only that one', () => {
    const regressed = status.scopes[0].items.filter((i) => i.regressed);
    assert.deepEqual(
      regressed.map((i) => i.text),
      ['Delete `app/src/engine.rs`'],
    );
    assert.equal(status.scopes[0].items.filter((i) => i.markable).length, 8);
    assert.deepEqual(status.counts, { done: 8, open: 9, manual: 0, regressed: 1, markable: 8, total: 17 });
  });
});
