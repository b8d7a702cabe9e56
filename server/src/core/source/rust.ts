// What the index needs from one Rust source file, read with tree-sitter:
// its fingerprints (bytes, significant tokens, tokens with `crate::` paths
// made absolute) and its `mod` declarations.
import { createHash, hash as oneShotHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { Edit } from 'web-tree-sitter';
import type { Language, Node, Point, Tree } from 'web-tree-sitter';
import { loadRustGrammar, Walk } from './treeSitter';
import type { RustGrammar } from './treeSitter';
import { K, fingerprintsOf, tokenId, winnowPositions } from './winnow';
import type { SourceAnalyzer } from '../view';
import type { Range } from '../model';
import { lineOfOffset, lineStarts } from '../text';
import { lowerBound } from '../sorted';
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
  /** Compiled for tests only: under `#[cfg(test)]`, or inside an inline test module. */
  testOnly?: boolean;
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
  /** Inside a `#[cfg(test)]` or `tests` inline module, or itself `#[test]` or `#[cfg(test)]`. */
  inTest?: boolean;
  /**
   * sha1 of the item's type names in order, the item's own name left out:
   * two items of one shape for different types (`From<IoError>` and
   * `From<ParseError>`) differ here, a renamed copy does not.
   */
  typeHash?: string;
  /** The item's literals in order: of two items of one shape, they line up one for one. */
  literals?: string[];
  /** sha1 of the item's identifiers in order, its own name's left out: a copy under another name has the same. */
  nameHash?: string;
  /** Lines inside function bodies (summed over an impl's or trait's functions); the item's lines for other kinds. */
  bodyLines?: number;
}

export interface StaticFact {
  name: string;
  /** The declared type as written, e.g. `OnceLock<Runtime>`. */
  type: string;
  range: Range;
  /** Built by a constructor called on a string literal (`Regex::new(r"...")`): a constant made from data. */
  fromLiteral: boolean;
  /** The constructor its initialiser calls (`Runtime::new`, `Builder::new_multi_thread`), lazy cells' own left out; undefined for `OnceLock::new()`. */
  builtBy?: string;
}

/** An `impl` block's header: what it names. */
export interface ImplFact {
  /** The trait as written, generics left out (`fmt::Display`), for a trait impl. */
  trait?: string;
  /** The self type as written, generics left out (`crate::x::Counter`). */
  type: string;
  /** Every type name in the header, generic arguments included (`From<crate::x::Error> for io::Error`: From, Error, Error). */
  names: string[];
  /** 0-based line of the `impl`. */
  line: number;
}

/** One name a `use` declaration brings in (a use tree is flattened into one of these per leaf). */
export interface UseFact {
  /** The inline modules of this file the `use` is written in, outermost first. */
  module: string[];
  /** As written, spacing removed: '', 'pub', 'pub(crate)', ... */
  visibility: string;
  /** The path to the item, `self` leaves folded into their parent (`a::b::{self}` is `a::b`). */
  path: string[];
  /** The name it is known by here: the alias of `as`, else the last segment; absent for a glob. */
  name?: string;
  glob: boolean;
  line: number;
}

/** An item a module of this file declares (top level, or in an inline module). */
export interface DeclaredItem {
  module: string[];
  name: string;
  /** The grammar's node type without `_item`: fn, struct, mod, macro_definition, ... */
  kind: string;
  visibility: string;
  line: number;
}

/** A path of two or more segments written outside `use` declarations, as `a::b::c`, with its first line. */
export interface PathFact {
  module: string[];
  path: string[];
  line: number;
}

/** A path that starts with `super::`, read from where it is written. */
export interface SuperPath {
  /** How many `super::` it starts with. */
  ups: number;
  /** How many inline modules of this file it is written in. */
  depth: number;
  /** The segment after the last `super::`, `*` for a glob or `{self}`. */
  first: string;
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
  /**
   * The winnowed k-grams in token order, a place for each (see winnowPositions):
   * hash, first token's index, and the 0-based lines of its first and last
   * token. What finds copied blocks inside files that differ around them.
   */
  anchors: { hashes: Uint32Array; tokens: Uint32Array; startLines: Uint32Array; endLines: Uint32Array };
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
  /** tokenId of every literal the file writes (string contents, numbers, chars), without repeats, sorted. */
  literals: Uint32Array;
  /** The types the file's `impl` blocks are for (`X` of `impl Trait for a::X<T>`), top level and in inline modules. */
  implTargets: string[];
  /** `use x::...` declarations naming another crate (not crate, self, super, std, core or alloc). */
  useSites: UseSite[];
  /**
   * The first segment of every path outside `use` declarations that may name
   * a crate (`dep::f()`, `dep::Type`, `dep::m!()`, also inside macro
   * arguments), and every `extern crate` name, with its 0-based line.
   * Capitalised segments are types, not crates, and are left out.
   */
  pathUses: { name: string; line: number }[];
  /** Every path starting with `super::`, without repeats. */
  superPaths: SuperPath[];
  /** `impl` blocks at the top level and in inline modules. */
  impls: ImplFact[];
  /** Names the file's top level declares: items, modules, macro_rules, extern crate aliases. */
  itemNames: string[];
  /** Names the file's top-level `use` declarations bring in (globs left out). */
  importedNames: string[];
  /** Every `use` leaf, in every module of the file: what the resolver reads. */
  uses: UseFact[];
  /** Every named item of every module of the file, with its visibility. */
  declared: DeclaredItem[];
  /** Paths in code (types, expressions, macro calls and their arguments), without repeats. */
  paths: PathFact[];
  /** Macros invoked by a bare name (`m!()`, not `a::m!()`), without repeats. */
  macroCalls: string[];
  /** `macro_rules!` names the file defines. */
  macroDefs: string[];
  /** Has a `#[cfg(...)]` or `#[cfg_attr(...)]` that tests a feature. */
  cfgFeature: boolean;
  /** Has an inner `#![cfg(...)]`: the whole module may be left out. */
  innerCfg: boolean;
  /** Items declared under `#[cfg(test)]`, and the `pub` items of `#[cfg(test)]` modules. */
  testOnlyNames: string[];
  /** The files named by `include!`, `include_str!` and `include_bytes!`, as written; '' where the argument is not a plain literal. */
  includes: string[];
  /** ERROR and MISSING nodes: the grammar could not parse everything. */
  syntaxErrors: number;
  validUtf8: boolean;
  /** Too large to parse: only the bytes were read (see bytesOnly.ts), so nothing above that comes from syntax is known. */
  bytesOnly?: boolean;
  /** `// rust-consolidate: allow(...)` comments (see suppressions.ts). */
  suppressions: SuppressionComment[];
}

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
// Path roots that are never a dependency: the standard crates, and `self`'s spelling as an identifier in macros.
const NOT_CRATES = new Set(['std', 'core', 'alloc', 'self', 'super', 'crate']);
const INCLUDES = new Set(['include', 'include_str', 'include_bytes']);
const GENERATED = /@generated|automatically generated|do not edit/i;
const TYPE_ITEMS = new Set(['struct_item', 'enum_item', 'union_item', 'trait_item']);
const WIRING = new Set(['mod_item', 'use_declaration', 'extern_crate_declaration', 'attribute_item', 'inner_attribute_item', 'line_comment', 'block_comment', 'empty_statement']);
/** Nodes whose `pattern` binds names (see Bindings). */
const BINDINGS = new Set(['parameter', 'let_declaration', 'let_condition', 'for_expression', 'match_arm', 'closure_parameters']);

/** Files being edited whose trees a parser keeps (see analyzeEdited). */
const KEPT_TREES = 8;

export class RustParser implements SourceAnalyzer {
  /** By file, in the order they were last parsed: the text and tree of each file being edited. */
  private readonly kept = new Map<string, { text: string; tree: Tree; pieces: Pieces }>();
  /** Versions of files parsed from their last tree rather than whole. */
  incrementalParses = 0;
  /** Children of the root whose facts were taken from the last version of their file (see Pieces). */
  reusedPieces = 0;

  private constructor(private readonly grammar: RustGrammar) {}

  static async load(grammarPath?: string): Promise<RustParser> {
    return new RustParser(await loadRustGrammar(grammarPath));
  }

  /** `editing`: the file is being edited, and its next version is parsed from this one's tree (see `analyzeEdited`). */
  async analyzeFile(file: string, libName: string, nearMiss = true, editing = false): Promise<SourceFacts> {
    const bytes = await readFile(file);
    return editing ? this.analyzeEdited(file, bytes, libName, nearMiss) : this.analyze(bytes, libName, nearMiss);
  }

  /** `nearMiss`: also compute what the near-miss analysis needs (fingerprints, items, line hashes). */
  analyze(bytes: Uint8Array, libName: string, nearMiss = true): SourceFacts {
    const { text, validUtf8 } = decodeText(bytes);
    const tree = this.parse(text);
    try {
      return this.factsOf(bytes, text, validUtf8, tree, libName, nearMiss);
    } finally {
      tree.delete();
    }
  }

