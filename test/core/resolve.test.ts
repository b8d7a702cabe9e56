// The per-module name resolver on the real grammar: paths resolved from the
// module they are written in, with renames, globs, visibility, inline
// modules and super/self/crate, and who reaches into a module.
import * as assert from 'node:assert/strict';
import { WorkspaceIndex } from '../../server/src/core/index';
import { silentLog } from '../../server/src/core/model';
import { externCrate } from '../../server/src/core/source/resolve/externs';
import { CrateScopes } from '../../server/src/core/source/resolve/scopes';
import type { Resolution } from '../../server/src/core/source/resolve/scopes';
import { RustParser } from '../../server/src/core/source/rust';
import { removeFixture, writeFixture, WHOLE_FILE_OPTIONS } from '../support/fixture';

const CRATE = `//- c/Cargo.toml
[package]
name = "c"
version = "0.1.0"
edition = "2021"
//- c/src/lib.rs
pub mod a;
mod b;
pub(crate) use a::deep::helper as renamed;
use a::*;
use self::loop_x as loop_y;
use self::loop_y as loop_x;
pub fn root_fn() -> u32 { a::deep::helper() + crate::b::b_fn() }
pub mod inline {
    pub fn up() -> u32 { super::root_fn() }
    pub mod inner {
        pub fn up_up() -> u32 { super::super::root_fn() + self::local() }
        fn local() -> u32 { 1 }
    }
}
//- c/src/a.rs
pub mod deep;
pub fn shared() -> u32 { 2 }
fn private_to_a() -> u32 { 3 }
//- c/src/a/deep.rs
pub(crate) fn helper() -> u32 { 4 }
//- c/src/b.rs
use crate::a::*;
pub fn shared() -> u32 { 5 }
pub fn b_fn() -> u32 { shared() + serde::x() }
`;

describe('resolver: names per module', () => {
  let parser: RustParser;
  let dir: string;
  let scopes: CrateScopes;
  before(async () => {
    parser = await RustParser.load();
    dir = writeFixture(CRATE);
    const index = new WorkspaceIndex([dir], { ...WHOLE_FILE_OPTIONS }, parser, silentLog);
    await index.build();
    const crate = index.graph.crates[0];
    scopes = new CrateScopes(index, crate, 'lib', (n) => n === 'serde' || n === 'std');
  });
  after(() => {
    removeFixture(dir);
    parser.dispose();
  });

  const item = (r: Resolution) => (r.kind === 'item' ? `${r.module.join('::')}::${r.item.name}${r.rest.length ? ` +${r.rest.join('::')}` : ''}` : r.kind);
  const at = (from: string, path: string) => item(scopes.resolve(from ? from.split('::') : [], path.split('::')));

  it('follows crate::, self::, super:: and super::super:: from the module they are written in, inline modules included', () => {
    assert.equal(at('', 'crate::a::deep::helper'), 'a::deep::helper');
    assert.equal(at('inline', 'super::root_fn'), '::root_fn');
    assert.equal(at('inline::inner', 'super::super::root_fn'), '::root_fn');
    assert.equal(at('inline::inner', 'self::local'), 'inline::inner::local');
    assert.equal(scopes.resolve([], ['super', 'x']).kind, 'unresolved', 'super:: above the root');
  });

  it('reads renames and re-exports: `pub(crate) use a::deep::helper as renamed` names helper', () => {
    assert.equal(at('', 'renamed'), 'a::deep::helper');
    assert.equal(at('b', 'crate::renamed'), 'a::deep::helper');
  });

  it('lets an item shadow a glob import, and a glob import bring in only what is visible', () => {
    assert.equal(at('b', 'shared'), 'b::shared', 'b\'s own shared, not a\'s through the glob');
    assert.equal(at('', 'shared'), 'a::shared', 'the root has none of its own: the glob\'s');
    assert.equal(scopes.resolve([], ['private_to_a']).kind, 'unresolved', 'a private item is not imported by a glob from outside its module');
  });

  it('sends a first segment that nothing declares to the extern prelude, and ends import cycles', () => {
    assert.deepEqual(scopes.resolve(['b'], ['serde', 'x']), { kind: 'extern', crate: 'serde', rest: ['x'] });
    assert.equal(scopes.resolve([], ['loop_x']).kind, 'unresolved');
  });

  it('lists who reaches into a module, by which path and which name', () => {
    const reaches = scopes.reachersOf(['a', 'deep']).map((r) => `${r.file.slice(dir.length + 1)}:${r.line + 1} ${r.written} -> ${r.name ?? '(module)'}`);
    assert.deepEqual(reaches.sort(), [
      'c/src/lib.rs:3 use a::deep::helper -> helper',
      'c/src/lib.rs:7 a::deep::helper -> helper',
    ]);
    const intoA = scopes.reachersOf(['a']).filter((r) => r.glob).map((r) => r.file.slice(dir.length + 1)).sort();
    assert.deepEqual(intoA, ['c/src/b.rs', 'c/src/lib.rs'], 'glob imports of a');
  });
});

describe('resolver: extern crate names down to one identity', () => {
  let parser: RustParser;
  let dir: string;
  let index: WorkspaceIndex;
  const crate = (name: string, dependencies: string) =>
    `//- ${name}/Cargo.toml\n[package]\nname = "${name}"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\n${dependencies}\n//- ${name}/src/lib.rs\npub fn f() {}\n`;
  before(async () => {
    parser = await RustParser.load();
    dir = writeFixture(
      '//- Cargo.toml\n[workspace]\nmembers = ["a", "b", "c", "local"]\n\n[workspace.dependencies]\nregex = "1.10"\n' +
        crate('a', 'regex = "1.5"\nserde = { git = "https://example.invalid/serde", rev = "abc" }\nold = { package = "tokio", version = "0.2" }\nmine = { path = "../local" }') +
        crate('b', 'regex = { workspace = true }\nserde = { git = "https://example.invalid/serde", rev = "def" }\nold = { package = "tokio", version = "1" }\nmine = { path = "../local", package = "local" }') +
        crate('c', 'regex = "2"\nserde = { git = "https://example.invalid/serde", rev = "abc" }\nold = { package = "tokio", version = "0.2.25" }') +
        crate('local', ''),
    );
    index = new WorkspaceIndex([dir], { ...WHOLE_FILE_OPTIONS }, parser, silentLog);
    await index.build();
  });
  after(() => {
    removeFixture(dir);
    parser.dispose();
  });
  const identity = (crateName: string, name: string) => {
    const found = index.graph.crates.find((c) => c.name === crateName)!;
    return externCrate(index, found, name)?.identity;
  };

  it('reads semver-compatible requirements as one version, through workspace = true', () => {
    assert.equal(identity('a', 'regex'), identity('b', 'regex'), '1.5 and the workspace\'s 1.10 are both ^1');
    assert.notEqual(identity('a', 'regex'), identity('c', 'regex'), '^1 and ^2');
    assert.equal(identity('a', 'old'), identity('c', 'old'), '0.2 and 0.2.25 are both ^0.2');
    assert.notEqual(identity('a', 'old'), identity('b', 'old'), 'tokio 0.2 and 1');
  });

  it('tells git revisions apart, and follows package renames to the local crate', () => {
    assert.equal(identity('a', 'serde'), identity('c', 'serde'));
    assert.notEqual(identity('a', 'serde'), identity('b', 'serde'));
    assert.equal(identity('a', 'mine'), identity('b', 'mine'));
    assert.equal(identity('a', 'nothing'), undefined);
  });
});
