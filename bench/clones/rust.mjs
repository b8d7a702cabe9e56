// What the clone benchmark needs to know about a Rust file, read with the same
// tree-sitter grammar the tool uses, and the mutations it applies to make
// copies: each mutation works on whole tokens or whole lines and leaves the
// file parseable, so a copy differs from its origin only in the way its kind
// says.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Language, Parser } from 'web-tree-sitter';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(import.meta.url);

let parser;
export async function loadParser() {
  if (parser) return parser;
  const runtime = join(dirname(require.resolve('web-tree-sitter')), 'web-tree-sitter.wasm');
  await Parser.init({ locateFile: () => runtime });
  const language = await Language.load(join(ROOT, 'grammars', 'tree-sitter-rust.wasm'));
  parser = new Parser();
  parser.setLanguage(language);
  return parser;
}

const COMMENTS = new Set(['line_comment', 'block_comment']);
/** Nodes a line can start inside of: a line there is part of the token, not code. */
const MULTILINE_TOKENS = new Set(['string_literal', 'raw_string_literal', 'block_comment']);
const RENAMEABLE = new Set(['identifier', 'field_identifier', 'shorthand_field_identifier']);
const ITEM_TYPES = new Set(['function_item', 'impl_item', 'struct_item', 'enum_item', 'trait_item']);
const DELETABLE = new Set(['let_declaration', 'expression_statement']);
const KEYWORDS = new Set(['self', 'Self', 'super', 'crate', '_']);

/**
 * Everything the mutations need, from one walk: significant tokens as the tool
 * counts them (leaves but comments), rows a line must not be inserted before or
 * edited at, the `crate` roots of `use` paths, renameable names, statements of
 * function bodies, top-level items.
 */
