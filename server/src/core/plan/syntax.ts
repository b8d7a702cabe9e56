// What the plan checks need to know about a Rust file, read with the real
// tree-sitter grammar: the items it declares (a `static`, a `fn`, a `mod`),
// the paths its `use` declarations bring in, the paths and identifiers its
// code mentions. The index's fingerprints don't keep these, so a plan check
// parses the few files its items name.
import * as fs from 'node:fs';
import type { Parser } from 'web-tree-sitter';
import type { Node } from 'web-tree-sitter';
import { loadRustGrammar } from '../source/treeSitter';
import type { Range } from '../model';
import type { RustItemKind } from './model';

export interface RustItem {
  kind: RustItemKind;
  name: string;
  /** As written, spacing removed: '', 'pub', 'pub(crate)'. */
  visibility: string;
  range: Range;
  /** A `fn`'s return type as written, spacing squeezed. */
  returns?: string;
  /** A `static` or `const`'s type as written, spacing squeezed. */
  type?: string;
}

/** An `impl` block: `impl From<io::Error> for BaseError` has trait `From<io::Error>` and type `BaseError`. */
export interface RustImpl {
  trait?: string;
  type: string;
  range: Range;
}

export interface RustUse {
  /** One imported path, use lists expanded: `use a::{b, c::d}` gives ['a', 'b'] and ['a', 'c', 'd']. */
  path: string[];
  alias?: string;
  /** `use a::*`: `path` is ['a']. */
  glob: boolean;
  visibility: string;
  /** The whole `use` declaration. */
  range: Range;
}

export interface RustPath {
  path: string[];
  range: Range;
}

export interface RustFileSyntax {
  /** Every item, nested ones (a `static` inside a `fn`, a method) included. */
  items: RustItem[];
  uses: RustUse[];
  /** `a::b::c` paths in code and types, outside `use` declarations; inside macro calls too (`println!("{}", a::f())`). */
  paths: RustPath[];
  impls: RustImpl[];
  /** Each identifier the code names (macro bodies included, comments and strings not), at its first place. */
  identifiers: Map<string, Range>;
}

const ITEM_KINDS: Record<string, RustItemKind> = {
  function_item: 'fn',
  function_signature_item: 'fn',
  static_item: 'static',
  const_item: 'const',
  struct_item: 'struct',
  enum_item: 'enum',
  union_item: 'union',
  trait_item: 'trait',
  type_item: 'type',
  mod_item: 'mod',
  macro_definition: 'macro',
};
const IDENTIFIERS = new Set(['identifier', 'type_identifier', 'field_identifier', 'shorthand_field_identifier']);
const COMMENTS = new Set(['line_comment', 'block_comment']);
const PATHS = new Set(['scoped_identifier', 'scoped_type_identifier']);
/** Files kept parsed, so re-evaluating a plan after one save parses only what changed. */
const CACHE_SIZE = 256;

/** A file's text, and its syntax parsed when first asked for. */
export class FileSyntax {
  private parsed?: RustFileSyntax;

  constructor(
    readonly text: string,
    private readonly parse: (text: string) => RustFileSyntax,
  ) {}

  get syntax(): RustFileSyntax {
    return (this.parsed ??= this.parse(this.text));
  }
}

export class RustSyntax {
  private readonly cache = new Map<string, { key: string; file: FileSyntax }>();
  /** Files read from disk: a file whose fingerprint has not changed is never read again. */
  filesRead = 0;

  private constructor(private readonly parser: Parser) {}

  static async load(grammarPath?: string): Promise<RustSyntax> {
    // The runtime is shared with RustParser: web-tree-sitter initialises its module once per thread.
    return new RustSyntax((await loadRustGrammar(grammarPath)).parser);
  }

