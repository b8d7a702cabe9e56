// web-tree-sitter's runtime, initialised once per thread, and a tree walk that
// calls its wasm binding directly.
//
// Every getter and move of web-tree-sitter's TreeCursor copies the cursor's four
// words into wasm memory and back before and after its one call into wasm. On
// rust-src that copying was two thirds of the walk's time, as much as the parse.
// The binding's functions (binding.c) read the cursor from its transfer buffer
// and write it back there, so a walk that makes only those calls leaves the
// cursor in the buffer between them. `Walk` does that, and copies the cursor out
// only when a node is asked for through the public API.
import { Language, Parser } from 'web-tree-sitter';
import type { Node, Tree, TreeCursor } from 'web-tree-sitter';
import { locateAsset } from './assets';

/** The entry points of web-tree-sitter's wasm module that `Walk` calls (0.27's binding.c). */
interface Binding {
  _ts_init(): number;
  _ts_tree_cursor_current_node_type_id_wasm(tree: number): number;
  _ts_tree_cursor_current_node_is_missing_wasm(tree: number): number;
  _ts_tree_cursor_start_index_wasm(tree: number): number;
  _ts_tree_cursor_end_index_wasm(tree: number): number;
  _ts_tree_cursor_goto_first_child_wasm(tree: number): number;
  _ts_tree_cursor_goto_next_sibling_wasm(tree: number): number;
  _ts_tree_cursor_goto_parent_wasm(tree: number): number;
  _ts_tree_cursor_current_field_id_wasm(tree: number): number;
  getValue(address: number, type: 'i32'): number;
  setValue(address: number, value: number, type: 'i32'): void;
}

const ENTRY_POINTS = [
  '_ts_init',
  '_ts_tree_cursor_current_node_type_id_wasm',
  '_ts_tree_cursor_current_node_is_missing_wasm',
  '_ts_tree_cursor_start_index_wasm',
  '_ts_tree_cursor_end_index_wasm',
  '_ts_tree_cursor_goto_first_child_wasm',
  '_ts_tree_cursor_goto_next_sibling_wasm',
  '_ts_tree_cursor_goto_parent_wasm',
  '_ts_tree_cursor_current_field_id_wasm',
  'getValue',
  'setValue',
] as const;

export interface Runtime {
  binding: Binding;
  /** The binding's transfer buffer, where a cursor's four words are passed. */
  transfer: number;
}

let runtime: Promise<Runtime> | undefined;

function loadRuntime(): Promise<Runtime> {
  runtime ??= (async () => {
    const wasm = locateAsset('web-tree-sitter.wasm');
    // Emscripten makes the options object the module itself: keeping it keeps the binding's entry points.
    const module: Record<string, unknown> = wasm ? { locateFile: () => wasm } : {};
    await Parser.init(module);
    const missing = ENTRY_POINTS.filter((name) => typeof module[name] !== 'function');
    if (missing.length > 0) {
      throw new Error(`web-tree-sitter's wasm module has no ${missing.join(', ')}: this build needs web-tree-sitter 0.27 (see package.json), initialised only here`);
    }
    const binding = module as unknown as Binding;
    // ts_init only writes the language versions to the buffer and returns its address.
    return { binding, transfer: binding._ts_init() };
  })();
  return runtime;
}

export interface RustGrammar {
  parser: Parser;
  runtime: Runtime;
}

/** A parser of the Rust grammar, on web-tree-sitter's runtime for this thread. */
export async function loadRustGrammar(grammarPath = locateAsset('tree-sitter-rust.wasm')): Promise<RustGrammar> {
  if (!grammarPath) throw new Error('tree-sitter-rust.wasm not found beside the program or in grammars/');
  const loaded = await loadRuntime();
  const parser = new Parser();
  parser.setLanguage(await Language.load(grammarPath));
  return { parser, runtime: loaded };
}

/**
 * A depth-first walk of one tree, with TreeCursor's members, each one call into wasm.
 * Nothing else may use web-tree-sitter between two of its calls except through `currentNode`.
 */
