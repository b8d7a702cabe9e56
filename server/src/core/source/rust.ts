// What the index needs from one Rust source file, read with tree-sitter:
// its fingerprints (bytes, significant tokens, tokens with `crate::` paths
// made absolute) and its `mod` declarations.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { Language, Parser } from 'web-tree-sitter';
import type { Node, TreeCursor } from 'web-tree-sitter';
import { locateAsset } from './assets';
import { tokenId, winnow } from './winnow';
import type { SourceAnalyzer } from '../index';
import type { Range } from '../model';
import { readSuppressionComments } from '../suppressions';
import type { SuppressionComment } from '../suppressions';

export interface ModDeclaration {
  name: string;
  /** As written, spacing normalised: '', 'pub', 'pub(crate)', 'pub(super)', 'pub(in a::b)'. */
  visibility: string;
  /** Inline modules (`mod a { ... }`) the declaration sits in, outermost first. */
  inlineParents: string[];
  /** `#[path = "..."]` on the declaration. */
  pathAttribute?: string;
  /** Attributes and doc comments above the item, in order: `cfg`, `path`, `doc` (for `///`), ... */
  attributes: { name: string; range: Range }[];
  /** Where `pub`, `pub(crate)` etc. is written, when it is. */
  visibilityRange?: Range;
  /** `mod x { ... }` rather than `mod x;`. */
  inline: boolean;
  /** The item itself, from its visibility to its `;` or `}`. */
  range: Range;
  /** The item with the attributes and doc comments above it. */
  fullRange: Range;
  fullOffsets: [number, number];
}

export interface UseSite {
  /** The first segment of the path: a crate name. */
  root: string;
  /** The path as written, spacing removed: `a::b::{c,d}`. */
  path: string;
  /** The whole `use` declaration. */
  range: Range;
}

export type ItemKind = 'fn' | 'struct' | 'enum' | 'union' | 'impl' | 'trait' | 'static' | 'const' | 'macro';

export interface ItemFact {
  kind: ItemKind;
  /** `Name`; `Trait for Type` for an impl; `Type::name` for a function in an impl or trait. */
  name: string;
  range: Range;
  lines: number;
  tokens: number;
  /** sha1 of the item's tokens with identifiers and literals abstracted: equal for a renamed copy. */
  shapeHash: string;
  /** Field names of a struct, variants of an enum, function and const names of an impl or trait. */
  members: string[];
  /** Index in `items` of the impl or trait this function belongs to. */
  parent?: number;
  /** For a tuple struct with one field (a newtype): that field's type as written. */
  newtypeOf?: string;
  /** Inside a `#[cfg(test)]` or `tests` inline module. */
  inTest?: boolean;
}

export interface StaticFact {
  name: string;
  /** The declared type as written, e.g. `OnceLock<Runtime>`. */
  type: string;
  range: Range;
  /** Built by a constructor called on a string literal (`Regex::new(r"...")`): a constant made from data. */
  fromLiteral: boolean;
}