  /**
   * A file as it is on disk; undefined when it cannot be read. `byteHash` is
   * the index's fingerprint of the file, when the index holds it; else the
   * file's modification time and size stand for it. A file whose fingerprint
   * is the one last read is not read again. Its syntax is parsed when first
   * asked for: a caller that finds the name it looks for absent from the text
   * needs no tree.
   */
  readFile(file: string, byteHash?: string): FileSyntax | undefined {
    let key: string;
    if (byteHash !== undefined) {
      key = `hash:${byteHash}`;
    } else {
      try {
        const stat = fs.statSync(file);
        if (!stat.isFile()) throw new Error('not a file');
        key = `stat:${stat.mtimeMs}:${stat.size}`;
      } catch {
        this.cache.delete(file);
        return undefined;
      }
    }
    const cached = this.cache.get(file);
    if (cached && cached.key === key) {
      // Most recently used last.
      this.cache.delete(file);
      this.cache.set(file, cached);
      return cached.file;
    }
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch {
      this.cache.delete(file);
      return undefined;
    }
    this.filesRead++;
    // The same bytes under another key (touched, not changed): the same syntax.
    const read = cached && cached.file.text === text ? cached.file : new FileSyntax(text, (t) => this.read(t));
    this.cache.delete(file);
    this.cache.set(file, { key, file: read });
    if (this.cache.size > CACHE_SIZE) this.cache.delete(this.cache.keys().next().value!);
    return read;
  }

  read(text: string): RustFileSyntax {
    const tree = this.parser.parse(text);
    if (!tree) throw new Error('tree-sitter returned no tree');
    const result: RustFileSyntax = { items: [], uses: [], paths: [], impls: [], identifiers: new Map() };
    const cursor = tree.walk();
    try {
      let inUse = -1;
      for (;;) {
        const type = cursor.nodeType;
        const kind = ITEM_KINDS[type];
        if (kind) {
          const node = cursor.currentNode;
          const name = node.childForFieldName('name')?.text;
          const returns = kind === 'fn' ? node.childForFieldName('return_type')?.text : undefined;
          const type = kind === 'static' || kind === 'const' ? node.childForFieldName('type')?.text : undefined;
          if (name) {
            result.items.push({
              kind,
              name,
              visibility: visibilityOf(node),
              range: rangeOf(node),
              ...(returns ? { returns: squeeze(returns) } : {}),
              ...(type ? { type: squeeze(type) } : {}),
            });
          }
        } else if (type === 'impl_item') {
          const node = cursor.currentNode;
          const implType = node.childForFieldName('type')?.text;
          const implTrait = node.childForFieldName('trait')?.text;
          if (implType) result.impls.push({ type: squeeze(implType), ...(implTrait ? { trait: squeeze(implTrait) } : {}), range: rangeOf(node) });
        } else if (type === 'token_tree' && inUse < 0) {
          // A macro call's arguments are tokens, not expressions: `a :: b :: c` read as a path.
          macroPaths(cursor.currentNode, result.paths);
        } else if (type === 'use_declaration') {
          const node = cursor.currentNode;
          const argument = node.childForFieldName('argument');
          const imported: Omit<RustUse, 'visibility' | 'range'>[] = [];
          if (argument) expandUse(argument, [], imported);
          for (const u of imported) result.uses.push({ ...u, visibility: visibilityOf(node), range: rangeOf(node) });
          inUse = cursor.currentDepth;
        } else if (PATHS.has(type) && inUse < 0) {
          const node = cursor.currentNode;
          const path = segments(node);
          if (path) result.paths.push({ path, range: rangeOf(node) });
        } else if (IDENTIFIERS.has(type) && !result.identifiers.has(cursor.nodeText)) {
          result.identifiers.set(cursor.nodeText, { start: point(cursor.startPosition), end: point(cursor.endPosition) });
        }
        if (!COMMENTS.has(type) && cursor.gotoFirstChild()) continue;
        let done = false;
        while (!cursor.gotoNextSibling()) {
          if (!cursor.gotoParent()) {
            done = true;
            break;
          }
          if (cursor.currentDepth === inUse) inUse = -1;
        }
        if (done) break;
        if (cursor.currentDepth <= inUse) inUse = -1;
      }
    } finally {
      cursor.delete();
      tree.delete();
    }
    return result;
  }