  /**
   * `analyze` for a file being edited: its tree is kept (for the last KEPT_TREES files), and its next
   * version is parsed from it, reusing what the edit left alone, as an editor's parser does: 19 ms for
   * a 120 KB file parsed whole, under 1 ms after a small edit. A tree with an error is parsed again
   * whole, and not kept: error recovery may end differently in an incremental parse, and a file's
   * facts must be those of a full parse (test/core/edited.test.ts compares them on real files).
   */
  analyzeEdited(file: string, bytes: Uint8Array, libName: string, nearMiss = true): SourceFacts {
    const { text, validUtf8 } = decodeText(bytes);
    const before = this.kept.get(file);
    this.kept.delete(file);
    let tree: Tree | undefined;
    if (before) {
      before.tree.edit(editBetween(before.text, text));
      tree = this.grammar.parser.parse(text, before.tree) ?? undefined;
      before.tree.delete();
      if (tree?.rootNode.hasError) {
        tree.delete();
        tree = undefined;
      } else if (tree) this.incrementalParses++;
    }
    tree ??= this.parse(text);
    let keep = false;
    // Each child of the root is a piece, taken from the last version where its text is the same.
    const previous = before?.pieces.nearMiss === nearMiss ? before.pieces : undefined;
    const pieces: Pieces = { scan: new Map(), items: new Map(), previous, reused: 0, nearMiss };
    try {
      const facts = this.factsOf(bytes, text, validUtf8, tree, libName, nearMiss, pieces);
      keep = facts.syntaxErrors === 0;
      this.reusedPieces += pieces.reused;
      return facts;
    } finally {
      // The last version's pieces that were not found again go with it.
      pieces.previous = undefined;
      if (!keep) tree.delete();
      else {
        this.kept.set(file, { text, tree, pieces });
        for (const [oldest, { tree: old }] of this.kept) {
          if (this.kept.size <= KEPT_TREES) break;
          old.delete();
          this.kept.delete(oldest);
        }
      }
    }
  }

  private parse(text: string): Tree {
    const tree = this.grammar.parser.parse(text);
    if (!tree) throw new Error('tree-sitter returned no tree');
    return tree;
  }

  /** `pieces`: of a file being edited, what each child of the root gave, taken from the last version where it is the same. */
  private factsOf(bytes: Uint8Array, text: string, validUtf8: boolean, tree: Tree, libName: string, nearMiss: boolean, pieces?: Pieces): SourceFacts {
    const byteHash = sha1(bytes);
    const hasError = tree.rootNode.hasError;
    // A tree with an error is read whole: error recovery may reach across the root's children.
    const byPiece = hasError ? undefined : pieces;
    const startsOfLines = lineStarts(text);
    const scan = scanTokens(new Walk(this.grammar.runtime, tree), text, startsOfLines, libName, hasError, byPiece);
    const walk = new Walk(this.grammar.runtime, tree);
    let read: ReturnType<typeof readItems>;
    try {
      read = readItems(tree.rootNode, scan.ids, scan.starts, nearMiss, { hasError, tokens: scan.tokenTexts, keptTokens: scan.keptTokens, keptKinds: scan.keptKinds, bindings: scan.bindings, walk, text, fields: fieldsOf(tree.language) }, text, byPiece);
    } finally {
      walk.delete();
    }
    const { mods, trivial, items, implTargets, impls, itemNames, importedNames, uses, declared, testOnlyNames, typeNames } = read;
    const anchors = anchorsOf(nearMiss ? scan.ids : new Uint32Array(0), scan.starts, startsOfLines);
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
      fingerprints: fingerprintsOf(anchors.hashes),
      anchors,
      lineHashes: nearMiss ? lineHashesOf(text) : new Uint32Array(0),
      items,
      statics: scan.statics,
      restrictedNames: scan.restrictedNames,
      typeNames,
      exportsMacro: /#\[\s*macro_export\b/.test(text),
      identifiers: scan.identifiers,
      literals: scan.literalIds,
      implTargets,
      impls,
      itemNames,
      importedNames,
      uses,
      declared,
      paths: scan.paths,
      testOnlyNames,
      pathUses: scan.pathUses,
      superPaths: scan.superPaths,
      macroCalls: scan.macroCalls,
      macroDefs: scan.macroDefs,
      includes: scan.includes,
      cfgFeature: /#!?\s*\[\s*cfg(_attr)?\s*\([^\]]*\bfeature\s*=/.test(text),
      innerCfg: /#!\s*\[\s*cfg\s*\(/.test(text),
      generated: GENERATED.test(text.slice(0, 1000)),
      useSites: scan.useSites,
      syntaxErrors: scan.errors,
      validUtf8,
      suppressions: readSuppressionComments(text, 'rust'),
    };
  }

  dispose(): void {
    for (const { tree } of this.kept.values()) tree.delete();
    this.kept.clear();
    this.grammar.parser.delete();
  }
}

/** Node types the walk reads more of than their leaves (see `visitNode`). */
const READ_NODES = new Set([
  ...BINDINGS,
  'scoped_identifier',
  'tuple_struct_pattern',
  'struct_pattern',
  'visibility_modifier',
  'mod_item',
  'macro_definition',
  'extern_crate_declaration',
  'use_declaration',
  'static_item',
  'macro_invocation',
]);

/** What the token walk asks of a node's type, as bits of one number per type (see kindsOf). */
const READ = 1;
const IDENTIFIER = 2;
const LITERAL = 4;
/** type_identifier and primitive_type: their text goes into an item's typeHash. */
const TYPE_NAME = 8;
const COMMENT = 16;

const KINDS = new WeakMap<readonly string[], Uint8Array>();

/** The bits above for each of a grammar's node types, by number: an array read, not a Set hashed, per node. */
function kindsOf(types: readonly string[]): Uint8Array {
  let kinds = KINDS.get(types);
  if (!kinds) {
    kinds = new Uint8Array(types.length);
    types.forEach((type, i) => {
      if (!type) return;
      kinds![i] = (READ_NODES.has(type) ? READ : 0) | (IDENTIFIERS.has(type) ? IDENTIFIER : LITERALS.has(type) ? LITERAL : 0) |
        (type === 'type_identifier' || type === 'primitive_type' ? TYPE_NAME : 0) | (type === 'line_comment' || type === 'block_comment' ? COMMENT : 0);
    });
    KINDS.set(types, kinds);
  }
  return kinds;
}

/**
 * What the token walk gathers. One object of one shape, and the walk split into a loop over every
 * node, `visitNode` for the few kinds it reads more of, and `finishScan`: V8 optimises each part on
 * its own, and a part it must optimise again (a branch first taken late) is small. As one function
 * of 400 lines it was compiled seven times per thread, 400 ms of a small workspace's check.
 */
class Scan {
  readonly tokens: string[] = [];
  // The shape's token ids and their offsets, `kept` of them: typed, as an id is often too large for
  // an array of small integers, and each file's first such id made V8 optimise the walk again.
  ids = new Uint32Array(1024);
  starts = new Int32Array(1024);
  kept = 0;
  // Aligned with ids: the index in `tokens` of each, and what it is (KEPT_VALUE and the bits beside it). Where two arrays of
  // strings stood, '' for most tokens: two pushes per token were a quarter of the walk's own time.
  keptTokens = new Int32Array(1024);
  keptKinds = new Uint8Array(1024);
  readonly crateAt: number[] = [];
  readonly useSites: UseSite[] = [];
  readonly statics: StaticFact[] = [];
  readonly restrictedNames: string[] = [];
  readonly identifierSet = new Set<number>();
  readonly literalSet = new Set<number>();
  // The identifiers patterns bind (parameters, let, for, if let, match arms, closures), by offset, and the
  // pattern being walked; names inside it that are paths or a tuple struct's type are not bindings.
  readonly bindings: Bindings = { starts: [], names: [] };
  patternStart = -1;
  patternEnd = -1;
  notBoundEnd = -1;
  readonly pathUseAt: { name: string; offset: number }[] = [];
  readonly superStarts: { at: number; depth: number }[] = [];
  readonly macroCalls = new Set<string>();
  readonly macroDefs: string[] = [];
  readonly includes: string[] = [];
  // The end of the last `use` declaration: paths inside one are `useSites`, not `pathUses`.
  useEnd = -1;
  // End offsets of the inline modules around the cursor, innermost last.
  readonly modEnds: number[] = [];
  // Of every token, `tokenCount` of them: its offset, whether it is inside a `use` declaration (1), and
  // how many inline modules it is in, for the paths of the post-pass.
  tokenStarts = new Int32Array(1024);
  tokenInUse = new Uint8Array(1024);
  tokenDepth = new Int32Array(1024);
  tokenCount = 0;
  readonly modNames: string[] = [];
  // Each inline module's extent and path, to say which module a token is in.
  readonly modStack: { start: number; end: number; path: string[] }[] = [];
  errors = 0;
  // Tokens before this index belong to a visibility modifier: `pub fn` and `fn` have the same shape.
  visibilityEnd = -1;
  // While a piece is recorded (see ScanPiece): what it adds to the sets, repeats kept.
  recording = false;
  readonly pieceIdentifiers: number[] = [];
  readonly pieceLiterals: number[] = [];
  readonly pieceMacroCalls: string[] = [];

