// What decides a plan item, read from its text. The markdown parser has
// already split the text into prose and code spans; the code spans become
// numbered placeholders (⟦0⟧, ⟦1⟧), so the phrasings below match the prose
// around them and never look inside the code.
import { getStaticTOMLValue, parseTOML } from 'toml-eslint-parser';
import type { PlanCheck, RustItemKind, TargetFileTable } from './model';

/** An item's text: its prose with a placeholder per code span, and the code spans. */
export interface ItemText {
  pattern: string;
  codes: string[];
}

const C = '⟦(\\d+)⟧';
const rule = (source: string) => new RegExp(source.replace(/ /g, '\\s+'), 'i');

const COPIES = rule(`^(?:delete|remove) (?:all )?(?:of )?(?:the )?(?:duplicate|duplicated|copied) (?:files|copies|modules) (?:from|in|under) ${C}$`);
const DELETE = rule(`^(?:delete|remove) (?:the )?(?:line |file |local |external )*${C}(?: (?:from|in) ${C})?(.*)$`);
const DELETE_MANY = rule(`^(?:delete|remove) (?:the )?(?:files? )?(⟦.*)$`);
const REMOVE_KIND = rule(`^remove (?:the )?(?:local |external |unused |old )*${C} (static|fn|function|const|struct|enum|trait|type|macro|dependency|dep) (?:from|in) ${C}(.*)$`);
const REMOVE_KIND_FIRST = rule(`^remove (?:the )?(?:local |external |unused |old )*(static|fn|function|const|struct|enum|trait|type|macro) ${C} (?:from|in) ${C}(.*)$`);
const FEATURE = rule(`^(?:create|add) (?:an? |the )?${C} (?:feature|feature flag|cargo feature) (?:in|to) ${C}(.*)$`);
const CREATE = rule(`^(?:create (?:the |a |an )?(?:new )?(?:file )?|add (?:the |a |an )?(?:new )?file )${C}(.*)$`);
const ADD_DEPENDENCY = rule(`^add (optional )?${C} (?:as (?:an? )?(optional )?(?:[\\w-]+ )*?)?(?:dependency|dep)(?: [\\w-]+)*? (?:in|to|of) ${C}(.*)$`);
const ADD_DEPENDENCY_ON = rule(`^add (?:an? |the )?((?:[\\w-]+ )*?)(?:dependency|dep) on ${C} (?:in|to|of) ${C}(.*)$`);
const ADD_TO = rule(`^add ${C} (?:to|in) ${C}(.*)$`);
const EXPORT = rule(`^(?:export|re-?export|expose) (?:the )?${C} module (?:from|in) ${C}(.*)$`);
const IMPORTS_ABSENT = rule(`^(?:update|remove|replace) (?:any |all )?(?:imports|uses|use declarations) (?:in|from) ${C} that (?:reference|use|import) ${C}(.*)$`);
const UPDATE = rule(`^update (?:any |all )?((?:imports|uses) in )?${C} to (use|import|wrap|re-?export|call|reference|depend on) (.*)$`);
const MAKE = rule(`^(?:make|have) (?:any |all )?((?:imports|uses) in )?${C} (use|import|wrap|re-?export|call|reference|depend on) (.*)$`);
/**
 * A path in the prose, outside backticks: it ends in `.rs` or `.toml` (a
 * `:line` suffix allowed), or with a `/`, or has two slashes (`a/b/c`), so
 * "PyO3/PyArrow" and "scan/write" stay prose.
 */
const BARE_PATH = /(?<![\w./-])((?:[\w.-]+\/)*[\w-][\w.-]*\.(?:rs|toml)(?::\d+(?:-\d+)?)?|(?:[\w.-]+\/)+|[\w.-]+(?:\/[\w.-]+){2,}\/?)(?![\w/-])/g;