export interface SourceFacts {
  /** sha1 of the bytes. */
  byteHash: string;
  /** sha1 of the token stream, whitespace and comments left out. */
  tokenHash: string;
  /**
   * tokenHash with every `crate::` path written from the crate's library name
   * (`crate::x` in crate `a` reads as `a::x`), so a file and its copy in a
   * crate that imports the original by name hash alike. Equals tokenHash
   * when the file has no `crate::` path.
   */
  normalizedHash: string;
  /** The library name `crate::` was replaced with. */
  normalizedFor: string;
  /** How many `crate::` paths the file has. */
  crateRefs: number;
  /** The first segment after each `crate::` and `super::` in the file (`x` of `crate::x::Y`), without repeats. */
  pathRoots: { crate: string[]; super: string[] };
  /** Significant tokens (leaves of the syntax tree that are not comments). */
  tokens: number;
  lines: number;
  firstLineLength: number;
  mods: ModDeclaration[];
  /** Only `mod`, `use`, `extern crate` and attributes: a file of wiring, never a copy worth reporting. */
  trivial: boolean;
  /** Winnowed k-gram hashes of the token stream with identifiers and literals abstracted (see winnow.ts). */
  fingerprints: Uint32Array;
  /** A hash of each line, trimmed: enough to count shared and diverging lines without reading the file again. */
  lineHashes: Uint32Array;
  /** Top-level items, items of inline modules, and the functions of impl and trait blocks. */
  items: ItemFact[];
  /** `static` items anywhere (in function bodies too) and `lazy_static!` entries. */
  statics: StaticFact[];
  /** Says in its first lines that a tool wrote it (`@generated`, `DO NOT EDIT`). */
  generated: boolean;
  /** Items declared `pub(crate)`, `pub(super)` or `pub(in ...)`: visible in their crate, never outside it. */
  restrictedNames: string[];
  /** Top-level structs, enums, unions and traits the file defines. */
  typeNames: string[];
  /** Declares a `#[macro_export]` macro, which lives at its crate's root. */
  exportsMacro: boolean;
  /** tokenId of every identifier the file names, without repeats, sorted: which names it uses. */
  identifiers: Uint32Array;
  /** The types the file's `impl` blocks are for (`X` of `impl Trait for a::X<T>`), top level and in inline modules. */
  implTargets: string[];
  /** `use x::...` declarations naming another crate (not crate, self, super, std, core or alloc). */
  useSites: UseSite[];
  /** ERROR and MISSING nodes: the grammar could not parse everything. */
  syntaxErrors: number;
  validUtf8: boolean;
  /** `// rust-consolidate: allow(...)` comments (see suppressions.ts). */
  suppressions: SuppressionComment[];
}

const COMMENTS = new Set(['line_comment', 'block_comment']);
/** Leaves that a renamed or re-valued copy changes: abstracted for near-miss fingerprints. */
// `crate` too: a module copied into a crate that names the original by its library name reads `<lib>::x` where the original reads `crate::x`.
const IDENTIFIERS = new Set(['identifier', 'type_identifier', 'field_identifier', 'shorthand_field_identifier', 'metavariable', 'crate']);
const LITERALS = new Set(['integer_literal', 'float_literal', 'char_literal', 'string_content', 'escape_sequence', 'true', 'false']);
const ID_IDENTIFIER = tokenId('\u0001identifier');
const ID_LITERAL = tokenId('\u0001literal');
const ITEM_KINDS: Record<string, ItemKind> = {
  function_item: 'fn',
  struct_item: 'struct',
  enum_item: 'enum',
  union_item: 'union',
  impl_item: 'impl',
  trait_item: 'trait',
  static_item: 'static',
  const_item: 'const',
  macro_definition: 'macro',
};
const LOCAL_ROOTS = new Set(['std', 'core', 'alloc']);
const GENERATED = /@generated|automatically generated|do not edit/i;
const WIRING = new Set(['mod_item', 'use_declaration', 'extern_crate_declaration', 'attribute_item', 'inner_attribute_item', 'line_comment', 'block_comment', 'empty_statement']);

export class RustParser implements SourceAnalyzer {
  private constructor(private readonly parser: Parser) {}

  static async load(grammarPath = locateAsset('tree-sitter-rust.wasm')): Promise<RustParser> {
    if (!grammarPath) throw new Error('tree-sitter-rust.wasm not found beside the program or in grammars/');
    const runtime = locateAsset('web-tree-sitter.wasm');
    await Parser.init(runtime ? { locateFile: () => runtime } : undefined);
    const language = await Language.load(grammarPath);
    const parser = new Parser();
    parser.setLanguage(language);
    return new RustParser(parser);
  }

  async analyzeFile(file: string, libName: string, nearMiss = true): Promise<SourceFacts> {
    return this.analyze(await readFile(file), libName, nearMiss);
  }