  /** `token`: its index in `tokens`; `kinds`: KEPT_VALUE, KEPT_NAME and KEPT_TYPE_IDENTIFIER bits. */
  keep(id: number, start: number, token: number, kinds: number): void {
    if (this.kept === this.ids.length) {
      this.ids = doubled(this.ids);
      this.starts = doubled(this.starts);
      this.keptTokens = doubled(this.keptTokens);
      this.keptKinds = doubled(this.keptKinds);
    }
    this.ids[this.kept] = id;
    this.keptTokens[this.kept] = token;
    this.keptKinds[this.kept] = kinds;
    this.starts[this.kept++] = start;
  }

  addToken(start: number, inUse: boolean, depth: number): void {
    const n = this.tokenCount;
    if (n === this.tokenStarts.length) {
      this.tokenStarts = doubled(this.tokenStarts);
      this.tokenInUse = doubled(this.tokenInUse);
      this.tokenDepth = doubled(this.tokenDepth);
    }
    this.tokenStarts[n] = start;
    this.tokenInUse[n] = inUse ? 1 : 0;
    this.tokenDepth[n] = depth;
    this.tokenCount = n + 1;
  }
}

/** A kept token's kinds (Scan.keptKinds): a literal or a type name, whose text is an item's typeHash or literals. */
const KEPT_VALUE = 1;
/** An identifier, whose text is an item's nameHash. */
const KEPT_NAME = 2;
/** A type_identifier: an impl header's names (see implNames). */
const KEPT_TYPE_IDENTIFIER = 4;

/** A typed array of twice the length, starting with `values`. */
function doubled<T extends Uint32Array | Int32Array | Uint8Array>(values: T): T {
  const grown = new (values.constructor as new (length: number) => T)(values.length * 2);
  grown.set(values);
  return grown;
}

/** `mayHaveErrors`: the tree has an ERROR or missing node somewhere (else no node is asked, each a call into wasm). */
/** `startsOfLines`: the text's (see lineStarts). */
function scanTokens(cursor: Walk, text: string, startsOfLines: readonly number[], libName: string, mayHaveErrors = true, pieces?: Pieces) {
  const s = new Scan();
  const { tokens, crateAt, identifierSet, literalSet, bindings, pathUseAt, superStarts, modEnds } = s;
  const types = cursor.typeNames;
  const kinds = kindsOf(types);
  const fields = fieldsOf(cursor.language);
  // The leaf before this one: its text, type and start.
  let previousToken = '';
  let previousType = '';
  let previousStart = 0;
  let beforePrevious = '';
  // The root's children are pieces (see ScanPiece) in a tree without errors of a file being edited.
  const byPiece = pieces && !mayHaveErrors ? pieces : undefined;
  let depth = 0;
  let mark: PieceMark | undefined;
  // Depth-first over the tree with one cursor, each step one call into wasm (see Walk).
  for (;;) {
    if (depth === 1 && byPiece) {
      if (mark) keepPiece(byPiece, mark.key, cutPiece(s, mark, previousType));
      const start = cursor.startIndex;
      const row = lineOfOffset(startsOfLines, start);
      const key = `${start - startsOfLines[row]} ${text.slice(start, cursor.endIndex)}`;
      // After `::`, a piece's first tokens would read as a path's: walked, never taken or kept.
      const old = previousToken === '::' ? undefined : byPiece.previous?.scan.get(key);
      mark = undefined;
      if (old) {
        byPiece.scan.set(key, old);
        byPiece.reused++;
        const n = old.tokens.length;
        addPiece(s, old, start, row);
        if (n > 0) {
          beforePrevious = n > 1 ? old.tokens[n - 2] : previousToken;
          previousToken = old.tokens[n - 1];
          previousType = old.lastType;
          previousStart = old.tokenStarts[n - 1] + start - old.start;
        }
        if (cursor.gotoNextSibling()) continue;
        cursor.delete();
        return finishScan(s, startsOfLines, libName);
      }
      if (previousToken !== '::') mark = markPiece(s, key, start, row);
    }
    const id = cursor.nodeTypeId;
    const type = types[id] || 'ERROR';
    // ERROR's number (65535) is past the grammar's types: no bits.
    const kind = id < kinds.length ? kinds[id] : 0;
    if (mayHaveErrors && (type === 'ERROR' || cursor.nodeIsMissing)) s.errors++;
    if (modEnds.length > 0) {
      const start = cursor.startIndex;
      while (modEnds.length > 0 && start >= modEnds[modEnds.length - 1]) modEnds.pop();
    }
    if ((kind & READ) !== 0) visitNode(type, cursor, s, text, fields);
    const comment = (kind & COMMENT) !== 0;
    if (!comment && cursor.gotoFirstChild()) {
      depth++;
      continue;
    }
    if (!comment) {
      // Each cursor getter is a call into wasm: read the start once per leaf.
      const start = cursor.startIndex;
      const token = text.slice(start, cursor.endIndex);
      if (token.length > 0) {
        if (token === '::' && tokens.length > 0 && tokens[tokens.length - 1] === 'crate') crateAt.push(tokens.length - 1);
        // `name::` not after another `::`: the first segment of a path, which may name a crate.
        if (token === '::' && previousType === 'identifier' && beforePrevious !== '::' && previousStart >= s.useEnd && /^[a-z_]/.test(previousToken)) {
          if (!NOT_CRATES.has(previousToken)) pathUseAt.push({ name: previousToken, offset: previousStart });
        }
        if (type === 'super' && previousToken !== '::') superStarts.push({ at: tokens.length, depth: modEnds.length });
        if (type === 'identifier' && start >= s.patternStart && start < s.patternEnd && start >= s.notBoundEnd) {
          bindings.starts.push(start);
          bindings.names.push(token);
        }
        beforePrevious = previousToken;
        previousToken = token;
        previousType = type;
        previousStart = start;
        s.addToken(start, start < s.useEnd, modEnds.length);
        tokens.push(token);
        const identifier = (kind & IDENTIFIER) !== 0;
        const literal = (kind & LITERAL) !== 0;
        const hash = tokenId(token);
        if (identifier) {
          identifierSet.add(hash);
          if (s.recording) s.pieceIdentifiers.push(hash);
        } else if (literal) {
          literalSet.add(hash);
          if (s.recording) s.pieceLiterals.push(hash);
        }
        if (start >= s.visibilityEnd) {
          const kinds = (literal || (kind & TYPE_NAME) !== 0 ? KEPT_VALUE : 0) | (identifier ? KEPT_NAME : 0) | (type === 'type_identifier' ? KEPT_TYPE_IDENTIFIER : 0);
          s.keep(identifier ? ID_IDENTIFIER : literal ? ID_LITERAL : hash, start, tokens.length - 1, kinds);
        }
      }
    }
    while (!cursor.gotoNextSibling()) {
      if (!cursor.gotoParent()) {
        if (mark && byPiece) keepPiece(byPiece, mark.key, cutPiece(s, mark, previousType));
        cursor.delete();
        return finishScan(s, startsOfLines, libName);
      }
      depth--;
    }
  }
}

/**
 * The pieces of a file being edited, by the text of each child of the root (its column first): what
 * the token walk and the item reading gathered from each. A child of the root is read alone: the
 * walk's state (patterns, `use` and visibility extents, inline modules) never reaches past the
 * child it comes from. So a child whose text and column did not change since the last version
 * gives the same tokens and facts, shifted by where it now starts; it is taken from the last
 * version, not walked. The facts equal a full parse's (test/core/edited.test.ts).
 */
export interface Pieces {
  scan: Map<string, ScanPiece>;
  items: Map<string, ItemsPiece>;
  /** The last version's pieces, taken where they are found again. */
  previous?: Pieces;
  /** Pieces taken from the last version. */
  reused: number;
  /** Items are read with the near-miss analysis only: pieces read without are not taken with it, or the other way. */
  nearMiss: boolean;
}

/** What the walk gathered from one child of the root, which started at `start` (offset) and `row`. */
interface ScanPiece {
  start: number;
  row: number;
  tokens: string[];
  tokenStarts: Int32Array;
  tokenInUse: Uint8Array;
  tokenDepth: Int32Array;
  ids: Uint32Array;
  starts: Int32Array;
  /** Relative to the piece's first token. */
  keptTokens: Int32Array;
  keptKinds: Uint8Array;
  /** Relative to the piece's first token. */
  crateAt: number[];
  useSites: UseSite[];
  statics: StaticFact[];
  restrictedNames: string[];
  identifiers: number[];
  literals: number[];
  bindingStarts: number[];
  bindingNames: string[];
  pathUseAt: { name: string; offset: number }[];
  /** `at` relative to the piece's first token. */
  superStarts: { at: number; depth: number }[];
  macroCalls: string[];
  macroDefs: string[];
  includes: string[];
  modStack: { start: number; end: number; path: string[] }[];
  /** The type of its last token. */
  lastType: string;
}