/** Decides how an item is checked. `tables` are its scope's target-file tables, for "to use shared runtime". */
export function classifyItem(written: ItemText, tables: readonly TargetFileTable[] = []): PlanCheck {
  const text = withBarePaths({ pattern: written.pattern.replace(/\s+/g, ' ').trim().replace(/[.;:]$/, ''), codes: written.codes });
  const pattern = text.pattern;
  const code = (group: string | undefined) => (group === undefined ? undefined : text.codes[Number(group)]);
  let m: RegExpExecArray | null;

  // Bare paths (a decommissioning entry), maybe with a note: "`x.rs` (857 lines)", "`a.rs`, `b.rs` — 58 lines".
  const listed = leadingPaths(pattern, text.codes);
  if (listed) return fileAbsent(listed);
  if ((m = COPIES.exec(pattern))) return { kind: 'copies-absent', dir: stripLine(code(m[1])!) };
  if ((m = REMOVE_KIND.exec(pattern)) && onlyNote(m[4])) {
    const [name, kind, where] = [code(m[1])!, m[2].toLowerCase(), stripLine(code(m[3])!)];
    if (kind === 'dependency' || kind === 'dep') {
      const dependency = dependencyName(name);
      if (dependency) return { kind: 'dependency-absent', dependency, manifest: where };
    } else if (isIdentifier(callee(name))) {
      return { kind: 'item-absent', item: itemKind(kind), name: callee(name), in: where };
    }
  }
  // "Remove static `X` from …", "Remove function `f` from …".
  if ((m = REMOVE_KIND_FIRST.exec(pattern)) && onlyNote(m[4]) && isIdentifier(callee(code(m[2])!))) {
    return { kind: 'item-absent', item: itemKind(m[1].toLowerCase()), name: callee(code(m[2])!), in: stripLine(code(m[3])!) };
  }
  if ((m = DELETE.exec(pattern)) && onlyNote(m[3])) {
    const what = code(m[1])!;
    const where = code(m[2]);
    if (where === undefined) {
      if (isFilePath(what)) return { kind: 'file-absent', path: stripLine(what) };
    } else if (isManifest(where)) {
      const dependency = dependencyName(what);
      if (dependency) return { kind: 'dependency-absent', dependency, manifest: stripLine(where) };
    } else if (isFilePath(what) && isFolder(where)) {
      // "Delete `udf_async.rs` from `datafusion_python/src/`".
      return { kind: 'file-absent', path: `${stripLine(where).replace(/\/+$/, '')}/${stripLine(what)}` };
    } else {
      const item = rustItem(what) ?? (isIdentifier(callee(what)) && callee(what) !== what.trim() ? { kind: 'fn' as const, name: callee(what) } : undefined);
      if (item) return { kind: 'item-absent', item: item.kind, name: item.name, in: stripLine(where) };
    }
  }
  // "Delete `a.rs` and `b.rs`".
  if ((m = DELETE_MANY.exec(pattern))) {
    const paths = leadingPaths(m[1], text.codes);
    if (paths) return fileAbsent(paths);
  }
  if ((m = FEATURE.exec(pattern)) && onlyNote(m[3]) && isIdentifier(code(m[1])!)) {
    return { kind: 'feature-present', feature: code(m[1])!, manifest: stripLine(code(m[2])!) };
  }
  if ((m = CREATE.exec(pattern)) && isFilePath(code(m[1])!) && !/\bfeature\b/i.test(m[2])) {
    return { kind: 'file-present', path: stripLine(code(m[1])!) };
  }
  if ((m = ADD_DEPENDENCY.exec(pattern)) && onlyNote(m[5])) {
    const dependency = dependencyName(code(m[2])!);
    const entry = tomlEntry(code(m[2])!);
    if (dependency) {
      return {
        kind: 'dependency-present',
        dependency,
        manifest: stripLine(code(m[4])!),
        optional: m[1] !== undefined || m[3] !== undefined || entry?.optional === true,
        ...withFeatures(entry),
      };
    }
  }
  // "Add a dependency on `x` to `Cargo.toml`", "Add an optional path dependency on `x` to …".
  if ((m = ADD_DEPENDENCY_ON.exec(pattern)) && onlyNote(m[4])) {
    const dependency = dependencyName(code(m[2])!);
    const entry = tomlEntry(code(m[2])!);
    if (dependency) {
      return {
        kind: 'dependency-present',
        dependency,
        manifest: stripLine(code(m[3])!),
        optional: /\boptional\b/i.test(m[1]) || entry?.optional === true,
        ...withFeatures(entry),
      };
    }
  }
  if ((m = ADD_TO.exec(pattern)) && onlyNote(m[3])) {
    const [what, where] = [code(m[1])!, stripLine(code(m[2])!)];
    if (isManifest(where)) {
      const dependency = dependencyName(what);
      const entry = tomlEntry(what);
      if (dependency) return { kind: 'dependency-present', dependency, manifest: where, optional: entry?.optional === true, ...withFeatures(entry) };
    } else if (where.endsWith('.rs')) {
      return { kind: 'code-present', code: what, path: where };
    }
  }
  if ((m = EXPORT.exec(pattern)) && onlyNote(m[3]) && isIdentifier(code(m[1])!)) {
    return { kind: 'module-exported', module: code(m[1])!, path: stripLine(code(m[2])!) };
  }
  if ((m = IMPORTS_ABSENT.exec(pattern)) && isIdentifier(code(m[2])!.replace(/-/g, '_'))) {
    return { kind: 'imports-absent', in: stripLine(code(m[1])!), root: code(m[2])!.replace(/-/g, '_') };
  }
  if ((m = UPDATE.exec(pattern) ?? MAKE.exec(pattern))) {
    const path = stripLine(code(m[2])!);
    if (isFilePath(path)) {
      const verb = m[3].toLowerCase().replace('-', '');
      const target = updateTarget(m[4], text.codes) ?? tableTarget(path, tables);
      if (target) {
        const imports = verb === 'import' || target.from || m[1] !== undefined;
        const how = verb === 'reexport' || target.reexport ? 'reexport' : imports ? 'import' : 'refer';
        return { kind: 'refers-to', path, target: target.name, how, ...(target.fromTable ? { fromTable: true } : {}) };
      }
    }
  }
  return { kind: 'manual', reason: manualReason(pattern) };
}