  /** `nearMiss`: also compute what the near-miss analysis needs (fingerprints, items, line hashes). */
  analyze(bytes: Uint8Array, libName: string, nearMiss = true): SourceFacts {
    const byteHash = sha1(bytes);
    let text: string;
    let validUtf8 = true;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      validUtf8 = false;
      text = new TextDecoder('utf-8').decode(bytes);
    }
    const tree = this.parser.parse(text);
    if (!tree) throw new Error('tree-sitter returned no tree');
    try {
      const scan = scanTokens(tree.walk(), text, libName);
      const { mods, trivial, items, implTargets } = readItems(tree.rootNode, scan.ids, scan.starts, nearMiss);
      const firstNewline = text.indexOf('\n');
      const firstLine = firstNewline < 0 ? text : text.slice(0, firstNewline);
      return {
        byteHash,
        tokenHash: scan.tokenHash,
        normalizedHash: scan.normalizedHash,
        normalizedFor: libName,
        crateRefs: scan.crateRefs,
        pathRoots: scan.pathRoots,
        tokens: scan.tokens,
        lines: countLines(text),
        firstLineLength: firstLine.replace(/\r$/, '').length,
        mods,
        trivial,
        fingerprints: nearMiss ? winnow(scan.ids) : new Uint32Array(0),
        lineHashes: nearMiss
          ? Uint32Array.from((text.endsWith('\n') ? text.slice(0, -1) : text).split('\n'), (line) => tokenId(line.trim()))
          : new Uint32Array(0),
        items,
        statics: scan.statics,
        restrictedNames: scan.restrictedNames,
        typeNames: tree.rootNode.namedChildren
          .filter((n) => n && ['struct_item', 'enum_item', 'union_item', 'trait_item'].includes(n.type))
          .map((n) => n!.childForFieldName('name')?.text ?? '')
          .filter(Boolean),
        exportsMacro: /#\[\s*macro_export\b/.test(text),
        identifiers: scan.identifiers,
        implTargets,
        generated: GENERATED.test(text.slice(0, 1000)),
        useSites: scan.useSites,
        syntaxErrors: scan.errors,
        validUtf8,
        suppressions: readSuppressionComments(text, 'rust'),
      };
    } finally {
      tree.delete();
    }
  }

  dispose(): void {
    this.parser.delete();
  }
}