/** Where a piece being recorded started in the Scan's lists. */
interface PieceMark {
  key: string;
  start: number;
  row: number;
  tokens: number;
  kept: number;
  crateAt: number;
  useSites: number;
  statics: number;
  restrictedNames: number;
  bindings: number;
  pathUseAt: number;
  superStarts: number;
  macroDefs: number;
  includes: number;
  modStack: number;
}

function markPiece(s: Scan, key: string, start: number, row: number): PieceMark {
  s.recording = true;
  s.pieceIdentifiers.length = 0;
  s.pieceLiterals.length = 0;
  s.pieceMacroCalls.length = 0;
  return {
    key,
    start,
    row,
    tokens: s.tokens.length,
    kept: s.kept,
    crateAt: s.crateAt.length,
    useSites: s.useSites.length,
    statics: s.statics.length,
    restrictedNames: s.restrictedNames.length,
    bindings: s.bindings.starts.length,
    pathUseAt: s.pathUseAt.length,
    superStarts: s.superStarts.length,
    macroDefs: s.macroDefs.length,
    includes: s.includes.length,
    modStack: s.modStack.length,
  };
}

/** The piece recorded since `m`; undefined when it starts with `::`, which reads the tokens before it. */
function cutPiece(s: Scan, m: PieceMark, lastType: string): ScanPiece | undefined {
  s.recording = false;
  const first = m.tokens;
  const end = s.tokens.length;
  if (s.tokens[first] === '::') return undefined;
  return {
    start: m.start,
    row: m.row,
    tokens: s.tokens.slice(first),
    tokenStarts: s.tokenStarts.slice(first, end),
    tokenInUse: s.tokenInUse.slice(first, end),
    tokenDepth: s.tokenDepth.slice(first, end),
    ids: s.ids.slice(m.kept, s.kept),
    starts: s.starts.slice(m.kept, s.kept),
    keptTokens: s.keptTokens.slice(m.kept, s.kept).map((i) => i - first),
    keptKinds: s.keptKinds.slice(m.kept, s.kept),
    crateAt: s.crateAt.slice(m.crateAt).map((i) => i - first),
    useSites: s.useSites.slice(m.useSites),
    statics: s.statics.slice(m.statics),
    restrictedNames: s.restrictedNames.slice(m.restrictedNames),
    identifiers: [...s.pieceIdentifiers],
    literals: [...s.pieceLiterals],
    bindingStarts: s.bindings.starts.slice(m.bindings),
    bindingNames: s.bindings.names.slice(m.bindings),
    pathUseAt: s.pathUseAt.slice(m.pathUseAt),
    superStarts: s.superStarts.slice(m.superStarts).map((u) => ({ at: u.at - first, depth: u.depth })),
    macroCalls: [...s.pieceMacroCalls],
    macroDefs: s.macroDefs.slice(m.macroDefs),
    includes: s.includes.slice(m.includes),
    modStack: s.modStack.slice(m.modStack),
    lastType,
  };
}

function keepPiece(pieces: Pieces, key: string, piece: ScanPiece | undefined): void {
  if (piece) pieces.scan.set(key, piece);
}

/** A piece of the last version added to the walk's lists, as it would have been walked at `start` and `row`. */
function addPiece(s: Scan, p: ScanPiece, start: number, row: number): void {
  const shift = start - p.start;
  const rows = row - p.row;
  const base = s.tokens.length;
  for (let i = 0; i < p.tokens.length; i++) {
    s.tokens.push(p.tokens[i]);
    s.addToken(p.tokenStarts[i] + shift, p.tokenInUse[i] === 1, p.tokenDepth[i]);
  }
  for (let i = 0; i < p.ids.length; i++) s.keep(p.ids[i], p.starts[i] + shift, p.keptTokens[i] + base, p.keptKinds[i]);
  for (const i of p.crateAt) s.crateAt.push(i + base);
  for (const u of p.useSites) s.useSites.push({ ...u, range: shiftRange(u.range, rows) });
  for (const st of p.statics) s.statics.push({ ...st, range: shiftRange(st.range, rows) });
  s.restrictedNames.push(...p.restrictedNames);
  for (const id of p.identifiers) s.identifierSet.add(id);
  for (const id of p.literals) s.literalSet.add(id);
  for (let i = 0; i < p.bindingStarts.length; i++) {
    s.bindings.starts.push(p.bindingStarts[i] + shift);
    s.bindings.names.push(p.bindingNames[i]);
  }
  for (const u of p.pathUseAt) s.pathUseAt.push({ name: u.name, offset: u.offset + shift });
  for (const u of p.superStarts) s.superStarts.push({ at: u.at + base, depth: u.depth });
  for (const name of p.macroCalls) s.macroCalls.add(name);
  s.macroDefs.push(...p.macroDefs);
  s.includes.push(...p.includes);
  for (const m of p.modStack) s.modStack.push({ start: m.start + shift, end: m.end + shift, path: m.path });
}

function shiftRange(range: Range, rows: number): Range {
  return rows === 0 ? range : { start: { line: range.start.line + rows, character: range.start.character }, end: { line: range.end.line + rows, character: range.end.character } };
}

/** The grammar's numbers for the fields the walk and the item reader read, by name, and which node types are named. */
interface Fields {
  pattern: number;
  type: number;
  macro: number;
  name: number;
  /** By type number: 1 for a named type (see bodyChildren). */
  named: Uint8Array;
}

const FIELDS = new WeakMap<Language, Fields>();

function fieldsOf(language: Language): Fields {
  let fields = FIELDS.get(language);
  if (!fields) {
    const id = (name: string) => language.fieldIdForName(name) ?? -1;
    const named = new Uint8Array(language.types.length);
    for (let type = 0; type < named.length; type++) named[type] = language.nodeTypeIsNamed(type) ? 1 : 0;
    fields = { pattern: id('pattern'), type: id('type'), macro: id('macro'), name: id('name'), named };
    FIELDS.set(language, fields);
  }
  return fields;
}

/**
 * What the walk reads of a node of READ_NODES, before its children. The fields of the most frequent
 * kinds (patterns that bind, macro invocations) are found with the cursor: a Node made for each
 * was most of this function's time.
 */
function visitNode(type: string, cursor: Walk, s: Scan, text: string, fields: Fields): void {
  if (BINDINGS.has(type)) {
    const pattern = type === 'closure_parameters' ? { start: cursor.startIndex, end: cursor.endIndex } : cursor.childInField(fields.pattern);
    if (pattern && pattern.end > s.patternEnd) {
      s.patternStart = pattern.start;
      s.patternEnd = pattern.end;
    }
  } else if (s.patternEnd >= 0 && (type === 'scoped_identifier' || type === 'tuple_struct_pattern' || type === 'struct_pattern')) {
    const start = cursor.startIndex;
    if (start >= s.patternStart && start < s.patternEnd) {
      // `Cow::Borrowed` and the `Some` of `Some(x)` name what is matched; the type comes first in its pattern.
      const end = type === 'scoped_identifier' ? cursor.endIndex : cursor.childInField(fields.type)?.end ?? -1;
      s.notBoundEnd = Math.max(s.notBoundEnd, end);
    }
  }
  if (type === 'visibility_modifier') {
    s.visibilityEnd = cursor.endIndex;
    if (cursor.endIndex - cursor.startIndex > 3) {
      const parent = cursor.currentNode.parent;
      // `pub(crate) use a::b as c;` makes `c` visible in the crate only, as `pub(crate) fn c` does.
      if (parent?.type === 'use_declaration') s.restrictedNames.push(...useNames(parent.childForFieldName('argument')));
      const name = parent?.childForFieldName('name')?.text;
      if (name) s.restrictedNames.push(name);
    }
  }
  if (type === 'mod_item' && cursor.currentNode.childForFieldName('body')) {
    const { modEnds, modNames } = s;
    modEnds.push(cursor.endIndex);
    modNames[modEnds.length - 1] = cursor.currentNode.childForFieldName('name')?.text ?? '';
    s.modStack.push({ start: cursor.startIndex, end: cursor.endIndex, path: modNames.slice(0, modEnds.length) });
  }
  if (type === 'macro_definition') {
    const name = cursor.currentNode.childForFieldName('name')?.text;
    if (name) s.macroDefs.push(name);
  }
  if (type === 'extern_crate_declaration') {
    const name = cursor.currentNode.childForFieldName('name')?.text;
    if (name && name !== 'self') s.pathUseAt.push({ name, offset: cursor.startIndex });
  }
  if (type === 'use_declaration') {
    s.useEnd = cursor.endIndex;
    const node = cursor.currentNode;
    const root = useRoot(node);
    const path = node.childForFieldName('argument')?.text.replace(/\s+/g, '');
    if (root && path && !LOCAL_ROOTS.has(root)) s.useSites.push({ root, path, range: rangeOf(node.startPosition, node.endPosition) });
  } else if (type === 'static_item') {
    const node = cursor.currentNode;
    const name = node.childForFieldName('name')?.text;
    const declared = node.childForFieldName('type')?.text;
    if (name && declared) {
      const value = node.childForFieldName('value');
      s.statics.push({
        name,
        type: declared.replace(/\s+/g, ' '),
        range: rangeOf(node.startPosition, node.endPosition),
        fromLiteral: value ? builtFromLiteral(value) : false,
        builtBy: value ? constructorOf(value.text) : undefined,
      });
    }
  } else if (type === 'macro_invocation') {
    const macro = cursor.childInField(fields.macro);
    const path = macro && text.slice(macro.start, macro.end);
    if (isLazyStatic(path)) s.statics.push(...lazyStatics(cursor.currentNode));
    if (macro?.type === 'identifier') {
      const name = path!;
      s.macroCalls.add(name);
      if (s.recording) s.pieceMacroCalls.push(name);
      if (INCLUDES.has(name)) {
        const node = cursor.currentNode;
        const argument = node.namedChildren.find((c) => c?.type === 'token_tree')?.namedChildren[0];
        const literal = argument?.type === 'string_literal' ? argument.namedChildren.find((c) => c?.type === 'string_content')?.text : undefined;
        s.includes.push(literal ?? '');
      }
    }
  }
}