/**
 * The text with each path written outside backticks turned into a code
 * span of its own ("Create datafusion_ext/src/errors.rs"), so the rules
 * read it as they read `datafusion_ext/src/errors.rs`.
 */
export function withBarePaths(text: ItemText): ItemText {
  const codes = [...text.codes];
  const pattern = text.pattern
    .split(/(⟦\d+⟧)/)
    .map((part, i) =>
      i % 2 === 1
        ? part
        : part.replace(BARE_PATH, (path: string) => {
            codes.push(path);
            return `⟦${codes.length - 1}⟧`;
          }),
    )
    .join('');
  return { pattern, codes };
}

function fileAbsent([path, ...also]: string[]): PlanCheck {
  return { kind: 'file-absent', path, ...(also.length > 0 ? { also } : {}) };
}

/**
 * The paths an item starts with, when the rest is only a note: "`a.rs`",
 * "`a.rs`, `b.rs` and `c.rs`", "`x.rs` — 58 lines", "`x.rs` (73 lines)".
 * Undefined when it does not start with a path, or goes on with more than a note.
 */
function leadingPaths(pattern: string, codes: readonly string[]): string[] | undefined {
  const paths: string[] = [];
  let rest = pattern;
  for (;;) {
    const m = /^⟦(\d+)⟧\s*(?:(?:,|;|&|\+|\band\b)\s*)?/i.exec(rest);
    if (!m) break;
    if (!isFilePath(codes[Number(m[1])])) return undefined;
    paths.push(stripLine(codes[Number(m[1])]));
    rest = rest.slice(m[0].length);
  }
  if (paths.length === 0) return undefined;
  const note = rest.trim();
  return note === '' || /^(?:[(\[—–:→-]|\d)/.test(note) || onlyNote(note) ? paths : undefined;
}

/** `async_runtime()` → `async_runtime`. */
function callee(code: string): string {
  return code.trim().replace(/\(\s*\)$/, '');
}

function itemKind(word: string): RustItemKind {
  return word === 'function' ? 'fn' : (word as RustItemKind);
}

/** A folder path, written with a `/` in it: `datafusion_python/src/`. */
function isFolder(code: string): boolean {
  const path = stripLine(code.trim());
  return path.includes('/') && /^[\w./-]+$/.test(path) && !/\.(?:rs|toml)$/.test(path);
}

/** What "to use …" names: a code span, or one bare path ("from datafusion_ext"). */
interface UpdateTarget {
  name: string;
  /** "from X": imported from it. */
  from?: boolean;
  /** "modules from X": re-exported from it. */
  reexport?: boolean;
  fromTable?: boolean;
}

function updateTarget(rest: string, codes: string[]): UpdateTarget | undefined {
  const reexport = /^(?:re-?export\s+)?(?:the\s+|its\s+|all\s+|shared\s+)?modules?\s+from\b/i.test(rest);
  const from = /^(?:(?:the\s+|its\s+|all\s+|shared\s+)?modules?\s+)?from\b/i.test(rest);
  const spanned = new RegExp(`^(?:[\\w-]+\\s+)*?${C}`).exec(rest);
  if (spanned) {
    const name = cleanPath(codes[Number(spanned[1])]);
    if (name) return { name, from, reexport };
  }
  const bare = /^(?:(?:the\s+|its\s+|all\s+|shared\s+)?modules?\s+)?(?:from\s+)?([A-Za-z_][\w-]*(?:::[A-Za-z_]\w*)*)(?:\s+(?:instead|directly|externally))?$/i.exec(rest.trim());
  if (bare) return { name: bare[1].replace(/-/g, '_'), from, reexport };
  return undefined;
}

/** "Update `x.rs` to use shared runtime": the change the scope's target-file table gives for `x.rs`, if it names code. */
function tableTarget(path: string, tables: readonly TargetFileTable[]): UpdateTarget | undefined {
  for (const table of tables) {
    for (const row of table.rows) {
      if (stripLine(row.file) !== path || !row.change) continue;
      const span = /`([^`]+)`/.exec(row.change);
      const name = span && cleanPath(span[1]);
      if (name) return { name, fromTable: true };
    }
  }
  return undefined;
}

/** `datafusion_ext::async_runtime::get_shared_runtime()` → the path without the call or generics; undefined if not a path. */
function cleanPath(code: string): string | undefined {
  const path = code.trim().replace(/\(.*\)$/s, '').replace(/<.*>$/s, '').replace(/;$/, '');
  // The first segment may be a package name, with `-`.
  return /^(?:::)?[A-Za-z_][\w-]*(?:::[A-Za-z_]\w*)*$/.test(path) ? path.replace(/^::/, '') : undefined;
}

function manualReason(pattern: string): string {
  if (/^(?:run|verify|test|check|ensure|confirm|make sure)\b/i.test(pattern) || /\b(?:succeeds?|pass(?:es)?|works?|builds?|warnings?)\b/i.test(pattern)) {
    return 'a run or a check done by hand';
  }
  return 'not decidable from the code';
}

/** Whether the text after the last code span only adds a note: "(857 lines)", "with core types", "after migration". */
function onlyNote(rest: string | undefined): boolean {
  const trimmed = (rest ?? '').trim();
  return trimmed === '' || /^\(.*\)$/.test(trimmed) || /^(?:with|for|as|that|which|to|where|after|before|once|if)\b/i.test(trimmed);
}

export function isFilePath(code: string): boolean {
  const path = stripLine(code.trim());
  return !/\s/.test(path) && (/\.(?:rs|toml)$/.test(path) || (path.includes('/') && /^[\w./-]+$/.test(path)));
}

function isManifest(code: string): boolean {
  return /(?:^|\/)Cargo\.toml$/.test(stripLine(code.trim()));
}

function isIdentifier(code: string): boolean {
  return /^[A-Za-z_][\w]*$/.test(code.trim());
}

/** `rust/x/src/lib.rs:74-76` → `rust/x/src/lib.rs`. */
export function stripLine(path: string): string {
  return path.trim().replace(/:\d+(?:-\d+)?$/, '');
}

/** The dependency a code span names: a package name, or the key of a TOML entry (`x = "1"`, `x = { path = … }`). */
function dependencyName(code: string): string | undefined {
  const trimmed = code.trim();
  if (/^[A-Za-z0-9_][\w-]*$/.test(trimmed)) return trimmed;
  return tomlEntry(trimmed)?.name;
}

/** `{ features }` when a TOML entry names some, else nothing. */
function withFeatures(entry: TomlEntry | undefined): { features?: string[] } {
  return entry && entry.features.length > 0 ? { features: entry.features } : {};
}

interface TomlEntry {
  name: string;
  optional: boolean;
  features: string[];
}

/** The first entry of a TOML snippet, read with the manifest parser: `[dependencies.x]` or `x = …`. */
function tomlEntry(code: string): TomlEntry | undefined {
  let value: unknown;
  try {
    value = getStaticTOMLValue(parseTOML(code));
  } catch {
    return undefined;
  }
  let table = asTable(value);
  for (const key of ['dependencies', 'dev-dependencies', 'build-dependencies']) {
    const nested = asTable(table?.[key]);
    if (nested) table = nested;
  }
  const [name] = Object.keys(table ?? {});
  if (name === undefined) return undefined;
  const spec = asTable(table![name]);
  const features = Array.isArray(spec?.['features']) ? (spec['features'] as unknown[]).filter((f): f is string => typeof f === 'string') : [];
  return { name, optional: spec?.['optional'] === true, features };
}

function asTable(v: unknown): Record<string, unknown> | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

// Qualifiers before the keyword; `const` only when a `fn` follows (`const fn x`).
const ITEM = /^(?:pub(?:\s*\([^)]*\))?\s+)?(?:(?:async|unsafe|default|extern(?:\s+"[^"]*")?|const(?=\s+(?:(?:async|unsafe)\s+)*fn\b))\s+)*(static|fn|const|struct|enum|union|trait|type|mod|macro_rules!)\s+(?:mut\s+)?([A-Za-z_]\w*)/;

/** The kind and name of the item a code span declares: `static ASYNC_RUNTIME: OnceLock<Runtime>`, `fn async_runtime()`. */
export function rustItem(code: string): { kind: RustItemKind; name: string } | undefined {
  const m = ITEM.exec(code.trim());
  if (!m) return undefined;
  return { kind: m[1] === 'macro_rules!' ? 'macro' : (m[1] as RustItemKind), name: m[2] };
}
