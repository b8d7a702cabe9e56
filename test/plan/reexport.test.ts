// "Update lib.rs to re-export modules from X": done only when the file
// re-exports from X and declares no copy of another crate's module any more.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { WorkspaceIndex } from '../../server/src/core/index';
import { silentLog } from '../../server/src/core/model';
import { RustParser } from '../../server/src/core/source/rust';
import { evaluatePlan, parsePlan, RustSyntax } from '../../server/src/core/plan';
import type { PlanItemStatus } from '../../server/src/core/plan';
import { WHOLE_FILE_OPTIONS, removeFixture, writeFixture } from '../support/fixture';

const body = (name: string) => `pub fn ${name}_names(items: &[&str]) -> Vec<String> {
    let mut names: Vec<String> = items.iter().map(|s| s.trim().to_lowercase()).collect();
    names.sort();
    names.dedup();
    names
}

pub fn ${name}_weight(values: &[u64]) -> u64 {
    values.iter().fold(0, |acc, v| acc.wrapping_mul(31).wrapping_add(*v))
}
`;

const workspace = (bLib: string, bCopy: boolean) => `
//- a/Cargo.toml
[package]
name = "a"
version = "0.1.0"
edition = "2021"
//- a/src/lib.rs
pub mod one;
pub mod two;
//- a/src/one.rs
${body('one')}//- a/src/two.rs
${body('two')}//- b/Cargo.toml
[package]
name = "b"
version = "0.1.0"
edition = "2021"

[dependencies]
a = { path = "../a" }
//- b/src/lib.rs
${bLib}
${bCopy ? `//- b/src/two.rs\n${body('two')}` : ''}`;

const PLAN = '# Plan\n\n## 1. Copies\n\n- [ ] Update `b/src/lib.rs` to re-export modules from `a`\n';

describe('evaluatePlan: re-exporting modules from a crate', () => {
  let parser: RustParser;
  let syntax: RustSyntax;
  before(async () => {
    parser = await RustParser.load();
    syntax = await RustSyntax.load();
  });
  after(() => {
    syntax.dispose();
    parser.dispose();
  });

  async function evaluate(bLib: string, bCopy: boolean): Promise<PlanItemStatus> {
    const dir = writeFixture(workspace(bLib, bCopy));
    try {
      const index = new WorkspaceIndex([dir], WHOLE_FILE_OPTIONS, parser, silentLog);
      await index.build();
      return evaluatePlan(parsePlan(path.join(dir, 'consolidation.md'), PLAN), { index, syntax }).scopes[0].items[0];
    } finally {
      removeFixture(dir);
    }
  }

  it('is open while the file still declares a copy, though it re-exports the others', async () => {
    const item = await evaluate('pub use a::one;\npub mod two;\n', true);
    assert.equal(item.status, 'open');
    assert.equal(item.evidence, 'b/src/lib.rs: 1 of 2 modules re-exported from a: missing two (still a copy, at b/src/two.rs)');
    assert.deepEqual(item.at?.range.start, { line: 1, character: 0 });
  });

  it('is done once every copy is re-exported', async () => {
    const item = await evaluate('pub use a::one;\npub use a::two;\n', false);
    assert.equal(item.status, 'done');
    assert.equal(item.evidence, 'b/src/lib.rs: 2 of 2 modules re-exported from a (from line 1)');
  });
});