/** `crate::x`, the entries of `crate::{x, y::z}`, and `*` for `crate::*` or `crate::{self}`. */
function pathRootsAfter(tokens: string[], keyword: string): string[] {
  const found = new Set<string>();
  const segment = (token: string) => (token === '*' || token === 'self' ? '*' : /^[A-Za-z_]/.test(token) ? token : undefined);
  for (let i = 0; i + 2 < tokens.length; i++) {
    if (tokens[i] !== keyword || tokens[i + 1] !== '::') continue;
    if (tokens[i + 2] !== '{') {
      const first = segment(tokens[i + 2]);
      if (first) found.add(first);
      continue;
    }
    for (const head of listHeads(tokens, i + 2)) {
      const first = segment(head);
      if (first) found.add(first);
    }
  }
  return [...found];
}

/** The walk's post-pass over the tokens: paths, path roots, hashes. */
function finishScan(s: Scan, startsOfLines: readonly number[], libName: string) {
  const { tokens, tokenStarts, tokenInUse, tokenDepth, modStack, crateAt } = s;
  const pathRoots = { crate: pathRootsAfter(tokens, 'crate'), super: pathRootsAfter(tokens, 'super') };
  const superPaths = new Map<string, SuperPath>();
  for (const { at, depth } of s.superStarts) {
    let ups = 0;
    let i = at;
    while (tokens[i] === 'super' && tokens[i + 1] === '::') {
      ups++;
      i += 2;
    }
    if (ups === 0) continue;
    for (const first of tokens[i] === '{' ? listHeads(tokens, i) : [tokens[i] === 'self' ? '*' : tokens[i]]) {
      if (first) superPaths.set(`${ups} ${depth} ${first}`, { ups, depth, first });
    }
  }
  const paths = new Map<string, PathFact>();
  const isSegment = (t: string | undefined) => t !== undefined && /^[A-Za-z_][A-Za-z0-9_]*$/.test(t);
  for (let i = 0; i + 2 < tokens.length; i++) {
    if (tokens[i + 1] !== '::' || tokenInUse[i] === 1 || (i > 0 && tokens[i - 1] === '::') || !isSegment(tokens[i])) continue;
    const segments = [tokens[i]];
    let j = i + 1;
    while (tokens[j] === '::' && isSegment(tokens[j + 1])) {
      segments.push(tokens[j + 1]);
      j += 2;
    }
    if (segments.length < 2) continue;
    const module = moduleAt(modStack, tokenStarts[i], tokenDepth[i]);
    const key = `${module.join('::')} ${segments.join('::')}`;
    if (!paths.has(key)) paths.set(key, { module, path: segments, line: lineOfOffset(startsOfLines, tokenStarts[i]) });
  }
  const pathUses = [...new Map(s.pathUseAt.map((u) => {
    const line = lineOfOffset(startsOfLines, u.offset);
    return [`${u.name} ${line}`, { name: u.name, line }] as const;
  })).values()];
  const joined = tokens.join('\u0000');
  const tokenHash = sha1(joined);
  let normalizedHash = tokenHash;
  if (crateAt.length > 0) {
    // The joined tokens with each `crate` written as the library's name: the text between them copied.
    const parts: string[] = [];
    let at = 0;
    let from = 0;
    for (let i = 0, next = 0; next < crateAt.length; i++) {
      if (i === crateAt[next]) {
        parts.push(joined.slice(from, at), libName);
        from = at + tokens[i].length;
        next++;
      }
      at += tokens[i].length + 1;
    }
    parts.push(joined.slice(from));
    normalizedHash = sha1(parts.join(''));
  }
  return {
    tokenHash,
    normalizedHash,
    pathRoots,
    crateRefs: crateAt.length,
    tokens: tokens.length,
    errors: s.errors,
    useSites: s.useSites,
    statics: s.statics,
    restrictedNames: s.restrictedNames,
    pathUses,
    paths: [...paths.values()],
    superPaths: [...superPaths.values()],
    macroCalls: [...s.macroCalls].sort(),
    macroDefs: s.macroDefs,
    includes: s.includes,
    identifiers: Uint32Array.from(s.identifierSet).sort(),
    literalIds: Uint32Array.from(s.literalSet).sort(),
    ids: s.ids.subarray(0, s.kept),
    starts: s.starts.subarray(0, s.kept),
    keptTokens: s.keptTokens.subarray(0, s.kept),
    keptKinds: s.keptKinds.subarray(0, s.kept),
    tokenTexts: tokens,
    bindings: s.bindings,
  };
}

/** What reading the items gathers, list by list (see ItemsPiece). */
interface ItemLists {
  mods: ModDeclaration[];
  typeNames: string[];
  implTargets: string[];
  impls: ImplFact[];
  itemNames: string[];
  importedNames: string[];
  uses: UseFact[];
  declared: DeclaredItem[];
  testOnlyNames: string[];
  facts: ItemFact[];
}

/** What reading the items gathered from one child of the root and the attributes above it, which started at `start` and `row`. */
interface ItemsPiece {
  start: number;
  row: number;
  lists: ItemLists;
  /** It makes the file more than wiring (see SourceFacts.trivial). */
  nonTrivial: boolean;
}

