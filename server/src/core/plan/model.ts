// A consolidation plan as plain data: its numbered scopes, their checklist
// items, decommissioning entries and target-file tables, the roadmap phases
// that name them, and the live status of every item. Positions are 0-based
// lines and UTF-16 columns, as everywhere in the core.
import type { Location, Range } from '../model';

export interface Plan {
  /** Absolute path of the markdown file. */
  file: string;
  /** The first `#` heading, if any. */
  title?: string;
  scopes: PlanScope[];
  /** Every roadmap phase, in document order. */
  phases: PlanPhase[];
  /** Task items and decommissioning entries outside any numbered scope. */
  other: PlanItem[];
}

export interface PlanScope {
  /** The N of `## N. Title`, `## N) Title` or `## Scope N: Title`. */
  number: number;
  title: string;
  /** The heading's line. */
  line: number;
  /** The last line of the scope's section. */
  endLine: number;
  tasks: PlanTask[];
  decommissioning: PlanDecommission[];
  tables: TargetFileTable[];
  /** Code blocks under a heading that names a `.rs` file: what the plan sketches that file to hold. */
  sketches: PlanSketch[];
  /** The phase that names this scope: one under an "Implementation Roadmap" heading first. */
  phase?: PlanPhase;
  /** Every phase that names it, the preferred one first. */
  phases: PlanPhase[];
}

interface PlanItemBase {
  /** The item's text as written (markdown, backticks kept), on one line. */
  text: string;
  /** The line of the list item. */
  line: number;
  /** The heading the item sits under ("Implementation Checklist", "Verification Steps"). */
  section: string;
  /** What would show the item done, read from its text. */
  check: PlanCheck;
}

/** A `- [ ]` or `- [x]` list item. */
export interface PlanTask extends PlanItemBase {
  kind: 'task';
  checked: boolean;
  /** The `[ ]` or `[x]`, for an edit that ticks or unticks it. */
  checkbox: Range;
}

/** A bullet under a heading that mentions decommissioning. */
export interface PlanDecommission extends PlanItemBase {
  kind: 'decommission';
  /** The first file path the entry names, as written (without a `:line` suffix). */
  path?: string;
}

export type PlanItem = PlanTask | PlanDecommission;

export interface PlanSketch {
  /** The heading's path, as written. */
  path: string;
  code: string;
  /** The code block's line. */
  line: number;
}

/** A table whose header has a "File" column. */
export interface TargetFileTable {
  /** The header row's line. */
  line: number;
  /** The header cells, as plain text. */
  columns: string[];
  /** Which column holds the file. */
  fileColumn: number;
  rows: TargetFileRow[];
}

export interface TargetFileRow {
  line: number;
  /** The path in the file column, without backticks, as written. */
  file: string;
  /** Every cell as written (markdown), aligned with `columns`. */
  cells: string[];
  /** The cell of the first "Change", "Reason", "Action" or "Status" column, as written. */
  change?: string;
}

export interface PlanPhase {
  /** "Phase 1: Critical Path". */
  title: string;
  number: number;
  line: number;
  /** The scope numbers it names: "(Scopes 1-2)" gives [1, 2]. */
  scopes: number[];
  /** The heading of the section the phase is listed in ("Implementation Roadmap"). */
  section: string;
}

export type RustItemKind = 'static' | 'fn' | 'const' | 'struct' | 'enum' | 'union' | 'trait' | 'type' | 'mod' | 'macro';

/**
 * What decides an item, read from its text. Paths, manifests and crates are
 * as written in the plan; the evaluator resolves them against the workspace.
 * A `manifest` or `in` may also name a crate (`df_plugin_codeanatomy`).
 */