function scanTokens(cursor: TreeCursor, text: string, libName: string) {
  const tokens: string[] = [];
  const ids: number[] = [];
  const starts: number[] = [];
  const crateAt: number[] = [];
  const useSites: UseSite[] = [];
  const statics: StaticFact[] = [];
  const restrictedNames: string[] = [];
  const identifierSet = new Set<number>();
  let errors = 0;
  // Tokens before this index belong to a visibility modifier: `pub fn` and `fn` have the same shape.
  let visibilityEnd = -1;
  // Depth-first over the tree with one cursor: the cheapest walk web-tree-sitter offers.
  for (;;) {
    const type = cursor.nodeType;
    if (type === 'ERROR' || cursor.nodeIsMissing) errors++;
    if (type === 'visibility_modifier') {
      visibilityEnd = cursor.endIndex;
      if (cursor.endIndex - cursor.startIndex > 3) {
        const name = cursor.currentNode.parent?.childForFieldName('name')?.text;
        if (name) restrictedNames.push(name);
      }
    }
    if (type === 'use_declaration') {
      const node = cursor.currentNode;
      const root = useRoot(node);
      const path = node.childForFieldName('argument')?.text.replace(/\s+/g, '');
      if (root && path && !LOCAL_ROOTS.has(root)) useSites.push({ root, path, range: rangeOf(node.startPosition, node.endPosition) });
    } else if (type === 'static_item') {
      const node = cursor.currentNode;
      const name = node.childForFieldName('name')?.text;
      const declared = node.childForFieldName('type')?.text;
      if (name && declared) {
        const value = node.childForFieldName('value');
        statics.push({ name, type: declared.replace(/\s+/g, ' '), range: rangeOf(node.startPosition, node.endPosition), fromLiteral: value ? builtFromLiteral(value) : false });
      }
    } else if (type === 'macro_invocation') {
      statics.push(...lazyStatics(cursor.currentNode));
    }
    if (!COMMENTS.has(type) && cursor.gotoFirstChild()) continue;
    if (!COMMENTS.has(type)) {
      const token = text.slice(cursor.startIndex, cursor.endIndex);
      if (token.length > 0) {
        if (token === '::' && tokens.length > 0 && tokens[tokens.length - 1] === 'crate') crateAt.push(tokens.length - 1);
        tokens.push(token);
        if (IDENTIFIERS.has(type)) identifierSet.add(tokenId(token));
        if (cursor.startIndex >= visibilityEnd) {
          ids.push(IDENTIFIERS.has(type) ? ID_IDENTIFIER : LITERALS.has(type) ? ID_LITERAL : tokenId(token));
          starts.push(cursor.startIndex);
        }
      }
    }
    while (!cursor.gotoNextSibling()) {
      if (!cursor.gotoParent()) {
        cursor.delete();
        // `crate::x`, the entries of `crate::{x, y::z}`, and `*` for `crate::*` or `crate::{self}`.
        const roots = (keyword: string) => {
          const found = new Set<string>();
          const segment = (token: string) => (token === '*' || token === 'self' ? '*' : /^[A-Za-z_]/.test(token) ? token : undefined);
          for (let i = 0; i + 2 < tokens.length; i++) {
            if (tokens[i] !== keyword || tokens[i + 1] !== '::') continue;
            if (tokens[i + 2] !== '{') {
              const first = segment(tokens[i + 2]);
              if (first) found.add(first);
              continue;
            }
            for (let j = i + 3, depth = 1, entryStart = true; j < tokens.length && depth > 0; j++) {
              const token = tokens[j];
              if (token === '{') depth++;
              else if (token === '}') depth--;
              else if (depth === 1 && token === ',') entryStart = true;
              else if (depth === 1 && entryStart) {
                const first = segment(token);
                if (first) found.add(first);
                entryStart = false;
              }
            }
          }
          return [...found];
        };
        const pathRoots = { crate: roots('crate'), super: roots('super') };
        const tokenHash = sha1(tokens.join('\u0000'));
        let normalizedHash = tokenHash;
        if (crateAt.length > 0) {
          for (const i of crateAt) tokens[i] = libName;
          normalizedHash = sha1(tokens.join('\u0000'));
        }
        return {
          tokenHash,
          normalizedHash,
          pathRoots,
          crateRefs: crateAt.length,
          tokens: tokens.length,
          errors,
          useSites,
          statics,
          restrictedNames,
          identifiers: Uint32Array.from(identifierSet).sort(),
          ids: Uint32Array.from(ids),
          starts: Int32Array.from(starts),
        };
      }
    }
  }
}