function readItems(
  root: Node,
  ids: Uint32Array,
  starts: Int32Array,
  withItems: boolean,
  context: ItemContext,
  text: string,
  pieces?: Pieces,
): { mods: ModDeclaration[]; trivial: boolean; items: ItemFact[]; implTargets: string[]; impls: ImplFact[]; itemNames: string[]; importedNames: string[]; uses: UseFact[]; declared: DeclaredItem[]; testOnlyNames: string[]; typeNames: string[] } {
  const lists: ItemLists = { mods: [], typeNames: [], implTargets: [], impls: [], itemNames: [], importedNames: [], uses: [], declared: [], testOnlyNames: [], facts: [] };
  const { mods, typeNames, implTargets, impls, itemNames, importedNames, uses, declared: declaredItems, testOnlyNames, facts } = lists;
  let trivial = true;
  // Whether the top-level item being read made `trivial` false.
  let nonTrivial = false;
  const visit = (items: (Node | null)[], parents: string[], inTest = false) => {
    let leading: Node[] = [];
    // Aligned with leading: an attribute's text without spaces, '' for a doc comment (read once, not per check).
    let squeezed: string[] = [];
    for (const item of items) {
      if (!item) continue;
      // Each getter is a call into wasm: the type is asked once.
      const type = item.type;
      // A top-level item with its attributes is a piece (see Pieces): taken from the last version when its text is found there.
      let piece: { key: string; start: number; row: number; lengths: number[] } | undefined;
      if (pieces && parents.length === 0 && type !== 'attribute_item' && !type.endsWith('comment')) {
        const first = leading[0] ?? item;
        const start = first.startIndex;
        const { row, column } = first.startPosition;
        const key = `${column} ${text.slice(start, item.endIndex)}`;
        const old = pieces.previous?.items.get(key);
        if (old) {
          addItemsPiece(lists, old, start, row);
          if (old.nonTrivial) trivial = false;
          pieces.items.set(key, old);
          pieces.reused++;
          leading = [];
          squeezed = [];
          continue;
        }
        piece = { key, start, row, lengths: listLengths(lists) };
        nonTrivial = false;
      }
      // The `name` field's text, asked once for what reads it below (each a Node made through wasm).
      const name = HAS_NAME_FIELD.has(type) ? item.childForFieldName('name')?.text : undefined;
      if (parents.length === 0 && TYPE_ITEMS.has(type) && name) typeNames.push(name);
      if (type === 'impl_item') {
        const target = item.childForFieldName('type')?.text.replace(/<.*$/s, '').split('::').pop()?.trim();
        if (target) implTargets.push(target);
        const selfType = item.childForFieldName('type');
        const trait = item.childForFieldName('trait');
        if (selfType) {
          const names = implNames(trait, selfType, starts, context);
          impls.push({
            trait: trait ? withoutGenerics(trait.text) : undefined,
            type: withoutGenerics(selfType.text),
            names: [...new Set(names)],
            line: item.startPosition.row,
          });
        }
      }
      if (type !== 'attribute_item' && !type.endsWith('comment')) {
        const declared = declaredNames(item, type, name);
        // The visibility is written first; one child is cheaper to ask for than all of them.
        const firstChild = item.firstNamedChild;
        const visibilityNode = firstChild?.type === 'visibility_modifier' ? firstChild : undefined;
        const visibilityText = visibilityNode ? visibilityNode.text.replace(/\s+/g, '') : '';
        if (type === 'use_declaration') {
          for (const leaf of useLeaves(item.childForFieldName('argument'), [])) {
            uses.push({ module: parents, visibility: visibilityText, ...leaf, line: item.startPosition.row });
          }
        } else {
          for (const name of declared) declaredItems.push({ module: parents, name, kind: type.replace(/_item$|_declaration$/, ''), visibility: visibilityText, line: item.startPosition.row });
        }
        if (parents.length === 0 && type === 'use_declaration') importedNames.push(...useNames(item.childForFieldName('argument')));
        else if (parents.length === 0) itemNames.push(...declared);
        const testOnly = squeezed.includes('#[cfg(test)]');
        if (testOnly || (inTest && visibilityNode)) testOnlyNames.push(...declared);
      }
      if (withItems && ITEM_KINDS[type]) {
        const first = facts.length;
        readItem(item, type, name, ids, starts, facts, context);
        if (inTest || squeezed.some(isTestAttribute)) for (let i = first; i < facts.length; i++) facts[i].inTest = true;
      }
      if (parents.length === 0 && !WIRING.has(type) && !(type === 'mod_item' && item.childForFieldName('body'))) {
        trivial = false;
        nonTrivial = true;
      }
      if (type === 'attribute_item' || (type === 'line_comment' && isDocComment(item))) {
        leading.push(item);
        squeezed.push(type === 'attribute_item' ? item.text.replace(/\s+/g, '') : '');
        continue;
      }
      // A plain comment between attributes and their item does not detach them.
      if (type === 'line_comment' || type === 'block_comment') continue;
      if (type === 'mod_item') {
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
            testOnly: inTest || squeezed.some((a) => /^#\[cfg\((?:all\()?test\b/.test(a)) || undefined,
            range: rangeOf(item.startPosition, item.endPosition),
            fullRange: rangeOf(first.startPosition, item.endPosition),
            fullOffsets: [first.startIndex, item.endIndex],
          });
          if (body) {
            trivial = false;
            nonTrivial = true;
            const testModule = name === 'tests' || name === 'test' || squeezed.some(isTestAttribute);
            visit(body.namedChildren, [...parents, name], inTest || testModule);
          }
        }
      }
      if (piece) pieces!.items.set(piece.key, { start: piece.start, row: piece.row, lists: listsSince(lists, piece.lengths), nonTrivial });
      leading = [];
      squeezed = [];
    }
  };
  visit(root.namedChildren, []);
  return { mods, trivial, items: facts, implTargets, impls, itemNames: [...new Set(itemNames)], importedNames: [...new Set(importedNames)], uses, declared: declaredItems, testOnlyNames: [...new Set(testOnlyNames)], typeNames };
}

const LIST_NAMES = ['mods', 'typeNames', 'implTargets', 'impls', 'itemNames', 'importedNames', 'uses', 'declared', 'testOnlyNames', 'facts'] as const;

function listLengths(lists: ItemLists): number[] {
  return LIST_NAMES.map((name) => lists[name].length);
}

/** What each list got since `lengths`. */
function listsSince(lists: ItemLists, lengths: number[]): ItemLists {
  const piece = {} as Record<(typeof LIST_NAMES)[number], unknown[]>;
  LIST_NAMES.forEach((name, i) => (piece[name] = lists[name].slice(lengths[i])));
  const since = piece as unknown as ItemLists;
  // An item's parent is an index into the file's items: kept relative to the piece's first.
  since.facts = since.facts.map((f) => (f.parent === undefined ? f : { ...f, parent: f.parent - lengths[LIST_NAMES.indexOf('facts')] }));
  return since;
}

/** A piece of the last version added to the lists, as it would have been read at `start` and `row`. */
function addItemsPiece(lists: ItemLists, piece: ItemsPiece, start: number, row: number): void {
  const shift = start - piece.start;
  const rows = row - piece.row;
  const p = piece.lists;
  const base = lists.facts.length;
  for (const m of p.mods) {
    lists.mods.push({
      ...m,
      attributes: m.attributes.map((a) => ({ name: a.name, range: shiftRange(a.range, rows) })),
      visibilityRange: m.visibilityRange && shiftRange(m.visibilityRange, rows),
      range: shiftRange(m.range, rows),
      fullRange: shiftRange(m.fullRange, rows),
      fullOffsets: [m.fullOffsets[0] + shift, m.fullOffsets[1] + shift],
    });
  }
  lists.typeNames.push(...p.typeNames);
  lists.implTargets.push(...p.implTargets);
  for (const i of p.impls) lists.impls.push({ ...i, line: i.line + rows });
  lists.itemNames.push(...p.itemNames);
  lists.importedNames.push(...p.importedNames);
  for (const u of p.uses) lists.uses.push({ ...u, line: u.line + rows });
  for (const d of p.declared) lists.declared.push({ ...d, line: d.line + rows });
  lists.testOnlyNames.push(...p.testOnlyNames);
  for (const f of p.facts) lists.facts.push({ ...f, range: shiftRange(f.range, rows), parent: f.parent === undefined ? undefined : f.parent + base });
}

/**
 * What reading an item needs beside its node: the file's tokens, and aligned with its token ids, the
 * index of each in `tokens` and what it is (KEPT_VALUE and the bits beside it); the names patterns bind.
 */
interface ItemContext {
  /** The tree has an ERROR or MISSING node. */
  hasError: boolean;
  tokens: readonly string[];
  keptTokens: Int32Array;
  keptKinds: Uint8Array;
  /** The names the file's patterns bind, by offset, as the walk found them. */
  bindings: Bindings;
  /** A walk of the tree, moved to each item's body in turn (see bodyChildren); paused between. */
  walk: Walk;
  /** The file's text. */
  text: string;
  fields: Fields;
}

/**
 * The node types with a `name` field (the grammar's node-types.json; test/core/rust.test.ts checks
 * the list against it): the others (`impl`, a macro invocation, a statement) declare no name.
 */
export const HAS_NAME_FIELD: ReadonlySet<string> = new Set([
  'associated_type', 'const_item', 'const_parameter', 'enum_item', 'enum_variant', 'extern_crate_declaration', 'field_declaration',
  'field_pattern', 'function_item', 'function_signature_item', 'lifetime_parameter', 'macro_definition', 'mod_item', 'scoped_identifier',
  'scoped_type_identifier', 'static_item', 'struct_expression', 'struct_item', 'token_binding_pattern', 'trait_item', 'type_binding',
  'type_item', 'type_parameter', 'union_item',
]);

/**
 * The type names an impl header writes, each once, in order: the trait's, then the type's. From the
 * tokens the walk kept, not a Node made for each; in a tree with an error (where a missing name has
 * no token), from the nodes.
 */
function implNames(trait: Node | null, selfType: Node, starts: Int32Array, context: ItemContext): string[] {
  const names: string[] = [];
  if (context.hasError) {
    for (const n of [trait, selfType]) {
      if (!n) continue;
      for (const d of [n, ...n.descendantsOfType('type_identifier')]) if (d?.type === 'type_identifier') names.push(d.text);
    }
    return [...new Set(names)];
  }
  const { tokens, keptTokens, keptKinds } = context;
  for (const n of [trait, selfType]) {
    if (!n) continue;
    for (let i = lowerBound(starts, n.startIndex), end = lowerBound(starts, n.endIndex); i < end; i++) {
      if ((keptKinds[i] & KEPT_TYPE_IDENTIFIER) !== 0) names.push(tokens[keptTokens[i]]);
    }
  }
  return [...new Set(names)];
}

/** Children of an item's body with a name, reported as its members: fields, variants, a function's or impl's items. */
const MEMBER_TYPES = new Set(['field_declaration', 'enum_variant', 'function_item', 'function_signature_item', 'const_item']);

/** A child of an item's body, as readItem needs it. */
interface BodyChild {
  type: string;
  start: number;
  end: number;
  /** A member's `name` field's text (see MEMBER_TYPES), '' for a missing one; undefined without the field. */
  name?: string;
  /** A function of an impl or trait, read as an item of its own. */
  node?: Node;
}

