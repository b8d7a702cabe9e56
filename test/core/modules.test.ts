// The module tree, as rustc resolves `mod` declarations (the Reference,
// "Modules": module source filenames and the `path` attribute), read through
// WorkspaceIndex.moduleOf.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { WorkspaceIndex } from '../../server/src/core/index';
import { silentLog } from '../../server/src/core/model';
import { RustParser } from '../../server/src/core/source/rust';
import { removeFixture, writeFixture, WHOLE_FILE_OPTIONS } from '../support/fixture';

const FIXTURE = `
//- m/Cargo.toml
[package]
name = "mod-tree"
version = "0.1.0"
//- m/src/lib.rs
//! Crate root.
pub mod plain;
mod dir_mod;
pub mod outer;
/// Moved somewhere else.
#[path = "elsewhere/renamed.rs"]
pub(crate) mod custom;
mod inline_parent {
    pub mod inner;
    #[path = "relocated.rs"]
    mod via_inline_path;
}
mod missing;
//- m/src/plain.rs
pub fn plain() {}
//- m/src/dir_mod/mod.rs
mod child;
//- m/src/dir_mod/child.rs
pub fn child() {}
//- m/src/outer.rs
pub mod nested;
mod deeper {
    mod leaf;
}
#[path = "sibling.rs"]
mod via_path;
//- m/src/outer/nested.rs
pub fn nested() {}
//- m/src/outer/deeper/leaf.rs
pub fn leaf() {}
//- m/src/sibling.rs
pub fn sibling() {}
//- m/src/elsewhere/renamed.rs
mod kid;
//- m/src/elsewhere/kid.rs
pub fn kid() {}
//- m/src/inline_parent/inner.rs
pub fn inner() {}
//- m/src/inline_parent/relocated.rs
pub fn relocated() {}
//- m/src/orphan.rs
pub fn nobody_declares_me() -> u32 { 42 }
//- m/src/main.rs
mod cli;
fn main() {}
//- m/src/cli.rs
pub fn run() {}
`;

describe('module tree', () => {
  let parser: RustParser;
  let dir: string;
  let index: WorkspaceIndex;
  const at = (relative: string) => path.join(dir, 'm', relative);
  const modulePath = (relative: string) => index.moduleOf(at(relative))?.path.join('::');

  before(async () => {
    parser = await RustParser.load();
    dir = writeFixture(FIXTURE);
    index = new WorkspaceIndex([dir], { ...WHOLE_FILE_OPTIONS }, parser, silentLog);
    await index.build();
  });
  after(() => removeFixture(dir));

  it('gives target roots the empty path and their target kind', () => {
    const lib = index.moduleOf(at('src/lib.rs'));
    assert.deepEqual(lib?.path, []);
    assert.equal(lib?.target, 'lib');
    assert.equal(lib?.crate.name, 'mod-tree');
    assert.equal(lib?.declaredBy, undefined);
    assert.equal(index.moduleOf(at('src/main.rs'))?.target, 'bin');
  });

  it('resolves `mod x;` to x.rs and to x/mod.rs', () => {
    assert.equal(modulePath('src/plain.rs'), 'plain');
    assert.equal(modulePath('src/dir_mod/mod.rs'), 'dir_mod');
    assert.equal(modulePath('src/dir_mod/child.rs'), 'dir_mod::child');
  });

  it('resolves the children of a non-mod-rs file `a.rs` in `a/`, inline modules included', () => {
    assert.equal(modulePath('src/outer.rs'), 'outer');
    assert.equal(modulePath('src/outer/nested.rs'), 'outer::nested');
    assert.equal(modulePath('src/outer/deeper/leaf.rs'), 'outer::deeper::leaf');
  });

  it('resolves `mod b;` inside an inline `mod a { }` to a/b.rs', () => {
    assert.equal(modulePath('src/inline_parent/inner.rs'), 'inline_parent::inner');
  });

  it('follows #[path]: relative to the declaring file, or to the inline modules around it', () => {
    assert.equal(modulePath('src/elsewhere/renamed.rs'), 'custom');
    // In outer.rs (not mod-rs), a #[path] outside inline modules is relative to outer.rs's own folder.
    assert.equal(modulePath('src/sibling.rs'), 'outer::via_path');
    assert.equal(modulePath('src/inline_parent/relocated.rs'), 'inline_parent::via_inline_path');
    // A file loaded through #[path] owns its folder, like a mod.rs.
    assert.equal(modulePath('src/elsewhere/kid.rs'), 'custom::kid');
  });

  it('gives modules of the binary target the bin kind', () => {
    const cli = index.moduleOf(at('src/cli.rs'));
    assert.equal(cli?.path.join('::'), 'cli');
    assert.equal(cli?.target, 'bin');
  });

  it('records the declaration that brings a file in, with its range', () => {
    const custom = index.moduleOf(at('src/elsewhere/renamed.rs'));
    assert.equal(custom?.declaredBy?.file, at('src/lib.rs'));
    assert.equal(custom?.declaredBy?.declaration.name, 'custom');
    assert.equal(custom?.declaredBy?.declaration.visibility, 'pub(crate)');
    assert.deepEqual(custom?.declaredBy?.declaration.range, {
      start: { line: 6, character: 0 },
      end: { line: 6, character: 22 },
    });
    assert.deepEqual(custom?.declaredBy?.declaration.fullRange, {
      start: { line: 4, character: 0 },
      end: { line: 6, character: 22 },
    });
    const nested = index.moduleOf(at('src/outer/nested.rs'));
    assert.equal(nested?.declaredBy?.file, at('src/outer.rs'));
    assert.deepEqual(nested?.declaredBy?.declaration.range, {
      start: { line: 0, character: 0 },
      end: { line: 0, character: 15 },
    });
    const inner = index.moduleOf(at('src/inline_parent/inner.rs'));
    assert.deepEqual(inner?.declaredBy?.declaration.inlineParents, ['inline_parent']);
    assert.deepEqual(inner?.declaredBy?.declaration.range, {
      start: { line: 8, character: 4 },
      end: { line: 8, character: 18 },
    });
  });

  it('leaves a file no `mod` reaches out of the tree, but still fingerprints it', () => {
    assert.equal(index.moduleOf(at('src/orphan.rs')), undefined);
    const facts = index.factsOf(at('src/orphan.rs'));
    assert.ok(facts, 'the orphan is fingerprinted');
    assert.equal(facts.tokens, 10);
    assert.equal(index.graph.crateOf(at('src/orphan.rs'))?.name, 'mod-tree');
  });

  it('puts every file of the crate except the orphan in the tree', () => {
    const files = [
      'src/lib.rs', 'src/plain.rs', 'src/dir_mod/mod.rs', 'src/dir_mod/child.rs', 'src/outer.rs',
      'src/outer/nested.rs', 'src/outer/deeper/leaf.rs', 'src/sibling.rs', 'src/elsewhere/renamed.rs',
      'src/elsewhere/kid.rs', 'src/inline_parent/inner.rs', 'src/inline_parent/relocated.rs',
      'src/main.rs', 'src/cli.rs',
    ];
    assert.deepEqual(files.filter((f) => index.moduleOf(at(f)) === undefined), []);
  });
});