export function analyze(text) {
  const tree = parser.parse(text);
  try {
    const lines = text.split('\n');
    const leaves = [];
    const comments = [];
    const protectedRows = new Set();
    const fnBlocks = [];
    const fnNames = new Set();
    const letNames = new Set();
    const useCrates = [];
    const cursor = tree.walk();
    let fnDepth = 0;
    for (;;) {
      const type = cursor.nodeType;
      const startRow = cursor.startPosition.row;
      const endRow = cursor.endPosition.row;
      if (MULTILINE_TOKENS.has(type) && endRow > startRow) for (let r = startRow + 1; r <= endRow; r++) protectedRows.add(r);
      if (COMMENTS.has(type)) comments.push({ type, start: cursor.startIndex, end: cursor.endIndex, startRow, endRow });
      if (type === 'function_item') {
        const node = cursor.currentNode;
        const name = node.childForFieldName('name');
        if (name) fnNames.add(name.text);
      } else if (type === 'let_declaration') {
        const pattern = cursor.currentNode.childForFieldName('pattern');
        if (pattern?.type === 'identifier') letNames.add(pattern.text);
      } else if (type === 'use_declaration') {
        const argument = cursor.currentNode.childForFieldName('argument');
        for (const c of argument?.descendantsOfType('crate') ?? []) {
          if (text.startsWith('::', c.endIndex)) useCrates.push({ start: c.startIndex, end: c.endIndex, row: c.startPosition.row });
        }
        if (argument?.type === 'crate' && text.startsWith('::', argument.endIndex)) {
          useCrates.push({ start: argument.startIndex, end: argument.endIndex, row: argument.startPosition.row });
        }
      } else if (type === 'block' && fnDepth > 0) {
        fnBlocks.push(cursor.currentNode);
      }
      const isLeafCandidate = !COMMENTS.has(type);
      if (isLeafCandidate && cursor.gotoFirstChild()) {
        if (type === 'function_item') fnDepth++;
        continue;
      }
      if (isLeafCandidate && cursor.endIndex > cursor.startIndex) {
        leaves.push({ type, start: cursor.startIndex, end: cursor.endIndex, row: startRow });
      }
      let done = false;
      while (!cursor.gotoNextSibling()) {
        if (!cursor.gotoParent()) {
          done = true;
          break;
        }
        if (cursor.nodeType === 'function_item') fnDepth--;
      }
      if (done) break;
    }
    cursor.delete();

    // Statements of function bodies (any block inside a fn), each alone on its lines.
    const statements = [];
    for (const block of fnBlocks) {
      const children = block.namedChildren.filter(Boolean);
      children.forEach((s, i) => {
        if (COMMENTS.has(s.type)) return;
        const previous = children[i - 1];
        const attributed = previous?.type === 'attribute_item';
        const startRow = s.startPosition.row;
        const endRow = s.endPosition.row;
        const first = lines[startRow];
        const last = lines[endRow];
        const aloneAtStart = first.slice(0, s.startPosition.column).trim() === '' && !protectedRows.has(startRow);
        const aloneAtEnd = last.slice(s.endPosition.column).trim() === '';
        statements.push({
          type: s.type,
          startRow,
          endRow,
          // A line can go before it: nothing precedes it on its line and no attribute above belongs to it.
          insertBefore: aloneAtStart && !attributed,
          deletable: DELETABLE.has(s.type) && aloneAtStart && aloneAtEnd && !attributed && endRow - startRow < 3 && !protectedRows.has(endRow),
          indent: first.match(/^\s*/)[0],
        });
      });
    }

    // Top-level items with the attributes and doc comments just above them.
    const items = [];
    const top = tree.rootNode.namedChildren.filter(Boolean);
    top.forEach((node, i) => {
      if (!ITEM_TYPES.has(node.type)) return;
      let first = node;
      for (let j = i - 1; j >= 0; j--) {
        const p = top[j];
        const docComment = p.type === 'line_comment' && /^\/\/[\/!]/.test(p.text);
        if ((p.type === 'attribute_item' || docComment) && p.endPosition.row >= first.startPosition.row - 1) first = p;
        else break;
      }
      const tokens = countIn(leaves, node.startIndex, node.endIndex);
      items.push({
        kind: node.type,
        name: node.childForFieldName('name')?.text ?? node.childForFieldName('type')?.text ?? '?',
        startRow: node.startPosition.row,
        endRow: node.endPosition.row,
        lines: node.endPosition.row - node.startPosition.row + 1,
        tokens,
        textStart: lineStart(text, first.startPosition.row),
        textEnd: node.endIndex,
      });
    });

    const identifiers = new Map();
    const shorthand = new Set();
    for (const l of leaves) {
      if (!RENAMEABLE.has(l.type)) continue;
      const name = text.slice(l.start, l.end);
      identifiers.set(name, (identifiers.get(name) ?? 0) + 1);
      if (l.type === 'shorthand_field_identifier') shorthand.add(name);
    }
    const renameable = new Map();
    for (const n of letNames) if (!shorthand.has(n)) renameable.set(n, 'let');
    for (const n of fnNames) renameable.set(n, 'fn');
    for (const n of [...renameable.keys()]) if (KEYWORDS.has(n) || n.length < 2) renameable.delete(n);
    return {
      lines,
      leaves,
      comments,
      protectedRows,
      statements,
      items,
      useCrates,
      identifiers,
      renameable: [...renameable].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)),
      hasError: tree.rootNode.hasError,
      outOfLineMods: tree.rootNode.namedChildren.some((n) => n?.type === 'mod_item' && !n.childForFieldName('body')),
    };
  } finally {
    tree.delete();
  }
}

function countIn(leaves, start, end) {
  let n = 0;
  for (const l of leaves) if (l.start >= start && l.start < end) n++;
  return n;
}

function lineStart(text, row) {
  let offset = 0;
  for (let r = 0; r < row; r++) offset = text.indexOf('\n', offset) + 1;
  return offset;
}

