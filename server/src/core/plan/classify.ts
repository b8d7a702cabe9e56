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
const DELETE = rule(`^(?:delete|remove) (?:the )?(?:line |file |local |external |private |public |unused |old )*${C}(?: (?:from|in) ${C})?(.*)$`);
const DELETE_MANY = rule(`^(?:delete|remove) (?:the )?(?:files? )?(⟦.*)$`);
const REMOVE_KIND = rule(`^(?:remove|delete) (?:the )?((?:local |external |registry |unused |old |private )*)${C} (static|fn|function|const|struct|enum|trait|type|macro|dependency|dep) (?:from|in) ${C}(.*)$`);
const REMOVE_KIND_FIRST = rule(`^(?:remove|delete) (?:the )?(?:local |external |unused |old |private )*(static|fn|function|const|struct|enum|trait|type|macro) ${C} (?:from|in) ${C}(.*)$`);
const FEATURE = rule(`^(?:create|add) (?:an? |the )?${C} (?:feature|feature flag|cargo feature) (?:in|to) ${C}(.*)$`);
const CREATE = rule(`^(?:create (?:the |a |an )?(?:new )?(?:file )?|add (?:the |a |an )?(?:new )?file )${C}(.*)$`);
/** "Add `x.rs` holding `T`": a new file, when what it holds follows. */
const ADD_FILE = rule(`^add (?:the |a |an )?(?:new )?${C} ((?:holding|containing|declaring|defining|that holds|with) .*)$`);
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
  const text = withBarePaths({ pattern: synonyms(written.pattern.replace(/\s+/g, ' ').trim().replace(/[.;:]$/, '')), codes: written.codes });
  const pattern = text.pattern;
  const code = (group: string | undefined) => (group === undefined ? undefined : text.codes[Number(group)]);
  let m: RegExpExecArray | null;

  // Bare paths (a decommissioning entry), maybe with a note: "`x.rs` (857 lines)", "`a.rs`, `b.rs` — 58 lines".
  const listed = leadingPaths(pattern, text.codes);
  if (listed) return fileAbsent(listed);
  if ((m = COPIES.exec(pattern))) return { kind: 'copies-absent', dir: stripLine(code(m[1])!) };
  if ((m = REMOVE_KIND.exec(pattern)) && onlyNote(m[5])) {
    const [name, kind, where] = [code(m[2])!, m[3].toLowerCase(), stripLine(code(m[4])!)];
    if (kind === 'dependency' || kind === 'dep') {
      const dependency = dependencyName(name);
      const external = /\b(?:external|registry)\b/i.test(m[1]) || /\bcrates\.io\b/i.test(m[5]) || isRegistryEntry(name);
      if (dependency) return { kind: 'dependency-absent', dependency, manifest: where, ...(external ? { external } : {}) };
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
      const external = isRegistryEntry(what) || /\bexternal\b/i.test(pattern);
      if (dependency) return { kind: 'dependency-absent', dependency, manifest: stripLine(where), ...(external ? { external } : {}) };
    } else if (isFilePath(what) && isFolder(where)) {
      // "Delete `udf_async.rs` from `datafusion_python/src/`".
      return { kind: 'file-absent', path: `${stripLine(where).replace(/\/+$/, '')}/${stripLine(what)}` };
    } else {
      const item = rustItem(what) ?? (isIdentifier(callee(what)) && callee(what) !== what.trim() ? { kind: 'fn' as const, name: callee(what) } : undefined);
      if (item) return { kind: 'item-absent', item: item.kind, name: item.name, in: stripLine(where) };
      // "Remove the private `helper` from `lib.rs`": an item of any kind.
      if (isIdentifier(what) && isFilePath(where) && where.trim().endsWith('.rs')) return { kind: 'item-absent', name: what.trim(), in: stripLine(where) };
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
  if ((m = CREATE.exec(pattern) ?? ADD_FILE.exec(pattern)) && isFilePath(code(m[1])!) && !/\bfeature\b/i.test(m[2])) {
    const holds = /^\s*(?:with|holding|containing|that holds|for|declaring|defining)\b/i.test(m[2]) ? heldItems(m[2], text.codes) : [];
    return { kind: 'file-present', path: stripLine(code(m[1])!), ...(holds.length > 0 ? { holds } : {}) };
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
        ...dependencyKind(pattern),
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
        ...dependencyKind(pattern),
        ...(/\b(?:path|local)\b/i.test(m[1]) ? { local: true } : {}),
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
        const modules = how !== 'reexport' && target.modules === true;
        return { kind: 'refers-to', path, target: target.name, how, ...(target.fromTable ? { fromTable: true } : {}), ...(modules ? { modules } : {}) };
      }
    }
  }
  return intent(pattern, text.codes, tables) ?? { kind: 'manual', reason: manualReason(pattern) };
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
  /** "the copied modules from X": each copied module taken from it. */
  modules?: boolean;
  fromTable?: boolean;
}