function readItems(
  root: Node,
  ids: Uint32Array,
  starts: Int32Array,
  withItems: boolean,
): { mods: ModDeclaration[]; trivial: boolean; items: ItemFact[]; implTargets: string[] } {
  const mods: ModDeclaration[] = [];
  const implTargets: string[] = [];
  const facts: ItemFact[] = [];
  let trivial = true;
  const visit = (items: (Node | null)[], parents: string[], inTest = false) => {
    let leading: Node[] = [];
    for (const item of items) {
      if (!item) continue;
      if (item.type === 'impl_item') {
        const target = item.childForFieldName('type')?.text.replace(/<.*$/s, '').split('::').pop()?.trim();
        if (target) implTargets.push(target);
      }
      if (withItems && ITEM_KINDS[item.type]) {
        const first = facts.length;
        readItem(item, ids, starts, facts);
        if (inTest) for (let i = first; i < facts.length; i++) facts[i].inTest = true;
      }
      if (parents.length === 0 && !WIRING.has(item.type) && !(item.type === 'mod_item' && item.childForFieldName('body'))) {
        trivial = false;
      }
      if (item.type === 'attribute_item' || (item.type === 'line_comment' && isDocComment(item))) {
        leading.push(item);
        continue;
      }
      // A plain comment between attributes and their item does not detach them.
      if (item.type === 'line_comment' || item.type === 'block_comment') continue;
      if (item.type === 'mod_item') {
        const name = item.childForFieldName('name')?.text;
        const body = item.childForFieldName('body');
        if (name) {
          const first = leading[0] ?? item;
          const visibility = item.namedChildren.find((c) => c?.type === 'visibility_modifier');
          mods.push({
            name,
            visibility: visibility ? visibility.text.replace(/\s+/g, ' ').replace(/\(\s+/g, '(').replace(/\s+\)/g, ')') : '',
            inlineParents: parents,
            pathAttribute: pathAttributeOf(leading),
            attributes: leading.map((a) => ({ name: attributeName(a), range: rangeOf(a.startPosition, a.endPosition) })),
            visibilityRange: visibility ? rangeOf(visibility.startPosition, visibility.endPosition) : undefined,
            inline: body !== null,
            range: rangeOf(item.startPosition, item.endPosition),
            fullRange: rangeOf(first.startPosition, item.endPosition),
            fullOffsets: [first.startIndex, item.endIndex],
          });
          if (body) {
            trivial = false;
            const testModule = name === 'tests' || name === 'test' || leading.some((a) => a.text.replace(/\s+/g, '') === '#[cfg(test)]');
            visit(body.namedChildren, [...parents, name], inTest || testModule);
          }
        }
      }
      leading = [];
    }
  };
  visit(root.namedChildren, []);
  return { mods, trivial, items: facts, implTargets };
}

function readItem(node: Node, ids: Uint32Array, starts: Int32Array, facts: ItemFact[], parent?: number, owner?: string): void {
  const kind = ITEM_KINDS[node.type];
  const body = node.childForFieldName('body');
  let name: string;
  if (kind === 'impl') {
    const type = node.childForFieldName('type')?.text ?? '?';
    const trait = node.childForFieldName('trait')?.text;
    name = trait ? `${trait} for ${type}` : type;
  } else {
    name = node.childForFieldName('name')?.text ?? '?';
  }
  if (owner) name = `${owner}::${name}`;
  // Tokens of the item: the ids whose start lies in the item's span.
  const first = lowerBound(starts, node.startIndex);
  const end = lowerBound(starts, node.endIndex);
  const slice = ids.subarray(first, end);
  const members: string[] = [];
  let newtypeOf: string | undefined;
  for (const child of body?.namedChildren ?? []) {
    if (!child) continue;
    if (child.type === 'field_declaration' || child.type === 'enum_variant' || child.type === 'function_item' || child.type === 'function_signature_item' || child.type === 'const_item') {
      const member = child.childForFieldName('name')?.text;
      if (member) members.push(member);
    }
  }
  if (kind === 'struct' && body?.type === 'ordered_field_declaration_list') {
    const types = body.namedChildren.filter((c) => c && c.type !== 'visibility_modifier' && c.type !== 'attribute_item');
    if (types.length === 1) newtypeOf = types[0]!.text.replace(/\s+/g, '');
  }
  const index = facts.length;
  facts.push({
    kind,
    name,
    range: rangeOf(node.startPosition, node.endPosition),
    lines: node.endPosition.row - node.startPosition.row + 1,
    tokens: slice.length,
    shapeHash: createHash('sha1').update(new Uint8Array(slice.buffer, slice.byteOffset, slice.byteLength)).digest('base64'),
    members,
    parent,
    newtypeOf,
  });
  if ((kind === 'impl' || kind === 'trait') && body) {
    const type = kind === 'impl' ? node.childForFieldName('type')?.text ?? name : name;
    for (const child of body.namedChildren) {
      if (child?.type === 'function_item') readItem(child, ids, starts, facts, index, type);
    }
  }
}