export class Walk {
  private readonly binding: Binding;
  private readonly transfer: number;
  private readonly tree: number;
  private readonly types: string[];
  /** The tree's grammar. */
  readonly language: Language;
  private readonly handles: number[];
  /** Whether the transfer buffer holds this walk's cursor (else `handles` do). */
  private inBuffer = false;

  constructor(
    { binding, transfer }: Runtime,
    tree: Tree,
    private readonly cursor: TreeCursor = tree.walk(),
  ) {
    this.binding = binding;
    this.transfer = transfer;
    // The tree's and the cursor's wasm addresses, which web-tree-sitter keeps internal.
    this.tree = (tree as unknown as { 0: number })[0];
    this.handles = (cursor as unknown as { handles: number[] }).handles;
    this.types = tree.language.types;
    this.language = tree.language;
  }

  get nodeType(): string {
    this.load();
    return this.types[this.binding._ts_tree_cursor_current_node_type_id_wasm(this.tree)] || 'ERROR';
  }

  /** The grammar's number for the node's type: an index into `types`, or 65535 for ERROR. */
  get nodeTypeId(): number {
    this.load();
    return this.binding._ts_tree_cursor_current_node_type_id_wasm(this.tree);
  }

  /** The grammar's node types by number (see nodeTypeId). */
  get typeNames(): readonly string[] {
    return this.types;
  }

  /** The number of the field the current node is in its parent (0 for none): see Language.fieldIdForName. */
  get fieldId(): number {
    this.load();
    return this.binding._ts_tree_cursor_current_field_id_wasm(this.tree);
  }

  /**
   * The first child of the current node in field `fieldId`, as childForFieldName finds it: its type and
   * extent, with no Node made. The cursor is back on the node after.
   */
  childInField(fieldId: number): { type: string; start: number; end: number } | undefined {
    if (!this.gotoFirstChild()) return undefined;
    let found: { type: string; start: number; end: number } | undefined;
    do {
      if (this.fieldId === fieldId) {
        found = { type: this.nodeType, start: this.startIndex, end: this.endIndex };
        break;
      }
    } while (this.gotoNextSibling());
    this.gotoParent();
    return found;
  }

  get nodeIsMissing(): boolean {
    this.load();
    return this.binding._ts_tree_cursor_current_node_is_missing_wasm(this.tree) === 1;
  }

  get startIndex(): number {
    this.load();
    return this.binding._ts_tree_cursor_start_index_wasm(this.tree);
  }

  get endIndex(): number {
    this.load();
    return this.binding._ts_tree_cursor_end_index_wasm(this.tree);
  }

  gotoFirstChild(): boolean {
    this.load();
    return this.binding._ts_tree_cursor_goto_first_child_wasm(this.tree) === 1;
  }

  gotoNextSibling(): boolean {
    this.load();
    return this.binding._ts_tree_cursor_goto_next_sibling_wasm(this.tree) === 1;
  }

  gotoParent(): boolean {
    this.load();
    return this.binding._ts_tree_cursor_goto_parent_wasm(this.tree) === 1;
  }

  /** The current node, through the public API, which uses the transfer buffer for its own calls. */
  get currentNode(): Node {
    this.store();
    return this.cursor.currentNode;
  }

  /**
   * Leaves the transfer buffer to the public API: the cursor is copied out of it. Call it before
   * anything else uses web-tree-sitter, when this walk is to be used again after (see `reset`).
   */
  pause(): void {
    this.store();
  }

  /** Moves the walk to `node`, a node of its tree; the walk must be paused (see `pause`). */
  reset(node: Node): void {
    this.store();
    this.cursor.reset(node);
  }

  delete(): void {
    this.store();
    this.cursor.delete();
  }

  private load(): void {
    if (this.inBuffer) return;
    for (let i = 0; i < 4; i++) this.binding.setValue(this.transfer + 4 * i, this.handles[i], 'i32');
    this.inBuffer = true;
  }

  private store(): void {
    if (!this.inBuffer) return;
    for (let i = 0; i < 4; i++) this.handles[i] = this.binding.getValue(this.transfer + 4 * i, 'i32');
    this.inBuffer = false;
  }
}