function updateTarget(rest: string, codes: string[]): UpdateTarget | undefined {
  const reexport = /^(?:re-?export\s+)?(?:the\s+|its\s+|all\s+|shared\s+)?modules?\s+from\b/i.test(rest);
  const from = /^(?:(?:the\s+|its\s+|all\s+|shared\s+)?modules?\s+)?from\b/i.test(rest);
  const spanned = new RegExp(`^(?:[\\w-]+\\s+)*?${C}`).exec(rest);
  const modules = /^(?:the\s+|its\s+|all\s+|copied\s+)+modules\s+from\b/i.test(rest);
  if (spanned) {
    const name = cleanPath(codes[Number(spanned[1])]);
    if (name) return { name, from, reexport, ...(modules ? { modules } : {}) };
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
  if (/\b(?:optional|optionally|where appropriate|where needed|if needed|as needed|can be|could be|consider|may)\b/i.test(pattern)) {
    return 'a judgment the code cannot show (optional, where appropriate), decided by hand';
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
  version?: string;
  path?: string;
  git?: boolean;
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
  const raw = table![name];
  const version = typeof raw === 'string' ? raw : typeof spec?.['version'] === 'string' ? (spec['version'] as string) : undefined;
  const path = typeof spec?.['path'] === 'string' ? (spec['path'] as string) : undefined;
  return { name, optional: spec?.['optional'] === true, features, ...(version ? { version } : {}), ...(path ? { path } : {}), ...(spec?.['git'] ? { git: true } : {}) };
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

// ---------------------------------------------------------------------------
// The wider vocabulary: other verbs for the same intents (drop, get rid of,
// depend on … instead of, point … at, upstream … into), and intents the
// rules above have no shape for (a type alias provided, an impl, a return
// type, an invariant over manifests). Each rule names the intent; its
// objects are the code spans, read by what they are (a path, a crate, an
// item, a TOML entry), not by their position alone.

/** Verbs that mean "delete", read as "delete" by every rule. */
function synonyms(pattern: string): string {
  return pattern
    .replace(/^(?:drop|get rid of|eliminate|retire|decommission|delete)\b/i, 'delete')
    .replace(/^(delete (?:the )?⟦\d+⟧) (?:copy|duplicate)\b/i, '$1');
}

const ITEM_WORDS = '(?:type alias|alias|type|struct|enum|trait|function|fn|const|static|macro|module)';
const INTENTS: { rule: RegExp; read: (m: RegExpExecArray, codes: string[], tables: readonly TargetFileTable[]) => PlanCheck | undefined }[] = [
  {
    // "Delete the `a.rs` and `b.rs` copies from `dir/`".
    rule: rule(`^delete (?:the )?((?:${C}(?:,? (?:and )?)?)+) (?:copies|files|duplicates) (?:from|in|under) ${C}$`),
    read: (m, codes) => {
      const dir = stripLine(codes[Number(m[m.length - 1])]).replace(/\/+$/, '');
      const names = [...m[1].matchAll(/⟦(\d+)⟧/g)].map((g) => codes[Number(g[1])]);
      if (!isFolder(dir + '/') || !names.every(isFilePath)) return undefined;
      return fileAbsentOf(names.map((n) => `${dir}/${stripLine(n)}`));
    },
  },
  {
    // Decommissioning entries that name items: "`static X` and `fn x()` in `lib.rs:15-19`".
    rule: rule(`^((?:${C}(?:,? (?:and )?)?)+) (?:in|from) ${C}(.*)$`),
    read: (m, codes) => {
      const rest = m[m.length - 1];
      if (!onlyNote(rest) && !/^[\s(—–-]/.test(rest)) return undefined;
      const items = [...m[1].matchAll(/⟦(\d+)⟧/g)].map((g) => rustItem(codes[Number(g[1])]));
      if (items.length === 0 || items.some((i) => i === undefined)) return undefined;
      const [first, ...also] = items as { kind: RustItemKind; name: string }[];
      const where = stripLine(codes[Number(m[m.length - 2])]);
      return { kind: 'item-absent', item: first.kind, name: first.name, in: where, ...(also.length > 0 ? { also: also.map((i) => ({ item: i.kind, name: i.name })) } : {}) };
    },
  },
  {
    // "Add `x = { … }` to `[workspace.dependencies]` (in `Cargo.toml`)".
    rule: rule(`^add ${C} to (?:the )?${C}(?: (?:in|of) ${C})?(.*)$`),
    read: (m, codes) => {
      if (codes[Number(m[2])].trim() !== '[workspace.dependencies]' || !onlyNote(m[4])) return undefined;
      const entry = tomlEntry(codes[Number(m[1])]);
      const dependency = dependencyName(codes[Number(m[1])]);
      if (!dependency) return undefined;
      return { kind: 'dependency-present', dependency, manifest: m[3] !== undefined ? stripLine(codes[Number(m[3])]) : 'Cargo.toml', optional: false, workspace: true, ...withFeatures(entry), ...localEntry(entry) };
    },
  },
  {
    // "Depend on `x` (instead of `y`) from/in `Cargo.toml`", "Make `c` depend on `x` instead of `y`".
    rule: rule(`^(?:make ${C} )?depend on (?:the )?(local |workspace )?${C}(?: crate)?(?: instead of ${C})?(?: (?:from|in) ${C})?(.*)$`),
    read: (m, codes) => {
      const manifest = m[5] ?? m[1];
      if (manifest === undefined || !onlyNote(m[6])) return undefined;
      const dependency = dependencyName(codes[Number(m[3])]);
      if (!dependency) return undefined;
      const where = stripLine(codes[Number(manifest)]);
      const present: PlanCheck = { kind: 'dependency-present', dependency, manifest: where, optional: false, ...(m[2] ? { local: true } : {}) };
      if (m[4] === undefined) return present;
      const old = dependencyName(codes[Number(m[4])]);
      return old ? { kind: 'all', checks: [present, { kind: 'dependency-absent', dependency: old, manifest: where }] } : present;
    },
  },
  {
    // "Point `c` at the local `common` crate", "Switch `c` over to `common`", "Move `c` onto the workspace's `common`".
    rule: rule(`^(?:point|switch|move|migrate) ${C} (?:over )?(?:at|to|onto) (?:the )?(local |workspace(?:'s)? )?${C}(?: crate| dependency)?(.*)$`),
    read: (m, codes) => {
      if (!onlyNote(m[4])) return undefined;
      const dependency = dependencyName(codes[Number(m[3])]);
      const manifest = stripLine(codes[Number(m[1])]);
      if (!dependency || (!isManifest(manifest) && !/^[\w-]+$/.test(manifest))) return undefined;
      return { kind: 'dependency-present', dependency, manifest, optional: false, ...(m[2] ? { local: true } : {}) };
    },
  },
  {
    // "Stop pulling `x` from crates.io (in `c/Cargo.toml`)".
    rule: rule(`^stop (?:pulling|using|depending on|fetching) (?:the )?${C} (?:from|on) (?:crates\\.io|the registry|git)(?: (?:in|for) ${C})?(.*)$`),
    read: (m, codes) => {
      const dependency = dependencyName(codes[Number(m[1])]);
      if (!dependency || m[2] === undefined || !onlyNote(m[3])) return undefined;
      return { kind: 'dependency-absent', dependency, manifest: stripLine(codes[Number(m[2])]), external: true };
    },
  },
  {
    // "Replace `anyhow` in `b/Cargo.toml` with a path dependency on `common`".
    rule: rule(`^replace (?:the )?${C}(?: dependency)? (?:in|of) ${C} with (?:an? )?(path |local |workspace )?(?:dependency|dep) on ${C}(.*)$`),
    read: (m, codes) => {
      const [old, manifest, dependency] = [dependencyName(codes[Number(m[1])]), stripLine(codes[Number(m[2])]), dependencyName(codes[Number(m[4])])];
      if (!old || !dependency || !onlyNote(m[5])) return undefined;
      return {
        kind: 'all',
        checks: [
          { kind: 'dependency-absent', dependency: old, manifest },
          { kind: 'dependency-present', dependency, manifest, optional: false, ...(m[3] && !/workspace/i.test(m[3]) ? { local: true } : {}) },
        ],
      };
    },
  },
  {
    // "Replace `mod m;` in `lib.rs` with a re-export from `k`".
    rule: rule(`^replace ${C} (?:in|of) ${C} with (?:an? )?(?:pub(?:lic)? )?re-?export (?:from|of) ${C}(.*)$`),
    read: (m, codes) => {
      const declared = rustItem(codes[Number(m[1])]);
      const path = stripLine(codes[Number(m[2])]);
      if (declared?.kind !== 'mod' || !path.endsWith('.rs') || !onlyNote(m[4])) return undefined;
      const from = cleanPath(codes[Number(m[3])]);
      return from ? { kind: 'module-reexported', module: declared.name, from: from.replace(/-/g, '_'), path } : undefined;
    },
  },
  {
    // "`x` stays a path dependency everywhere", "Make sure `x` remains a local dependency".
    rule: rule(`^(?:make sure |ensure |check that )?${C} (?:stays|remains|is|is still) an? (?:path|local) (?:dependency|dep)(?: everywhere| in every crate| in all crates| across the workspace)?$`),
    read: (m, codes) => {
      const dependency = dependencyName(codes[Number(m[1])]);
      return dependency ? { kind: 'dependencies-local', dependency } : undefined;
    },
  },
  {
    // "Make sure `c` no longer pulls anything from crates.io".
    rule: rule(`^(?:make sure |ensure |check that )?${C} (?:no longer|does not|doesn't|never) (?:pulls?|depends? on|uses?|fetch(?:es)?) (?:anything|any crates?|any dependencies|dependencies) (?:from|on) (?:crates\\.io|the registry)$`),
    read: (m, codes) => ({ kind: 'dependencies-local', manifest: stripLine(codes[Number(m[1])]) }),
  },
  {
    // "Make sure nothing in `api` still declares `mod quota;`", "No file in `x` defines `fn f`".
    rule: rule(`^(?:make sure |ensure |check that )?(?:nothing|no file|no module|no code) in ${C} (?:still )?(?:declares|defines|has|contains) ${C}$`),
    read: (m, codes) => {
      const item = rustItem(codes[Number(m[2])]);
      return item ? { kind: 'item-absent', item: item.kind, name: item.name, in: stripLine(codes[Number(m[1])]) } : undefined;
    },
  },
  {
    // "Make sure only one `OnceLock<Runtime>` is left".
    rule: rule(`^(?:make sure |ensure |check that )?(?:only|exactly) (one|a single|two|three) ${C} (?:is|are) (?:left|kept|remaining)(?: in the workspace)?$`),
    read: (m, codes) => ({ kind: 'item-count', type: codes[Number(m[2])].trim().replace(/\s+/g, ' '), count: { one: 1, 'a single': 1, two: 2, three: 3 }[m[1].toLowerCase().replace(/\s+/g, ' ')]! }),
  },
  {
    // "Rename the `a` feature to `b` in `Cargo.toml`".
    rule: rule(`^rename (?:the )?${C} (?:feature|cargo feature|feature flag) to ${C} (?:in|of) ${C}(.*)$`),
    read: (m, codes) =>
      onlyNote(m[4]) && isFeatureName(codes[Number(m[1])]) && isFeatureName(codes[Number(m[2])])
        ? { kind: 'feature-present', feature: codes[Number(m[2])].trim(), replaces: codes[Number(m[1])].trim(), manifest: stripLine(codes[Number(m[3])]) }
        : undefined,
  },
  {
    // "Provide a `Result<T>` alias in `base`", "Define `struct X` in `x.rs`", "Introduce `fn f` in `k`".
    rule: rule(`^(?:provide|define|introduce|declare|add) (?:an? |the )?(?:${ITEM_WORDS} )?${C}(?: ${ITEM_WORDS})? (?:in|to) ${C}(.*)$`),
    read: (m, codes) => {
      const declared = rustItem(codes[Number(m[1])]);
      const name = declared?.name ?? codes[Number(m[1])].trim().replace(/<.*>$/s, '');
      if (!isIdentifier(name) || !onlyNote(m[3])) return undefined;
      const word = /\b(type alias|alias|type|struct|enum|trait|function|fn|const|static|macro|module)\b/i.exec(m[0])?.[1].toLowerCase();
      const item = declared?.kind ?? (word ? itemOfWord(word) : undefined);
      const where = stripLine(codes[Number(m[2])]);
      if (isManifest(where)) return undefined;
      return { kind: 'item-present', ...(item ? { item } : {}), name, in: where };
    },
  },
  {
    // "Keep the private `f` in `x.rs`", "`struct X` stays in `k`", "Make sure `fn f` stays in `x.rs`".
    rule: rule(`^(?:make sure |ensure )?(?:keep (?:the )?(?:private |public |local )?${C} (?:in|inside|within|as part of) ${C}|${C} (?:stays|remains|is kept) (?:in|inside|within|part of) ${C})(.*)$`),
    read: (m, codes) => {
      const [what, where] = m[1] !== undefined ? [codes[Number(m[1])], codes[Number(m[2])]] : [codes[Number(m[3])], codes[Number(m[4])]];
      if (!onlyNote(m[5])) return undefined;
      if (isFilePath(what) && what.trim().endsWith('.rs')) return { kind: 'file-present', path: stripLine(what) };
      const item = rustItem(what) ?? (isIdentifier(callee(what)) ? { kind: undefined, name: callee(what) } : undefined);
      if (!item || isManifest(where)) return undefined;
      return { kind: 'item-present', ...(item.kind ? { item: item.kind } : {}), name: item.name, in: stripLine(where), keep: true };
    },
  },
  {
    // "Keep `x.rs`", "`x.rs` stays".
    rule: rule(`^(?:make sure |ensure )?(?:keep ${C}|${C} (?:stays|remains))(.*)$`),
    read: (m, codes) => {
      const what = codes[Number(m[1] ?? m[2])];
      return isFilePath(what) && what.trim().endsWith('.rs') && onlyNote(m[3]) ? { kind: 'file-present', path: stripLine(what) } : undefined;
    },
  },
  {
    // "Swap `anyhow` for `common` in `b/Cargo.toml`".
    rule: rule(`^swap (?:out )?(?:the )?${C}(?: dependency)? for (?:the )?(?:local |workspace )?${C}(?: crate| dependency)? (?:in|of) ${C}(.*)$`),
    read: (m, codes) => {
      const [old, dependency, manifest] = [dependencyName(codes[Number(m[1])]), dependencyName(codes[Number(m[2])]), stripLine(codes[Number(m[3])])];
      if (!old || !dependency || !onlyNote(m[4]) || (!isManifest(manifest) && !/^[\w-]+$/.test(manifest))) return undefined;
      return { kind: 'all', checks: [{ kind: 'dependency-absent', dependency: old, manifest }, { kind: 'dependency-present', dependency, manifest, optional: false }] };
    },
  },
  {
    // "Call `k::f` from both `a` and `b`", "Use `k::T` in `a`, `b` and `c`".
    rule: rule(`^(?:call|use) ${C} (?:from|in) (?:both |each of |all of )?((?:${C}(?:,? (?:and )?)?)+)$`),
    read: (m, codes) => {
      const target = cleanPath(codes[Number(m[1])]);
      const places = [...m[2].matchAll(/⟦(\d+)⟧/g)].map((g) => stripLine(codes[Number(g[1])]));
      if (!target || places.length === 0 || !places.every((p) => /^[\w-]+$/.test(p) || isFilePath(p))) return undefined;
      const checks: PlanCheck[] = places.map((p) => ({ kind: 'refers-to', path: p, target: target.replace(/^([\w-]+)/, (h) => h.replace(/-/g, '_')), how: 'refer' }));
      return checks.length === 1 ? checks[0] : { kind: 'all', checks };
    },
  },
  {
    // "Wrap `io::Error` in `BaseError` with a `From` impl".
    rule: rule(`^wrap ${C} in ${C}(?: (?:with|through|via) (?:an? )?(?:${C} )?(?:impl|implementation|conversion))?(.*)$`),
    read: (m, codes) => {
      const [inner, outer] = [codes[Number(m[1])].trim(), codes[Number(m[2])].trim()];
      const trait = m[3] !== undefined ? codes[Number(m[3])].trim() : 'From';
      if (trait !== 'From' || !cleanPath(inner) || !cleanPath(outer) || !onlyNote(m[4])) return undefined;
      return { kind: 'impl-present', trait: `From<${inner}>`, type: outer };
    },
  },
  {
    // "Implement `From<X>` for `Y`".
    rule: rule(`^(?:implement|add an? impl(?:ementation)? of) ${C} for ${C}(.*)$`),
    read: (m, codes) => (onlyNote(m[3]) ? { kind: 'impl-present', trait: codes[Number(m[1])].trim(), type: codes[Number(m[2])].trim() } : undefined),
  },
  {
    // "Have `k::f` return `T`", "Make `f` return `T`".
    rule: rule(`^(?:have|make|let) ${C} return ${C}(.*)$`),
    read: (m, codes) => {
      const fn = cleanPath(codes[Number(m[1])]);
      return fn && onlyNote(m[3]) ? { kind: 'returns', fn: fn.replace(/-/g, '_'), type: codes[Number(m[2])].trim() } : undefined;
    },
  },
  {
    // "Have `svc` inherit `edition` from the workspace".
    rule: rule(`^(?:have|make|let) ${C} inherit ${C} from the workspace(.*)$`),
    read: (m, codes) => (onlyNote(m[3]) && /^[\w.-]+$/.test(codes[Number(m[2])].trim()) ? { kind: 'manifest-inherits', manifest: stripLine(codes[Number(m[1])]), key: codes[Number(m[2])].trim() } : undefined),
  },
  {
    // "Upstream `fn f` from `a.rs` into `b`", "Move `struct X` from `a` to `b`".
    rule: rule(`^(?:upstream|move|hoist|lift|consolidate|merge|fold) (?:the )?${C} from ${C} (?:into|to|up to) ${C}(.*)$`),
    read: (m, codes) => {
      const what = codes[Number(m[1])];
      const item = rustItem(what) ?? (isIdentifier(callee(what)) ? { kind: undefined, name: callee(what) } : undefined);
      if (!item || !onlyNote(m[4])) return undefined;
      return { kind: 'item-moved', ...(item.kind ? { item: item.kind } : {}), name: item.name, from: stripLine(codes[Number(m[2])]), to: stripLine(codes[Number(m[3])]) };
    },
  },
  {
    // "Move `api/src/retry.rs` into `kernel`", "Consolidate / merge / fold `x.rs` into `y`".
    rule: rule(`^(?:upstream|move|consolidate|merge|fold) (?:the )?${C}(?: copy)? (?:into|to) ${C}(.*)$`),
    read: (m, codes) => {
      const path = codes[Number(m[1])];
      if (!isFilePath(path) || !path.trim().endsWith('.rs') || !onlyNote(m[3])) return undefined;
      return { kind: 'file-moved', path: stripLine(path), to: stripLine(codes[Number(m[2])]) };
    },
  },
  {
    // "Import `T` from `m` in `x.rs`", "In `x.rs`, import `T` from `m`", "Use `T` from `m` in `x.rs`".
    rule: rule(`^(?:in ${C},? )?(?:import|use) ${C} from ${C}(?: in ${C})?(.*)$`),
    read: (m, codes) => {
      const file = m[1] ?? m[4];
      if (file === undefined || !onlyNote(m[5])) return undefined;
      const path = stripLine(codes[Number(file)]);
      const [name, from] = [cleanPath(codes[Number(m[2])]), cleanPath(codes[Number(m[3])])];
      if (!isFilePath(path) || !name || !from) return undefined;
      return { kind: 'refers-to', path, target: `${from.replace(/-/g, '_')}::${name}`, how: 'import' };
    },
  },
  {
    // "Re-export `k::m` from `lib.rs`", "Re-export `k::m` in `lib.rs`".
    rule: rule(`^(?:re-?export|pub(?:licly)? re-?export) ${C} (?:from|in) ${C}(.*)$`),
    read: (m, codes) => {
      const target = cleanPath(codes[Number(m[1])]);
      const path = stripLine(codes[Number(m[2])]);
      if (!target || !target.includes('::') || !path.endsWith('.rs') || !onlyNote(m[3])) return undefined;
      return { kind: 'refers-to', path, target: target.replace(/^([\w-]+)/, (h) => h.replace(/-/g, '_')), how: 'reexport' };
    },
  },
  {
    // "Expose `m` as `pub mod m` in `lib.rs`", "Expose the new module as `pub mod m` from `lib.rs`".
    rule: rule(`^(?:expose|export|make|declare) (?:it|the (?:new )?module|${C}) (?:as|public as) ${C} (?:in|from) ${C}(.*)$`),
    read: (m, codes) => {
      const declared = rustItem(codes[Number(m[2])]);
      if (declared?.kind !== 'mod' || !onlyNote(m[4])) return undefined;
      return { kind: 'module-exported', module: declared.name, path: stripLine(codes[Number(m[3])]) };
    },
  },
];

function intent(pattern: string, codes: string[], tables: readonly TargetFileTable[]): PlanCheck | undefined {
  for (const { rule: r, read } of INTENTS) {
    const m = r.exec(pattern);
    const check = m && read(m, codes, tables);
    if (check) return check;
  }
  return undefined;
}

function fileAbsentOf(paths: string[]): PlanCheck {
  return fileAbsent(paths);
}

/** The item names a "holding `T` and `f()`" note gives. */
function heldItems(rest: string, codes: readonly string[]): string[] {
  return [...rest.matchAll(/⟦(\d+)⟧/g)]
    .map((g) => {
      const code = codes[Number(g[1])];
      return rustItem(code)?.name ?? callee(code).replace(/<.*>$/s, '');
    })
    .filter(isIdentifier);
}

function itemOfWord(word: string): RustItemKind | undefined {
  if (word === 'type alias' || word === 'alias' || word === 'type') return 'type';
  if (word === 'function') return 'fn';
  if (word === 'module') return 'mod';
  return word as RustItemKind;
}

function isFeatureName(code: string): boolean {
  return /^[\w][\w.+-]*$/.test(code.trim());
}

/** "dev-dependency", "build dependency": the kind of dependency the item asks for. */
function dependencyKind(pattern: string): { of?: 'dev' | 'build' } {
  if (/\bdev[- ]dep(?:endenc(?:y|ies))?\b/i.test(pattern)) return { of: 'dev' };
  if (/\bbuild[- ]dep(?:endenc(?:y|ies))?\b/i.test(pattern)) return { of: 'build' };
  return {};
}

function localEntry(entry: TomlEntry | undefined): { local?: boolean } {
  return entry?.path ? { local: true } : {};
}

/** `x = "0.4"`, `x = { version = "1" }`: an entry about the registry copy. */
function isRegistryEntry(code: string): boolean {
  const entry = tomlEntry(code.trim());
  return entry !== undefined && entry.version !== undefined && entry.path === undefined && !entry.git;
}