/** Applies [start, end, replacement] edits (offsets into text, not overlapping). */
function applyEdits(text, edits) {
  let out = text;
  for (const [start, end, replacement] of [...edits].sort((a, b) => b[0] - a[0])) out = out.slice(0, start) + replacement + out.slice(end);
  return out;
}

const WORDS = ['alpha', 'bravo', 'cargo', 'delta', 'ember', 'fjord', 'gamma', 'harbor', 'ivory', 'juniper', 'kelp', 'lumen',
  'maple', 'nectar', 'onyx', 'pylon', 'quartz', 'raven', 'sable', 'tundra', 'umber', 'vortex', 'willow', 'xenon', 'yarrow', 'zephyr'];
const NOTES = ['kept in sync with the original by hand', 'copied from upstream', 'see the tracking issue', 'TODO: revisit after the port',
  'local change: keep', 'mirrors the other crate', 'NOTE: behaviour differs on windows', 'checked in review'];

/**
 * Whitespace and comments: indentation rewritten (tabs, 2 or 8 spaces per
 * level), about half the comment-only lines removed, comment lines and blank
 * lines added at about 5% of the lines each, about half the blank lines
 * removed. Lines inside multi-line strings and block comments are not touched.
 */
export function mutateWhitespace(text, facts, rng) {
  const { lines, protectedRows, comments } = facts;
  const style = rng.pick(['tab', 2, 8]);
  const commentOnly = new Set();
  for (const c of comments) {
    if (c.type !== 'line_comment') continue;
    const line = lines[c.startRow];
    if (line.trim().startsWith('//') && !protectedRows.has(c.startRow) && !/^\s*\/\/[\/!]/.test(line)) commentOnly.add(c.startRow);
  }
  const out = [];
  let removedComments = 0;
  let addedComments = 0;
  let addedBlank = 0;
  let removedBlank = 0;
  for (let r = 0; r < lines.length; r++) {
    let line = lines[r];
    const fixed = protectedRows.has(r);
    if (!fixed && r > 0 && r < lines.length - 1) {
      const indent = line.match(/^ */)[0];
      if (rng.next() < 0.05) {
        out.push(`${reindent(indent, style)}// ${rng.pick(NOTES)}`);
        addedComments++;
      }
      if (rng.next() < 0.05) {
        out.push('');
        addedBlank++;
      }
    }
    if (!fixed && commentOnly.has(r) && rng.next() < 0.5) {
      removedComments++;
      continue;
    }
    if (!fixed && line.trim() === '' && r > 0 && r < lines.length - 1 && rng.next() < 0.5) {
      removedBlank++;
      continue;
    }
    if (!fixed) {
      const indent = line.match(/^ */)[0];
      line = reindent(indent, style) + line.slice(indent.length);
    }
    out.push(line);
  }
  return {
    text: out.join('\n'),
    detail: `indent ${style === 'tab' ? 'tabs' : `${style} spaces`}, ${removedComments} comment lines removed, ${addedComments} added, ` +
      `${addedBlank} blank lines added, ${removedBlank} removed`,
  };
}

function reindent(indent, style) {
  const levels = Math.floor(indent.length / 4);
  const rest = indent.length % 4;
  return (style === 'tab' ? '\t'.repeat(levels) : ' '.repeat(levels * style)) + ' '.repeat(rest);
}

/** `use crate::x` becomes `use <origin lib>::x`, as in a copy that depends on the origin crate. */
export function mutateImports(text, facts, libName) {
  if (facts.useCrates.length === 0) return undefined;
  return {
    text: applyEdits(text, facts.useCrates.map((c) => [c.start, c.end, libName])),
    detail: `${facts.useCrates.length} \`crate::\` use paths rewritten to \`${libName}::\``,
  };
}

/**
 * Up to five functions or `let` bindings renamed consistently, whole tokens
 * only: a function's name wherever it is an identifier or a method name
 * (`x.name(..)`), a binding's name wherever it is an identifier (in macro
 * bodies too). Bindings also used as shorthand fields (`S { name }`) are left.
 */
