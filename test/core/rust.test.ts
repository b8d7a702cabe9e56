// Fingerprints and `mod` declarations read with the real tree-sitter-rust grammar.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { HAS_NAME_FIELD, RustParser, countLines } from '../../server/src/core/source/rust';

const bytes = (text: string) => new TextEncoder().encode(text);

const SOURCE = `use std::collections::HashMap;

/// Counts each word.
pub fn count(words: &[&str]) -> HashMap<String, usize> {
    let mut counts = HashMap::new();
    for word in words {
        *counts.entry(word.to_string()).or_insert(0) += 1;
    }
    counts
}
`;

// The same tokens: other indentation and line breaks, other comments.
const REFORMATTED = `use std::collections::HashMap;
// A comment the original does not have.
pub fn count(words: &[&str])
    -> HashMap<String, usize>
{
    /* block comment */
    let mut counts = HashMap::new();
    for word in words { *counts.entry(word.to_string()).or_insert(0) += 1; }
    counts
}
`;

describe('RustParser fingerprints', () => {
  let parser: RustParser;
  before(async () => {
    parser = await RustParser.load();
  });

  it('knows every node type of the grammar that has a name field', () => {
    // The grammar the wasm is built from (grammars/README.md): its node-types.json lists each type's fields.
    const types = JSON.parse(fs.readFileSync(require.resolve('tree-sitter-rust/src/node-types.json'), 'utf8')) as { type: string; fields?: Record<string, unknown> }[];
    const named = types.filter((t) => t.fields && 'name' in t.fields).map((t) => t.type).sort();
    assert.deepEqual([...HAS_NAME_FIELD].sort(), named);
  });

  it('hashes tokens alike when only whitespace and comments differ, and bytes differently', () => {
    const a = parser.analyze(bytes(SOURCE), 'a');
    const b = parser.analyze(bytes(REFORMATTED), 'a');
    assert.equal(a.tokenHash, b.tokenHash);
    assert.equal(a.normalizedHash, b.normalizedHash);
    assert.notEqual(a.byteHash, b.byteHash);
    assert.equal(a.tokens, b.tokens);
    assert.equal(a.syntaxErrors, 0);
  });

  it('hashes identical bytes identically', () => {
    const a = parser.analyze(bytes(SOURCE), 'a');
    const b = parser.analyze(bytes(SOURCE), 'b');
    assert.equal(a.byteHash, b.byteHash);
    assert.equal(a.tokenHash, b.tokenHash);
    // No `crate::` path: the library name plays no part.
    assert.equal(a.normalizedHash, b.normalizedHash);
    assert.equal(a.normalizedHash, a.tokenHash);
    assert.equal(a.crateRefs, 0);
  });

  it('counts significant tokens, leaving comments out', () => {
    assert.equal(parser.analyze(bytes('fn a() {}\n'), 'a').tokens, 6);
    assert.equal(parser.analyze(bytes('/// doc\nfn a() { /* x */ } // y\n'), 'a').tokens, 6);
  });

  it('hashes `crate::x` in crate a like `a::x` elsewhere, but not as the same tokens', () => {
    const inA = parser.analyze(bytes('use crate::expr::PyExpr;\npub fn f(e: PyExpr) -> PyExpr { e }\n'), 'a');
    const elsewhere = parser.analyze(bytes('use a::expr::PyExpr;\npub fn f(e: PyExpr) -> PyExpr { e }\n'), 'b');
    assert.equal(inA.normalizedHash, elsewhere.normalizedHash);
    assert.notEqual(inA.tokenHash, elsewhere.tokenHash);
    assert.equal(inA.crateRefs, 1);
    assert.equal(inA.normalizedFor, 'a');
    assert.equal(elsewhere.crateRefs, 0);
    // Written from another crate, `crate::` is another crate's path.
    const inC = parser.analyze(bytes('use crate::expr::PyExpr;\npub fn f(e: PyExpr) -> PyExpr { e }\n'), 'c');
    assert.notEqual(inC.normalizedHash, elsewhere.normalizedHash);
  });

  it('changes the hash when the content of a string literal changes', () => {
    const a = parser.analyze(bytes('pub fn name() -> &\'static str { "stable_hash" }\n'), 'a');
    const b = parser.analyze(bytes('pub fn name() -> &\'static str { "stable_hash2" }\n'), 'a');
    const raw = parser.analyze(bytes('pub fn name() -> &\'static str { r#"stable_hash2"# }\n'), 'a');
    assert.notEqual(a.tokenHash, b.tokenHash);
    assert.notEqual(a.normalizedHash, b.normalizedHash);
    assert.notEqual(b.tokenHash, raw.tokenHash);
  });

  it('flags a file of only mod, use, extern crate and attributes as trivial', () => {
    const wiring = parser.analyze(
      bytes('//! Wiring.\n#![allow(dead_code)]\n\nextern crate alloc;\n#[cfg(test)]\nmod tests;\npub mod a;\npub use a::Thing;\n'),
      'a',
    );
    assert.equal(wiring.trivial, true);
    assert.equal(parser.analyze(bytes('pub mod a;\npub fn f() {}\n'), 'a').trivial, false);
    assert.equal(parser.analyze(bytes('pub mod a;\npub struct S;\n'), 'a').trivial, false);
    assert.equal(parser.analyze(bytes('mod inline { pub fn f() {} }\n'), 'a').trivial, false);
  });

  it('counts syntax errors on broken code without throwing, and still fingerprints it', () => {
    const broken = parser.analyze(bytes('pub fn f( -> {\n    let x = ;\n}\n}\n'), 'a');
    assert.ok(broken.syntaxErrors > 0, `syntaxErrors = ${broken.syntaxErrors}`);
    assert.ok(broken.tokens > 0);
    assert.equal(broken.validUtf8, true);
    assert.equal(parser.analyze(bytes(SOURCE), 'a').syntaxErrors, 0);
  });

  it('reads bytes that are not UTF-8 without throwing', () => {
    const text = bytes('pub fn f() -> u8 { 0 }\n// latin-1: ');
    const invalid = new Uint8Array([...text, 0xe9, 0xff, 0x0a]);
    const facts = parser.analyze(invalid, 'a');
    assert.equal(facts.validUtf8, false);
    assert.equal(facts.tokens, parser.analyze(bytes('pub fn f() -> u8 { 0 }\n'), 'a').tokens);
    assert.equal(parser.analyze(bytes(SOURCE), 'a').validUtf8, true);
  });

  it('counts lines and the first line length', () => {
    const facts = parser.analyze(bytes(SOURCE), 'a');
    assert.equal(facts.lines, 10);
    assert.equal(facts.firstLineLength, 'use std::collections::HashMap;'.length);
    assert.equal(countLines(''), 0);
    assert.equal(countLines('a'), 1);
    assert.equal(countLines('a\n'), 1);
    assert.equal(countLines('a\nb'), 2);
    assert.equal(countLines('a\n\n'), 2);
  });

  it('reads mod declarations: name, visibility, inline parents, #[path], ranges with their attributes', () => {
    const text = [
      '//! Root.', //                              0
      'pub mod plain;', //                          1
      '/// Documented.', //                         2
      '#[cfg(unix)]', //                            3
      'pub(crate) mod documented;', //              4
      '#[path = "other/place.rs"]', //              5
      'mod moved;', //                              6
      'mod outer {', //                             7
      '    pub(super) mod inner;', //               8
      '    fn body() {}', //                        9
      '}', //                                       10
      '', //                                        11
    ].join('\n');
    const { mods } = parser.analyze(bytes(text), 'a');
    assert.deepEqual(
      mods.map((m) => [m.name, m.visibility, m.inline, m.inlineParents, m.pathAttribute]),
      [
        ['plain', 'pub', false, [], undefined],
        ['documented', 'pub(crate)', false, [], undefined],
        ['moved', '', false, [], 'other/place.rs'],
        ['outer', '', true, [], undefined],
        ['inner', 'pub(super)', false, ['outer'], undefined],
      ],
    );
    const [plain, documented, moved, outer, inner] = mods;
    assert.deepEqual(plain.range, { start: { line: 1, character: 0 }, end: { line: 1, character: 14 } });
    assert.deepEqual(plain.fullRange, plain.range);
    assert.deepEqual(documented.range, { start: { line: 4, character: 0 }, end: { line: 4, character: 26 } });
    // The doc comment and the attribute above belong to the declaration.
    assert.deepEqual(documented.fullRange, { start: { line: 2, character: 0 }, end: { line: 4, character: 26 } });
    assert.equal(text.slice(...documented.fullOffsets), '/// Documented.\n#[cfg(unix)]\npub(crate) mod documented;');
    assert.deepEqual(moved.fullRange, { start: { line: 5, character: 0 }, end: { line: 6, character: 10 } });
    assert.deepEqual(outer.range, { start: { line: 7, character: 0 }, end: { line: 10, character: 1 } });
    assert.deepEqual(inner.range, { start: { line: 8, character: 4 }, end: { line: 8, character: 25 } });
  });

it('keeps #[path] when a comment sits between the attribute and the mod', () => {
    const { mods } = parser.analyze(
      bytes('#[cfg(unix)]\n#[path = "unix.rs"] // the unix implementation\nmod imp;\n#[path = "b.rs"]\n/* why */\nmod b;\n'),
      'a',
    );
    assert.deepEqual(
      mods.map((m) => [m.name, m.pathAttribute]),
      [
        ['imp', 'unix.rs'],
        ['b', 'b.rs'],
      ],
    );
  });
});
