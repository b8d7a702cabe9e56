// What a plan check reads from a Rust file, through the real grammar: the
// paths `use` brings in, items at any depth, and the names the code mentions.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RustSyntax } from '../../server/src/core/plan';
import { removeFixture, writeFixture } from '../support/fixture';

describe('RustSyntax', () => {
  let syntax: RustSyntax;
  before(async () => {
    syntax = await RustSyntax.load();
  });
  after(() => syntax.dispose());

  it('expands use trees into one path each, with aliases, globs, `self` and visibility', () => {
    const { uses } = syntax.read(
      [
        'use std::sync::{Arc, OnceLock};',
        'pub use datafusion_ext::{self, errors::{ExtError as Error, ExtResult}, async_runtime::*};',
        'pub(crate) use crate::expr::PyExpr;',
        'use ::tokio::runtime::Runtime;',
        '',
      ].join('\n'),
    );
    assert.deepEqual(
      uses.map((u) => [u.path.join('::'), u.alias, u.glob, u.visibility, u.range.start.line]),
      [
        ['std::sync::Arc', undefined, false, '', 0],
        ['std::sync::OnceLock', undefined, false, '', 0],
        ['datafusion_ext', undefined, false, 'pub', 1],
        ['datafusion_ext::errors::ExtError', 'Error', false, 'pub', 1],
        ['datafusion_ext::errors::ExtResult', undefined, false, 'pub', 1],
        ['datafusion_ext::async_runtime', undefined, true, 'pub', 1],
        ['crate::expr::PyExpr', undefined, false, 'pub(crate)', 2],
        ['tokio::runtime::Runtime', undefined, false, '', 3],
      ],
    );
  });

  it('finds items at any depth: a static inside a fn, a method, an inline module', () => {
    const { items } = syntax.read(
      [
        'pub(crate) fn get_tokio_runtime() -> &\'static Runtime {',
        '    static RUNTIME: OnceLock<Runtime> = OnceLock::new();',
        '    RUNTIME.get_or_init(Runtime::new)',
        '}',
        'struct S;',
        'impl S { pub fn method(&self) {} }',
        'mod inner { const LIMIT: usize = 4; }',
        'macro_rules! twice { ($e:expr) => { $e; $e }; }',
      ].join('\n'),
    );
    assert.deepEqual(
      items.map((i) => [i.kind, i.name, i.visibility, i.range.start.line]),
      [
        ['fn', 'get_tokio_runtime', 'pub(crate)', 0],
        ['static', 'RUNTIME', '', 1],
        ['struct', 'S', '', 4],
        ['fn', 'method', 'pub', 5],
        ['mod', 'inner', '', 6],
        ['const', 'LIMIT', '', 6],
        ['macro', 'twice', '', 7],
      ],
    );
  });

  it('records paths in code and the identifiers the code names, not those in comments or strings', () => {
    const { paths, identifiers } = syntax.read(
      [
        '// ExtError in a comment',
        'fn f() -> Runtime {',
        '    let name = "ExtError in a string";',
        '    datafusion_ext::async_runtime::get_shared_runtime()',
        '}',
        'fn g() { println!("{}", Helper::NAME); }',
      ].join('\n'),
    );
    assert.ok(paths.some((p) => p.path.join('::') === 'datafusion_ext::async_runtime::get_shared_runtime' && p.range.start.line === 3));
    assert.equal(identifiers.has('ExtError'), false);
    assert.deepEqual(identifiers.get('get_shared_runtime')?.start, { line: 3, character: 35 });
    assert.equal(identifiers.has('Helper'), true, 'names inside a macro call count');
    assert.equal(identifiers.has('Runtime'), true);
  });

  it('reads a file again only when its fingerprint changes: the index\'s hash, else its time and size', () => {
    const dir = writeFixture('//- a.rs\npub fn a() {}\n//- b.rs\npub fn b() {}\n');
    try {
      const a = path.join(dir, 'a.rs');
      const b = path.join(dir, 'b.rs');
      const read = syntax.filesRead;
      assert.equal(syntax.readFile(a, 'hash-1')?.syntax.items[0].name, 'a');
      assert.equal(syntax.readFile(a, 'hash-1')?.syntax.items[0].name, 'a');
      assert.equal(syntax.filesRead, read + 1, 'the same hash: not read again');
      fs.writeFileSync(a, 'pub fn renamed() {}\n');
      assert.equal(syntax.readFile(a, 'hash-1')?.syntax.items[0].name, 'a', 'the index has not seen the change yet');
      assert.equal(syntax.readFile(a, 'hash-2')?.syntax.items[0].name, 'renamed');
      assert.equal(syntax.filesRead, read + 2);

      // A file the index does not hold: its modification time and size.
      assert.equal(syntax.readFile(b)?.syntax.items[0].name, 'b');
      assert.equal(syntax.readFile(b)?.syntax.items[0].name, 'b');
      assert.equal(syntax.filesRead, read + 3);
      fs.writeFileSync(b, 'pub fn longer_name() {}\n');
      assert.equal(syntax.readFile(b)?.syntax.items[0].name, 'longer_name');
      assert.equal(syntax.filesRead, read + 4);
      fs.rmSync(b);
      assert.equal(syntax.readFile(b), undefined);
      assert.equal(syntax.filesRead, read + 4);
    } finally {
      removeFixture(dir);
    }
  });
});