export type PlanCheck =
  /** "Delete `x.rs`", a decommissioning path: the file is absent, and not living on under another folder of its crate; with `also`, every file it names ("`a.rs`, `b.rs`"). */
  | { kind: 'file-absent'; path: string; also?: string[] }
  /**
   * "Create `x.rs`": the file is present. `holds`: the items the plan says it
   * holds ("Create `x.rs` holding `T`"); a file of another name in the same
   * folder that declares the first of them is the file the plan means.
   */
  | { kind: 'file-present'; path: string; holds?: string[] }
  /** "Move `a/x.rs` into `b`", "Fold … into …": the file is gone from where it was and its module is in `to` (a crate, folder or file). */
  | { kind: 'file-moved'; path: string; to: string }
  /** "Delete duplicate files from `dir/`": no copy finding left in that folder, and no file the scope's tables list as a copy. */
  | { kind: 'copies-absent'; dir: string }
  /**
   * "Add `x` as … dependency in `Cargo.toml`", "Add `x = { … }` to `Cargo.toml`";
   * `features` when the TOML entry names some: the dependency must enable them.
   * `of`: the kind of dependency asked for (normal unless the item says dev- or build-).
   * `workspace`: a declaration in `[workspace.dependencies]`. `local`: a path
   * dependency ("a path dependency on", "the local `x` crate").
   */
  | {
      kind: 'dependency-present';
      dependency: string;
      manifest: string;
      optional: boolean;
      features?: string[];
      of?: 'normal' | 'dev' | 'build';
      workspace?: boolean;
      local?: boolean;
    }
  /**
   * "Remove `x = "1.0"` from `Cargo.toml`", "Remove `x` dependency from …".
   * `external`: the item is about the registry (or git) copy: "the external
   * `x`", "`x = "0.4"`", "from crates.io"; an entry that now points at a
   * local path is what the item asked for.
   */
  | { kind: 'dependency-absent'; dependency: string; manifest: string; external?: boolean }
  /** "`x` stays a path dependency everywhere" (`dependency`), "`c` pulls nothing from crates.io" (`manifest`): every such entry is local. */
  | { kind: 'dependencies-local'; dependency?: string; manifest?: string }
  /** "Create `python` feature flag in `Cargo.toml`"; `replaces`: "Rename the `a` feature to `b`", so `a` must be gone. */
  | { kind: 'feature-present'; feature: string; manifest: string; replaces?: string }
  /** "Remove `static X: T` from `lib.rs`", "Remove local `X` static from `crate`"; no `item`: any kind. `also`: more items the entry names. */
  | { kind: 'item-absent'; item?: RustItemKind; name: string; in: string; also?: { item?: RustItemKind; name: string }[] }
  /**
   * "Provide a `Result<T>` alias in `base`": the item is declared in that file
   * or crate. `keep`: "Keep `f` in `x.rs`", where the item renamed with the
   * same body still counts.
   */
  | { kind: 'item-present'; item?: RustItemKind; name: string; in: string; keep?: boolean }
  /** "Upstream `fn f` from `a.rs` into `b`": gone from `from`, declared in `to`. */
  | { kind: 'item-moved'; item?: RustItemKind; name: string; from: string; to: string }
  /** "Wrap `io::Error` in `E` with a `From` impl": an `impl From<io::Error> for E` somewhere in the workspace. */
  | { kind: 'impl-present'; trait: string; type: string }
  /** "Have `krate::f` return `T`": the function's return type names T. */
  | { kind: 'returns'; fn: string; type: string }
  /** "Have `svc` inherit `edition` from the workspace": `edition.workspace = true` in the crate's manifest. */
  | { kind: 'manifest-inherits'; manifest: string; key: string }
  /** "Make sure only one `OnceLock<Runtime>` is left": that many `static`s and `const`s of the type in the workspace. */
  | { kind: 'item-count'; type: string; count: number }
  /** "Export `m` module from `lib.rs`": a `pub mod m` (or `pub use` of it). */
  | { kind: 'module-exported'; module: string; path: string }
  /** "Replace `mod m;` in `lib.rs` with a re-export from `k`": no `mod m` left, and a `pub use k::…::m`. */
  | { kind: 'module-reexported'; module: string; from: string; path: string }
  /** "Add `pub use a::b;` to `lib.rs`": the file has the snippet's `use`s and items. */
  | { kind: 'code-present'; code: string; path: string }
  /**
   * "Update `x.rs` to use `Y`": the file refers to Y (`refer`), imports
   * from it (`import`), or re-exports from it (`reexport`). `fromTable`
   * when Y came from the scope's target-file table, the item's own text
   * naming no code ("to use shared runtime"). `modules`: "to use the
   * copied modules from K", each module the crate copied taken from K.
   */
  | { kind: 'refers-to'; path: string; target: string; how: 'refer' | 'import' | 'reexport'; fromTable?: boolean; modules?: boolean }
  /** "Update any imports in `crate` that reference `other`": no `use other::…` left. */
  | { kind: 'imports-absent'; in: string; root: string }
  /** "Replace `a` with a path dependency on `b`": every part done. */
  | { kind: 'all'; checks: PlanCheck[] }
  /** Run, verify, anything else: the checkbox decides. */
  | { kind: 'manual'; reason: string };

export type PlanCheckKind = PlanCheck['kind'];

// ---------------------------------------------------------------------------
// Live status.

export type ItemState = 'done' | 'open' | 'manual';

export interface PlanItemStatus {
  kind: PlanItem['kind'];
  text: string;
  line: number;
  /** Only for task items. */
  checked?: boolean;
  checkbox?: Range;
  check: PlanCheckKind;
  status: ItemState;
  /** Why, for a person: "rust/datafusion_python/src/udf_docs.rs is absent". */
  evidence: string;
  /** Checked, but the code says open. */
  regressed: boolean;
  /** Not checked, but the code says done: the box can be ticked. */
  markable: boolean;
  /** Absolute paths of the files (or folders) the item names, resolved. */
  files: string[];
  /** The place the evidence points at (a dependency entry, a static), when there is one. */
  at?: Location;
}

export interface PlanScopeStatus {
  number: number;
  title: string;
  line: number;
  phase?: string;
  /** Items done by the code, plus manual items that are checked. */
  done: number;
  total: number;
  /** Task items, then decommissioning entries. */
  items: PlanItemStatus[];
}

/** Which folder the plan's relative paths were read from. */
export interface PlanBase {
  dir: string;
  /** The workspace folder itself, its parent (a plan at the repository root that holds `rust/`), or the plan's own folder. */
  relativeTo: 'root' | 'parent' | 'plan';
  /** The workspace folder it was derived from (the plan's folder for 'plan'). */
  root: string;
}

export interface PlanCounts {
  done: number;
  open: number;
  manual: number;
  regressed: number;
  markable: number;
  total: number;
}

export interface PlanStatus {
  file: string;
  base?: PlanBase;
  scopes: PlanScopeStatus[];
  other: PlanItemStatus[];
  counts: PlanCounts;
}