/**
 * The children of an item's body, found with the file's cursor: a function's members only
 * (`membersOnly`), else every named child; with a Node for each function when `functions`. Making a
 * Node of each child to ask its type and name was a third of the time read in the items of a file.
 */
function bodyChildren(body: Node, membersOnly: boolean, functions: boolean, { walk, text, fields }: ItemContext): BodyChild[] {
  const found: BodyChild[] = [];
  walk.reset(body);
  try {
    if (walk.gotoFirstChild()) {
      do {
        const id = walk.nodeTypeId;
        const type = walk.typeNames[id] || 'ERROR';
        // ERROR's number (65535) is past the grammar's types, and an ERROR is named.
        if (membersOnly ? !MEMBER_TYPES.has(type) : id < fields.named.length && fields.named[id] === 0) continue;
        const child: BodyChild = { type, start: walk.startIndex, end: walk.endIndex };
        if (MEMBER_TYPES.has(child.type)) {
          const name = walk.childInField(fields.name);
          if (name) child.name = text.slice(name.start, name.end);
        }
        if (functions && child.type === 'function_item') child.node = walk.currentNode;
        found.push(child);
      } while (walk.gotoNextSibling());
    }
  } finally {
    walk.pause();
  }
  return found;
}

/** `nodeType` and `nodeName`: the node's type, and its `name` field's text when its type has one (see HAS_NAME_FIELD). */
function readItem(node: Node, nodeType: string, nodeName: string | undefined, ids: Uint32Array, starts: Int32Array, facts: ItemFact[], context: ItemContext, parent?: number, owner?: string): void {
  const kind = ITEM_KINDS[nodeType];
  const body = node.childForFieldName('body');
  // Each getter below is a call into wasm: each is asked once.
  const [startPosition, endPosition, startIndex, endIndex] = [node.startPosition, node.endPosition, node.startIndex, node.endIndex];
  const lines = endPosition.row - startPosition.row + 1;
  const methods = kind === 'impl' || kind === 'trait';
  // A function's body is its statements, of which only items are members; another item's, its named children.
  const children = body ? bodyChildren(body, kind === 'fn', methods, context) : [];
  let selfType: string | undefined;
  let name: string;
  if (kind === 'impl') {
    selfType = node.childForFieldName('type')?.text;
    const trait = node.childForFieldName('trait')?.text;
    name = trait ? `${trait} for ${selfType ?? '?'}` : selfType ?? '?';
  } else {
    name = nodeName ?? '?';
  }
  if (owner) name = `${owner}::${name}`;
  // Tokens of the item: the ids whose start lies in the item's span.
  const first = lowerBound(starts, startIndex);
  const end = lowerBound(starts, endIndex);
  const slice = ids.subarray(first, end);
  const members: string[] = [];
  let newtypeOf: string | undefined;
  for (const child of children) if (child.name) members.push(child.name);
  if (kind === 'struct' && body?.type === 'ordered_field_declaration_list') {
    const types = children.filter((c) => c.type !== 'visibility_modifier' && c.type !== 'attribute_item');
    if (types.length === 1) newtypeOf = context.text.slice(types[0].start, types[0].end).replace(/\s+/g, '');
  }
  const index = facts.length;
  facts.push({
    kind,
    name,
    range: rangeOf(startPosition, endPosition),
    lines,
    tokens: slice.length,
    shapeHash: sha1(new Uint8Array(slice.buffer, slice.byteOffset, slice.byteLength)),
    members,
    parent,
    newtypeOf,
    typeHash: typeHashOf(context, ids, first, end, name),
    // Only an item long enough to be reported under another name needs it (see nearMiss.ts).
    nameHash: lines >= NAMED_ITEM_LINES ? nameHashOf(context, first, end, name, boundNamesIn(context, startIndex, endIndex)) : undefined,
    // A function's lines inside its body braces; an impl's or trait's, summed over its functions below.
    bodyLines: kind === 'fn' ? linesInside(body) : methods ? 0 : lines,
    literals: literalsOf(context, ids, first, end),
  });
  if (methods && body) {
    const type = kind === 'impl' ? selfType ?? name : name;
    for (const child of children) {
      if (!child.node) continue;
      const at = facts.length;
      readItem(child.node, 'function_item', child.name, ids, starts, facts, context, index, type);
      facts[index].bodyLines! += facts[at].bodyLines!;
    }
  }
}

