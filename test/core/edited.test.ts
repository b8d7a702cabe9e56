// A file being edited is parsed from its last tree (RustParser.analyzeEdited):
// its facts must be those of a full parse, version after version, on real code
// with insertions, deletions, non-ASCII text and syntax errors.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RustParser, editBetween } from '../../server/src/core/source/rust';
import { repoRoot } from '../support/fixture';
import { seededRandom } from '../support/random';

/** rust-src, when bench/install-rust-src.sh laid it out (CI does). */
const RUST_SRC = path.join(repoRoot, '.cache', 'corpus', 'rust-src');

function rustFiles(dir: string, out: string[] = []): string[] {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory() && entry.name !== 'target' && entry.name !== 'node_modules') rustFiles(full, out);
    else if (entry.isFile() && entry.name.endsWith('.rs')) out.push(full);
  }
  return out;
}

/** The project's own Rust files, and every 150th file of rust-src's library/ and compiler/ with its two largest. */
function sample(): string[] {
  const own = ['demo', 'test'].flatMap((d) => rustFiles(path.join(repoRoot, d)));
  if (!fs.existsSync(RUST_SRC)) return own;
  const real = ['library', 'compiler'].flatMap((d) => rustFiles(path.join(RUST_SRC, d))).filter((f) => fs.statSync(f).size < 200_000);
  const largest = [...real].sort((a, b) => fs.statSync(b).size - fs.statSync(a).size).slice(0, 2);
  return [...own, ...real.filter((_, i) => i % 150 === 0), ...largest];
}

/** The next version of a text: an item or a comment put in at a line's start, a line taken out, or the original back. */
function edit(text: string, original: string, next: () => number, step: number): string {
  const lineStarts = [0, ...[...text.matchAll(/\n/g)].map((m) => m.index! + 1)];
  const at = lineStarts[Math.floor(next() * lineStarts.length)];
  switch (step % 5) {
    case 0:
      return `${text}\nfn added_${step}() -> u32 {\n    ${step}\n}\n`;
    case 1:
      return `${text.slice(0, at)}pub fn inserted_${step}(x: u32) -> u32 { x + ${step} }\n${text.slice(at)}`;
    case 2:
      return `${text.slice(0, at)}// ünïcödé ✓ 😀 ${step}\n${text.slice(at)}`;
    case 3: {
      const end = text.indexOf('\n', at);
      return end < 0 ? text.slice(0, at) : text.slice(0, at) + text.slice(end + 1);
    }
    default:
      return original;
  }
}

describe('facts of a file being edited', function () {
  this.timeout(600_000);
  let edited: RustParser;
  let whole: RustParser;
  before(async () => {
    edited = await RustParser.load();
    whole = await RustParser.load();
  });
  after(() => {
    edited.dispose();
    whole.dispose();
  });

  it('equal a full parse after each edit, and most versions are parsed from the last tree', () => {
    const files = sample();
    const next = seededRandom(15);
    let versions = 0;
    for (const file of files) {
      const original = fs.readFileSync(file, 'utf8');
      let text = original;
      for (let step = 0; step < 10; step++) {
        const bytes = Buffer.from(text);
        assert.deepEqual(edited.analyzeEdited(file, bytes, 'lib'), whole.analyze(bytes, 'lib'), `${path.relative(repoRoot, file)}, version ${step}`);
        versions++;
        text = edit(text, original, next, step);
      }
    }
    // The control: without it, every version might have been parsed whole.
    assert.ok(edited.incrementalParses > versions / 3, `only ${edited.incrementalParses} of ${versions} versions parsed from a kept tree`);
    // The control for the pieces: without it, every child of the root might have been walked again.
    assert.ok(edited.reusedPieces > versions, `only ${edited.reusedPieces} pieces taken from a last version, over ${versions} versions`);
  });

  it('take a piece from the last version only where its text and column are the same, with its attributes', () => {
    // Each version changes what lies around unchanged children of the root: lines above them, their
    // column, the attributes and doc comments over them, their order, copies of them, a path that
    // starts with `::`, inline modules and `use` lists; each one's facts must be a full parse's.
    const item = 'pub fn shared(x: u32) -> u32 {\n    let y = crate::a::b(x);\n    super::c!(y)\n}\n';
    const versions = [
      `use std::fmt;\n${item}mod inner {\n    pub(crate) use crate::x::{y, z as w};\n    ${item.replace(/\n/g, '\n    ')}}\n`,
      `// a line above\nuse std::fmt;\n${item}mod inner {\n    pub(crate) use crate::x::{y, z as w};\n    ${item.replace(/\n/g, '\n    ')}}\n`,
      `// a line above\nuse std::fmt;\n  ${item}mod inner {\n    pub(crate) use crate::x::{y, z as w};\n}\n${item}`,
      `#[cfg(test)]\n${item}use std::fmt;\n/// documented\n${item}`,
      `/// documented\n${item}#[cfg(test)]\n${item}use std::fmt;\n`,
      `#[cfg(test)]\n${item}\n::core::arch::global_asm!("nop");\n${item}static S: Lazy<Regex> = Lazy::new(|| Regex::new("a").unwrap());\n`,
      `${item}::core::arch::global_asm!("nop");\n${item}static S: Lazy<Regex> = Lazy::new(|| Regex::new("a").unwrap());\nimpl T for U {\n    fn f(&self) {}\n}\n`,
      `impl T for U {\n    fn f(&self) {}\n}\n${item}#[test]\n${item}macro_rules! m { () => {} }\nmod tests {\n    ${item.replace(/\n/g, '\n    ')}}\n`,
      `mod tests {\n    ${item.replace(/\n/g, '\n    ')}}\nmacro_rules! m { () => {} }\n#[test]\n${item}impl T for U {\n    fn f(&self) {}\n}\n${item}`,
    ];
    const file = path.join(repoRoot, 'test', 'pieces.rs');
    const before = edited.reusedPieces;
    for (const [i, text] of versions.entries()) {
      const bytes = Buffer.from(text);
      assert.deepEqual(edited.analyzeEdited(file, bytes, 'lib'), whole.analyze(bytes, 'lib'), `version ${i}:\n${text}`);
    }
    assert.ok(edited.reusedPieces - before >= versions.length * 2, `${edited.reusedPieces - before} pieces taken over ${versions.length} versions`);
  });

  it('edits span what changed, in UTF-16 units, and never split a surrogate pair', () => {
    const e = editBetween('fn a() {}\nfn b() {}\n', 'fn a() {}\nfn bc() {}\n');
    assert.deepEqual([e.startIndex, e.oldEndIndex, e.newEndIndex], [14, 14, 15]);
    assert.deepEqual([e.startPosition, e.oldEndPosition, e.newEndPosition], [{ row: 1, column: 4 }, { row: 1, column: 4 }, { row: 1, column: 5 }]);
    // 😀 and 😁 share their high surrogate.
    const pair = editBetween('// 😀\n', '// 😁\n');
    assert.deepEqual([pair.startIndex, pair.oldEndIndex, pair.newEndIndex], [3, 5, 5]);
    const none = editBetween('same', 'same');
    assert.deepEqual([none.startIndex, none.oldEndIndex, none.newEndIndex], [4, 4, 4]);
  });
});