export function mutateRename(text, facts, rng) {
  const candidates = facts.renameable.filter(([n]) => facts.identifiers.has(n));
  if (candidates.length === 0) return undefined;
  const chosen = rng.sample(candidates, Math.min(5, candidates.length));
  const renames = new Map();
  for (const [name, kind] of chosen) {
    let fresh;
    do fresh = `${name}_${rng.pick(WORDS)}`;
    while (facts.identifiers.has(fresh) || [...renames.values()].some((r) => r.fresh === fresh));
    renames.set(name, { fresh, kind });
  }
  const edits = [];
  for (const l of facts.leaves) {
    if (!RENAMEABLE.has(l.type)) continue;
    const rename = renames.get(text.slice(l.start, l.end));
    if (!rename) continue;
    if (l.type === 'identifier' || (rename.kind === 'fn' && l.type === 'field_identifier')) edits.push([l.start, l.end, rename.fresh]);
  }
  return {
    text: applyEdits(text, edits),
    detail: `${renames.size} names renamed at ${edits.length} places: ${[...renames].map(([a, b]) => `${a}→${b.fresh}`).join(', ')}`,
  };
}

const STATEMENTS = [(n) => `let _unused_${n} = ${n};`, (n) => `let _unused_${n}: usize = ${n} * 2;`, (n) => `let _unused_${n} = (${n}, "copy");`];

/** `fraction` of the file's lines inserted as statements before statements of function bodies, at distinct places. */
export function mutateInsert(text, facts, rng, fraction) {
  const places = facts.statements.filter((s) => s.insertBefore);
  const count = Math.max(1, Math.round(fraction * facts.lines.length));
  const rows = new Map();
  for (const s of places) if (!rows.has(s.startRow)) rows.set(s.startRow, s.indent);
  if (rows.size < count) return undefined;
  const chosen = new Map(rng.sample([...rows], count));
  const out = [];
  let n = 0;
  facts.lines.forEach((line, r) => {
    if (chosen.has(r)) {
      n++;
      out.push(chosen.get(r) + rng.pick(STATEMENTS)(n));
    }
    out.push(line);
  });
  return { text: out.join('\n'), detail: `${count} statement lines inserted (${pct(count / facts.lines.length)} of ${facts.lines.length} lines)`, lines: count };
}

/** Statements of function bodies (let and expression statements of at most 3 lines) deleted, about `fraction` of the file's lines. */
export function mutateDelete(text, facts, rng, fraction) {
  const target = Math.max(1, Math.round(fraction * facts.lines.length));
  const candidates = rng.shuffle(facts.statements.filter((s) => s.deletable));
  const gone = new Set();
  let statements = 0;
  for (const s of candidates) {
    if (gone.size >= target) break;
    const size = s.endRow - s.startRow + 1;
    if (gone.size + size > target) continue;
    let overlaps = false;
    for (let r = s.startRow; r <= s.endRow; r++) if (gone.has(r)) overlaps = true;
    if (overlaps) continue;
    for (let r = s.startRow; r <= s.endRow; r++) gone.add(r);
    statements++;
  }
  // Not enough statements to delete that much: the file does not qualify.
  if (gone.size < target) return undefined;
  return {
    text: facts.lines.filter((_, r) => !gone.has(r)).join('\n'),
    detail: `${statements} statements deleted, ${gone.size} lines (${pct(gone.size / facts.lines.length)} of ${facts.lines.length} lines)`,
    lines: gone.size,
  };
}

/** Top-level items worth copying alone: the tool's minimum (6 lines, 50 tokens) and at most `maxLines`. */
export function copyableItems(facts, maxLines) {
  return facts.items.filter((i) => i.lines >= 6 && i.tokens >= 50 && i.lines <= maxLines);
}

export function pct(x) {
  return `${(100 * x).toFixed(1)}%`;
}