/** The lines inside a block's braces, at least one; none without a block. */
function linesInside(body: Node | null): number {
  return body ? Math.max(1, body.endPosition.row - body.startPosition.row - 1) : 0;
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

/** An item is reported as copied under another name from this many lines on; shorter ones get no nameHash. */
export const NAMED_ITEM_LINES = 10;

/**
 * sha1 of the item's identifiers in order, leaving out those of its own name
 * and the names it binds itself (parameters, `let`, `for`, closure and match
 * bindings): equal for a copy with its name and locals renamed, different
 * when it calls, reads or names anything else.
 */
function nameHashOf({ tokens, keptTokens, keptKinds }: ItemContext, first: number, end: number, name: string, bound: Set<string>): string {
  const own = ownNames(name);
  const kept: string[] = [];
  for (let i = first; i < end; i++) {
    if ((keptKinds[i] & KEPT_NAME) === 0) continue;
    const v = tokens[keptTokens[i]];
    if (!own.has(v) && !bound.has(v)) kept.push(v);
  }
  return sha1(kept.join('\u0000'));
}

/** The identifiers of an item's name (`Trait for Type<T>`, `Owner::f`). */
function ownNames(name: string): Set<string> {
  return new Set(name.match(/[A-Za-z_][A-Za-z0-9_]*/g) ?? []);
}

/** Bound names and their offsets, in file order. */
interface Bindings {
  starts: number[];
  names: string[];
}

/** The names bound inside an item, from the file's bindings read once. */
function boundNamesIn({ bindings }: ItemContext, start: number, end: number): Set<string> {
  return new Set(bindings.names.slice(lowerBound(bindings.starts, start), lowerBound(bindings.starts, end)));
}


function typeHashOf({ tokens, keptTokens, keptKinds }: ItemContext, ids: Uint32Array, first: number, end: number, name: string): string {
  const own = ownNames(name);
  const kept: string[] = [];
  for (let i = first; i < end; i++) {
    if ((keptKinds[i] & KEPT_VALUE) === 0 || ids[i] === ID_LITERAL) continue;
    const v = tokens[keptTokens[i]];
    if (!own.has(v)) kept.push(v);
  }
  return sha1(kept.join('\u0000'));
}

/** The text of the literals among the tokens from `first` to `end`, in order. */
function literalsOf({ tokens, keptTokens, keptKinds }: ItemContext, ids: Uint32Array, first: number, end: number): string[] {
  const literals: string[] = [];
  for (let i = first; i < end; i++) if ((keptKinds[i] & KEPT_VALUE) !== 0 && ids[i] === ID_LITERAL) literals.push(tokens[keptTokens[i]]);
  return literals;
}

const LAZY_CELLS = /^(?:OnceLock|LazyLock|Lazy|OnceCell|SyncOnceCell|SyncLazy)$/;

/** The last two segments of the first path called in an initialiser that is not a lazy cell's own constructor. */
function constructorOf(initialiser: string): string | undefined {
  for (const match of initialiser.matchAll(/((?:[A-Za-z_][A-Za-z0-9_]*\s*::\s*)*[A-Za-z_][A-Za-z0-9_]*)\s*(?:::\s*<[^>]*>\s*)?\(/g)) {
    // A method call (`.build()`) is not a constructor: only a path preceded by nothing or an operator is.
    if (afterDot(initialiser, match.index ?? 0)) continue;
    const segments = match[1].split('::').map((p) => p.trim());
    if (segments.length < 2 || LAZY_CELLS.test(segments[segments.length - 2])) continue;
    return segments.slice(-2).join('::');
  }
  return undefined;
}

/** The text from `start` to the next `;`, or to the end. */
function initialiserAt(text: string, start: number): string {
  const end = text.indexOf(';', start);
  return text.slice(start, end < 0 ? text.length : end);
}

/** Whether the text before `end` ends with a `.` and whitespace: read backwards, not by a regex over all of it. */
function afterDot(text: string, end: number): boolean {
  let i = end - 1;
  while (i >= 0 && /\s/.test(text[i])) i--;
  return i >= 0 && text[i] === '.';
}

/** Whether a macro invocation's path, as written, is lazy_static's. */
function isLazyStatic(macro: string | undefined): boolean {
  return macro === 'lazy_static' || macro?.endsWith('::lazy_static') === true;
}

/** `lazy_static! { static ref NAME: Type = ...; }`: the macro's body is tokens, not items, to the grammar. */
function lazyStatics(node: Node): StaticFact[] {
  const found: StaticFact[] = [];
  const text = node.text;
  // Lines counted from one match to the next, not from the start for each.
  let line = node.startPosition.row;
  let counted = 0;
  for (const match of text.matchAll(/static\s+ref\s+([A-Za-z_][A-Za-z0-9_]*)\s*:\s*([^=]+?)\s*=/g)) {
    for (let i = text.indexOf('\n', counted); i >= 0 && i < (match.index ?? 0); i = text.indexOf('\n', i + 1)) line++;
    counted = match.index ?? 0;
    found.push({
      name: match[1],
      type: `Lazy<${match[2].replace(/\s+/g, ' ')}>`,
      range: { start: { line, character: 0 }, end: { line, character: 0 } },
      fromLiteral: /^\s*[A-Za-z_][\w:]*\s*\(\s*r?#*"/.test(text.slice((match.index ?? 0) + match[0].length)),
      builtBy: constructorOf(initialiserAt(text, (match.index ?? 0) + match[0].length)),
    });
  }
  return found;
}

/** The names a `use` tree brings into scope: `c` and `e` of `a::b::{c, d as e}`; a glob brings none we can name. */
function useNames(node: Node | null): string[] {
  if (!node) return [];
  switch (node.type) {
    case 'identifier':
      return [node.text];
    case 'scoped_identifier':
      return [node.childForFieldName('name')?.text ?? ''].filter((n) => n && n !== 'self');
    case 'use_as_clause':
      return [node.childForFieldName('alias')?.text ?? ''].filter(Boolean);
    case 'scoped_use_list':
      return useNames(node.childForFieldName('list'));
    case 'use_list':
      return node.namedChildren.flatMap((c) => useNames(c));
    default:
      return [];
  }
}

/** The leaves of a `use` tree, each with its full path: `a::{b, c as d, e::*}` is a::b, a::c (as d), a::e::* . */
function useLeaves(node: Node | null, prefix: string[]): { path: string[]; name?: string; glob: boolean }[] {
  if (!node) return [];
  const segments = (n: Node | null): string[] => (n ? n.text.replace(/\s+/g, '').split('::').filter(Boolean) : []);
  switch (node.type) {
    case 'identifier':
    case 'crate':
    case 'self':
    case 'super':
    case 'scoped_identifier': {
      const full = [...prefix, ...segments(node)];
      // `a::b::{self}` imports the module `a::b` under its own name.
      if (full[full.length - 1] === 'self' && full.length > 1) full.pop();
      return [{ path: full, name: full[full.length - 1], glob: false }];
    }
    case 'use_as_clause': {
      const full = [...prefix, ...segments(node.childForFieldName('path'))];
      if (full[full.length - 1] === 'self' && full.length > 1) full.pop();
      return [{ path: full, name: node.childForFieldName('alias')?.text, glob: false }];
    }
    case 'use_wildcard':
      return [{ path: [...prefix, ...segments(node.namedChildren[0] ?? null)], glob: true }];
    case 'scoped_use_list':
      return useLeaves(node.childForFieldName('list'), [...prefix, ...segments(node.childForFieldName('path'))]);
    case 'use_list':
      return node.namedChildren.flatMap((c) => useLeaves(c, prefix));
    default:
      return [];
  }
}

/** The names an item declares in its module; `name`, its `name` field's text. */
function declaredNames(item: Node, type: string, name: string | undefined): string[] {
  if (type === 'extern_crate_declaration') return [item.childForFieldName('alias')?.text ?? name ?? ''].filter(Boolean);
  if (!HAS_NAME_FIELD.has(type)) return [];
  return name ? [name] : [];
}

function withoutGenerics(text: string): string {
  return text.replace(/<.*$/s, '').replace(/\s+/g, '');
}

/** The first segment of each entry of the `{...}` list that starts at `tokens[open]`. */
function listHeads(tokens: string[], open: number): string[] {
  const heads: string[] = [];
  for (let j = open + 1, depth = 1, entryStart = true; j < tokens.length && depth > 0; j++) {
    const token = tokens[j];
    if (token === '{') depth++;
    else if (token === '}') depth--;
    else if (depth === 1 && token === ',') entryStart = true;
    else if (depth === 1 && entryStart) {
      heads.push(token === 'self' || token === '*' ? '*' : token);
      entryStart = false;
    }
  }
  return heads;
}

/** The inline module a token at `offset` is in: the innermost recorded module that contains it, at `depth`. */
function moduleAt(stack: { start: number; end: number; path: string[] }[], offset: number, depth: number): string[] {
  if (depth === 0) return [];
  for (const entry of stack) {
    if (entry.path.length === depth && entry.start <= offset && offset < entry.end) return entry.path;
  }
  return [];
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

/**
 * `#[test]`, `#[tokio::test]`, `#[bench]`, `#[cfg(test)]`, `#[cfg(all(test, ...))]`: the item is built for tests only.
 * `text`: an attribute's, spaces removed ('' for a doc comment).
 */
function isTestAttribute(text: string): boolean {
  return /^#\[(?:(?:[A-Za-z_]\w*::)*test(?:\(.*\))?|bench|rstest|test_case\(.*\)|cfg\((?:all\()?test\b.*)\]$/.test(text);
}

/**
 * `///` and not `////`: how the grammar gives a line comment its outer_doc_comment_marker, read from the
 * text rather than from the comment's children, a Node made for each.
 */
function isDocComment(node: Node): boolean {
  const text = node.text;
  return text.startsWith('///') && text[3] !== '/';
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

function anchorsOf(ids: Uint32Array, starts: Int32Array, startsOfLines: readonly number[]): SourceFacts['anchors'] {
  const { hashes, positions } = winnowPositions(ids);
  const lineOf = linesInOrder(startsOfLines);
  const startLines = new Uint32Array(positions.length);
  for (let i = 0; i < positions.length; i++) startLines[i] = lineOf(starts[positions[i]]);
  const endOf = linesInOrder(startsOfLines);
  const endLines = new Uint32Array(positions.length);
  for (let i = 0; i < positions.length; i++) endLines[i] = endOf(starts[Math.min(positions[i] + K - 1, starts.length - 1)]);
  return { hashes, tokens: positions, startLines, endLines };
}

/** lineOfOffset for offsets asked in rising order, by walking the lines forward; a smaller offset is searched for. */
function linesInOrder(startsOfLines: readonly number[]): (offset: number) => number {
  let line = 0;
  return (offset) => {
    if (offset < startsOfLines[line]) return lineOfOffset(startsOfLines, offset);
    while (line + 1 < startsOfLines.length && startsOfLines[line + 1] <= offset) line++;
    return line;
  };
}

export function countLines(text: string): number {
  if (text.length === 0) return 0;
  let n = 1;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return text.endsWith('\n') ? n - 1 : n;
}

/**
 * sha1 in base64. crypto.hash (Node 20.12 and later) makes no Hash object: two to three times faster
 * for an item's few hundred bytes, and a file has hundreds of items. The same digest either way.
 */
const sha1: (data: string | Uint8Array) => string =
  typeof oneShotHash === 'function' ? (data) => oneShotHash('sha1', data, 'base64') : (data) => createHash('sha1').update(data).digest('base64');

/** Each line's hash, trimmed (a text's last newline ends its last line). */
function lineHashesOf(text: string): Uint32Array {
  const lines = (text.endsWith('\n') ? text.slice(0, -1) : text).split('\n');
  const hashes = new Uint32Array(lines.length);
  for (let i = 0; i < lines.length; i++) hashes[i] = tokenId(lines[i].trim());
  return hashes;
}

function decodeText(bytes: Uint8Array): { text: string; validUtf8: boolean } {
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), validUtf8: true };
  } catch {
    return { text: new TextDecoder('utf-8').decode(bytes), validUtf8: false };
  }
}

/**
 * The edit that turns one text into the other: the span between their common
 * start and end, in UTF-16 units as web-tree-sitter counts them, never
 * splitting a surrogate pair.
 */
export function editBetween(before: string, after: string): Edit {
  const shorter = Math.min(before.length, after.length);
  let start = 0;
  while (start < shorter && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  if (start > 0 && isHighSurrogate(before.charCodeAt(start - 1))) start--;
  let tail = 0;
  while (tail < shorter - start && before.charCodeAt(before.length - 1 - tail) === after.charCodeAt(after.length - 1 - tail)) tail++;
  if (tail > 0 && isLowSurrogate(before.charCodeAt(before.length - tail))) tail--;
  const oldEnd = before.length - tail;
  const newEnd = after.length - tail;
  return new Edit({
    startIndex: start,
    oldEndIndex: oldEnd,
    newEndIndex: newEnd,
    startPosition: pointAt(before, start),
    oldEndPosition: pointAt(before, oldEnd),
    newEndPosition: pointAt(after, newEnd),
  });
}

const isHighSurrogate = (unit: number) => unit >= 0xd800 && unit <= 0xdbff;
const isLowSurrogate = (unit: number) => unit >= 0xdc00 && unit <= 0xdfff;

/** Row and column of an offset, as tree-sitter counts them: rows end at `\n`, columns in UTF-16 units. */
function pointAt(text: string, offset: number): Point {
  let row = 0;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
    row++;
    lineStart = i + 1;
  }
  return { row, column: offset - lineStart };
}
