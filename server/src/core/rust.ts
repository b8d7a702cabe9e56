// What the index needs from one Rust source file, read with tree-sitter:
// its fingerprints (bytes, significant tokens, tokens with `crate::` paths
// made absolute) and its `mod` declarations.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { Language, Parser } from 'web-tree-sitter';
import type { Node, TreeCursor } from 'web-tree-sitter';
import { locateAsset } from './assets';
import type { SourceAnalyzer } from './index';
import type { Range } from './model';

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
  /** The whole `use` declaration. */
  range: Range;
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
  /** Significant tokens (leaves of the syntax tree that are not comments). */
  tokens: number;
  lines: number;
  firstLineLength: number;
  mods: ModDeclaration[];
  /** Only `mod`, `use`, `extern crate` and attributes: a file of wiring, never a copy worth reporting. */
  trivial: boolean;
  /** `use x::...` declarations naming another crate (not crate, self, super, std, core or alloc). */
  useSites: UseSite[];
  /** ERROR and MISSING nodes: the grammar could not parse everything. */
  syntaxErrors: number;
  validUtf8: boolean;
}

const COMMENTS = new Set(['line_comment', 'block_comment']);
const LOCAL_ROOTS = new Set(['std', 'core', 'alloc']);
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

  async analyzeFile(file: string, libName: string): Promise<SourceFacts> {
    return this.analyze(await readFile(file), libName);
  }

  analyze(bytes: Uint8Array, libName: string): SourceFacts {
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
      const { mods, trivial } = readItems(tree.rootNode);
      const firstNewline = text.indexOf('\n');
      const firstLine = firstNewline < 0 ? text : text.slice(0, firstNewline);
      return {
        byteHash,
        tokenHash: scan.tokenHash,
        normalizedHash: scan.normalizedHash,
        normalizedFor: libName,
        crateRefs: scan.crateRefs,
        tokens: scan.tokens,
        lines: countLines(text),
        firstLineLength: firstLine.replace(/\r$/, '').length,
        mods,
        trivial,
        useSites: scan.useSites,
        syntaxErrors: scan.errors,
        validUtf8,
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
  const crateAt: number[] = [];
  const useSites: UseSite[] = [];
  let errors = 0;
  // Depth-first over the tree with one cursor: the cheapest walk web-tree-sitter offers.
  for (;;) {
    const type = cursor.nodeType;
    if (type === 'ERROR' || cursor.nodeIsMissing) errors++;
    if (type === 'use_declaration') {
      const node = cursor.currentNode;
      const root = useRoot(node);
      if (root && !LOCAL_ROOTS.has(root)) useSites.push({ root, range: rangeOf(node.startPosition, node.endPosition) });
    }
    if (!COMMENTS.has(type) && cursor.gotoFirstChild()) continue;
    if (!COMMENTS.has(type)) {
      const token = text.slice(cursor.startIndex, cursor.endIndex);
      if (token.length > 0) {
        if (token === '::' && tokens.length > 0 && tokens[tokens.length - 1] === 'crate') crateAt.push(tokens.length - 1);
        tokens.push(token);
      }
    }
    while (!cursor.gotoNextSibling()) {
      if (!cursor.gotoParent()) {
        cursor.delete();
        const tokenHash = sha1(tokens.join('\u0000'));
        let normalizedHash = tokenHash;
        if (crateAt.length > 0) {
          for (const i of crateAt) tokens[i] = libName;
          normalizedHash = sha1(tokens.join('\u0000'));
        }
        return { tokenHash, normalizedHash, crateRefs: crateAt.length, tokens: tokens.length, errors, useSites };
      }
    }
  }
}

function readItems(root: Node): { mods: ModDeclaration[]; trivial: boolean } {
  const mods: ModDeclaration[] = [];
  let trivial = true;
  const visit = (items: (Node | null)[], parents: string[]) => {
    let leading: Node[] = [];
    for (const item of items) {
      if (!item) continue;
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
            visit(body.namedChildren, [...parents, name]);
          }
        }
      }
      leading = [];
    }
  };
  visit(root.namedChildren, []);
  return { mods, trivial };
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