  dispose(): void {
    this.cache.clear();
    this.parser.delete();
  }
}

function squeeze(text: string): string {
  return text.replace(/\s+/g, ' ').replace(/\s*(::|<|>|,)\s*/g, (_, t: string) => (t === ',' ? ', ' : t)).trim();
}

/** `a::b::c` runs of identifiers and `::` among a token tree's own tokens. */
function macroPaths(tree: Node, out: RustPath[]): void {
  const tokens = tree.children.filter((c): c is Node => c !== null);
  for (let i = 0; i < tokens.length; i++) {
    if (tokens[i].type !== 'identifier' && tokens[i].type !== 'crate' && tokens[i].type !== 'self' && tokens[i].type !== 'super') continue;
    const path = [tokens[i].text];
    let j = i;
    while (j + 2 < tokens.length && tokens[j + 1].type === '::' && tokens[j + 2].type === 'identifier') {
      path.push(tokens[j + 2].text);
      j += 2;
    }
    if (path.length > 1) out.push({ path, range: { start: point(tokens[i].startPosition), end: point(tokens[j].endPosition) } });
    i = j;
  }
}

/** The segments of a path node: `a::b::C` → ['a', 'b', 'C']; `::a` → ['a']; undefined for anything else. */
function segments(node: Node | null): string[] | undefined {
  if (!node) return [];
  switch (node.type) {
    case 'identifier':
    case 'type_identifier':
    case 'crate':
    case 'self':
    case 'super':
    case 'metavariable':
      return [node.text];
    case 'scoped_identifier':
    case 'scoped_type_identifier': {
      const head = segments(node.childForFieldName('path'));
      const name = node.childForFieldName('name');
      return head && name ? [...head, name.text] : undefined;
    }
    case 'generic_type':
      return segments(node.childForFieldName('type'));
    default:
      return undefined;
  }
}

function expandUse(node: Node, prefix: string[], out: Omit<RustUse, 'visibility' | 'range'>[]): void {
  switch (node.type) {
    case 'use_as_clause': {
      const path = segments(node.childForFieldName('path'));
      if (path) out.push({ path: [...prefix, ...path], alias: node.childForFieldName('alias')?.text, glob: false });
      return;
    }
    case 'use_list':
      for (const child of node.namedChildren) if (child) expandUse(child, prefix, out);
      return;
    case 'scoped_use_list': {
      const pathNode = node.childForFieldName('path');
      const head = pathNode ? segments(pathNode) : [];
      const list = node.childForFieldName('list');
      if (head && list) expandUse(list, [...prefix, ...head], out);
      return;
    }
    case 'use_wildcard': {
      const inner = node.namedChildren[0];
      const path = inner ? segments(inner) : [];
      if (path) out.push({ path: [...prefix, ...path], glob: true });
      return;
    }
    default: {
      const path = segments(node);
      if (!path) return;
      const full = [...prefix, ...path];
      // `use a::{self, b}`: `self` is `a` itself.
      if (full.length > 1 && full[full.length - 1] === 'self') full.pop();
      out.push({ path: full, glob: false });
    }
  }
}

function visibilityOf(node: Node): string {
  const visibility = node.namedChildren.find((c) => c?.type === 'visibility_modifier');
  return visibility ? visibility.text.replace(/\s+/g, '') : '';
}

function point(p: { row: number; column: number }) {
  return { line: p.row, character: p.column };
}

// web-tree-sitter parses JS strings as UTF-16, so its columns are UTF-16 units, as LSP's are.
function rangeOf(node: Node): Range {
  return { start: point(node.startPosition), end: point(node.endPosition) };
}