/**
 * A call of a path (`Regex::new`, not a method like `.expect`) with a string
 * literal argument, anywhere in an initialiser.
 */
function builtFromLiteral(value: Node): boolean {
  for (const call of value.descendantsOfType('call_expression')) {
    if (!call || call.childForFieldName('function')?.type === 'field_expression') continue;
    const args = call.childForFieldName('arguments')?.namedChildren ?? [];
    if (args.some((a) => a?.type === 'string_literal' || a?.type === 'raw_string_literal')) return true;
  }
  return false;
}

/** The first index whose value is at least `value`, in a sorted array. */
function lowerBound(sorted: Int32Array, value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** `lazy_static! { static ref NAME: Type = ...; }`: the macro's body is tokens, not items, to the grammar. */
function lazyStatics(node: Node): StaticFact[] {
  const macro = node.childForFieldName('macro')?.text;
  if (macro !== 'lazy_static' && !macro?.endsWith('::lazy_static')) return [];
  const found: StaticFact[] = [];
  const text = node.text;
  for (const match of text.matchAll(/static\s+ref\s+([A-Za-z_][A-Za-z0-9_]*)\s*:\s*([^=]+?)\s*=/g)) {
    const line = node.startPosition.row + (text.slice(0, match.index).match(/\n/g)?.length ?? 0);
    found.push({
      name: match[1],
      type: `Lazy<${match[2].replace(/\s+/g, ' ')}>`,
      range: { start: { line, character: 0 }, end: { line, character: 0 } },
      fromLiteral: /^\s*[A-Za-z_][\w:]*\s*\(\s*r?#*"/.test(text.slice((match.index ?? 0) + match[0].length)),
    });
  }
  return found;
}

/** The first segment of a `use` path: `a` in `use a::b::{c, d as e};`. */
function useRoot(declaration: Node): string | undefined {
  let node = declaration.childForFieldName('argument');
  while (node) {
    switch (node.type) {
      case 'identifier':
        return node.text;
      case 'scoped_identifier':
      case 'scoped_use_list':
      case 'use_as_clause':
        node = node.childForFieldName('path');
        break;
      case 'use_wildcard':
        node = node.namedChildren[0] ?? null;
        break;
      default:
        return undefined; // crate, self, super, or a bare `{...}` list
    }
  }
  return undefined;
}

function attributeName(item: Node): string {
  if (item.type !== 'attribute_item') return 'doc';
  const attribute = item.namedChildren.find((c) => c?.type === 'attribute');
  return attribute?.namedChildren[0]?.text ?? '';
}

function isDocComment(node: Node): boolean {
  return node.namedChildren.some((c) => c?.type === 'outer_doc_comment_marker');
}

function pathAttributeOf(attributes: Node[]): string | undefined {
  for (const item of attributes) {
    if (item.type !== 'attribute_item') continue;
    const attribute = item.namedChildren.find((c) => c?.type === 'attribute');
    const name = attribute?.namedChildren[0];
    const value = attribute?.childForFieldName('value');
    if (name?.text === 'path' && value?.type === 'string_literal') {
      return value.namedChildren.find((c) => c?.type === 'string_content')?.text ?? '';
    }
  }
  return undefined;
}

// web-tree-sitter parses JS strings as UTF-16, so its columns are UTF-16 units, as LSP's are.
function rangeOf(start: { row: number; column: number }, end: { row: number; column: number }): Range {
  return { start: { line: start.row, character: start.column }, end: { line: end.row, character: end.column } };
}

export function countLines(text: string): number {
  if (text.length === 0) return 0;
  let n = 1;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return text.endsWith('\n') ? n - 1 : n;
}

function sha1(data: string | Uint8Array): string {
  return createHash('sha1').update(data).digest('base64');
}
