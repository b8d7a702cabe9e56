// Settings a team shares in its root Cargo.toml, where cargo leaves room for
// tools (https://doc.rust-lang.org/cargo/reference/manifest.html#the-metadata-table):
// `[workspace.metadata.rust-consolidate]`, or `[package.metadata.rust-consolidate]`
// in a root that is a single package. Keys are kebab-case, as cargo's own
// are. The CLI and the server read them the same way; a flag or an editor
// setting given by the user wins.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { getStaticTOMLValue, parseTOML } from 'toml-eslint-parser';
import type { AST } from 'toml-eslint-parser';
import { FINDING_CODES } from './model';
import type { AllowEntry, AnalysisOptions, FindingCode, Range, Severity } from './model';
import { UNSUPPRESSIBLE } from './suppressions';

export const TOOL_KEY = 'rust-consolidate';

/** A key or value of the shared settings that cannot be used, where it is written. */
export interface SettingsProblem {
  message: string;
  range: Range;
}

export interface SharedSettings {
  /** The Cargo.toml the settings were read from. */
  file: string;
  /** Only the settings written there. */
  options: Partial<AnalysisOptions>;
  problems: SettingsProblem[];
}

export const SEVERITIES = ['error', 'warning', 'information', 'hint', 'off'];

type Reader = (value: unknown, at: (path: (string | number)[]) => Range) => { value?: unknown; problem?: string; at?: (string | number)[] };

const strings =
  (what: string): Reader =>
  (v) =>
    Array.isArray(v) && v.every((x) => typeof x === 'string') ? { value: v } : { problem: `must be an array of strings (${what})` };
const wholeNumber: Reader = (v) =>
  typeof v === 'number' && Number.isInteger(v) && v >= 1 ? { value: v } : { problem: 'must be a whole number above 0' };
const flag: Reader = (v) => (typeof v === 'boolean' ? { value: v } : { problem: 'must be true or false' });

/** Each key: the option it sets and how its value is read. */
const KEYS: Record<string, { option: keyof AnalysisOptions; read: Reader }> = {
  'authoritative-crates': { option: 'authoritativeCrates', read: strings('package or library names') },
  exclude: { option: 'exclude', read: strings('globs') },
  severity: {
    option: 'severity',
    read: (v) => {
      if (!isTable(v)) return { problem: `must be a table of codes, e.g. { duplicate-file = "error" }` };
      for (const [code, level] of Object.entries(v)) {
        if (!(FINDING_CODES as readonly string[]).includes(code)) return { problem: `has an unknown code \`${code}\``, at: [code] };
        if (typeof level !== 'string' || !SEVERITIES.includes(level)) return { problem: `of ${code} must be one of ${SEVERITIES.join(', ')}`, at: [code] };
      }
      return { value: v as Record<FindingCode, Severity | 'off'> };
    },
  },
  'minimum-tokens': { option: 'minimumTokens', read: wholeNumber },
  'near-miss': { option: 'nearMiss', read: flag },
  'similarity-threshold': {
    option: 'similarityThreshold',
    read: (v) => (typeof v === 'number' && v > 0 && v <= 1 ? { value: v } : { problem: 'must be a number above 0, at most 1' }),
  },
  'minimum-item-lines': { option: 'minimumItemLines', read: wholeNumber },
  'minimum-item-tokens': { option: 'minimumItemTokens', read: wholeNumber },
  'include-tests': { option: 'includeTests', read: flag },
  'include-generated': { option: 'includeGenerated', read: flag },
  'ignore-paths': { option: 'ignorePaths', read: strings('globs') },
  'ignore-pairs': {
    option: 'ignorePairs',
    read: (v) =>
      Array.isArray(v) && v.every((p) => Array.isArray(p) && p.length === 2 && p.every((x) => typeof x === 'string'))
        ? { value: v }
        : { problem: 'must be an array of pairs of globs, e.g. [["a/**", "b/**"]]' },
  },
  'plan-files': { option: 'planFiles', read: strings('globs') },
  'max-file-bytes': { option: 'maxFileBytes', read: wholeNumber },
  'version-groups': { option: 'versionGroups', read: strings('globs over crate folders, or package names') },
};

/** The shared settings of a workspace folder: its Cargo.toml, if it has one. */
export function readSharedSettings(folder: string): SharedSettings | undefined {
  const file = path.join(folder, 'Cargo.toml');
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  return parseSharedSettings(file, text);
}

/**
 * The settings written in one root manifest. A manifest that does not parse
 * has none here: its `manifest-error` says why.
 */
export function parseSharedSettings(file: string, text: string): SharedSettings {
  const result: SharedSettings = { file, options: {}, problems: [] };
  let ast: AST.TOMLProgram;
  let value: Record<string, unknown>;
  try {
    ast = parseTOML(text);
    value = getStaticTOMLValue(ast) as Record<string, unknown>;
  } catch {
    return result;
  }
  const positions = keyPositions(ast);
  const rangeOf = (p: (string | number)[]) => positions.get(JSON.stringify(p)) ?? { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
  const workspace = isTable(value['workspace']) ? value['workspace'] : undefined;
  const pkg = isTable(value['package']) ? value['package'] : undefined;
  const inWorkspace = isTable(workspace?.['metadata']) ? (workspace!['metadata'] as Record<string, unknown>)[TOOL_KEY] : undefined;
  const inPackage = isTable(pkg?.['metadata']) ? (pkg!['metadata'] as Record<string, unknown>)[TOOL_KEY] : undefined;
  let prefix: string[];
  let table: unknown;
  if (workspace) {
    prefix = ['workspace', 'metadata', TOOL_KEY];
    table = inWorkspace;
    if (inPackage !== undefined) {
      result.problems.push({
        message: `[package.metadata.${TOOL_KEY}] is not read in a workspace root: move these settings to [workspace.metadata.${TOOL_KEY}]`,
        range: rangeOf(['package', 'metadata', TOOL_KEY]),
      });
    }
  } else {
    prefix = ['package', 'metadata', TOOL_KEY];
    table = inPackage;
  }
  if (table === undefined) return result;
  if (!isTable(table)) {
    result.problems.push({ message: `${prefix.join('.')} must be a table of settings`, range: rangeOf(prefix) });
    return result;
  }
  for (const [key, v] of Object.entries(table)) {
    const at = (...rest: (string | number)[]) => rangeOf([...prefix, key, ...rest]);
    if (key === 'allow') {
      result.options.allow = readAllowList(v, path.dirname(file), file, at, result.problems);
      continue;
    }
    const known = KEYS[key];
    if (!known) {
      const kebab = key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`).replace(/_/g, '-');
      const hint = kebab !== key && (KEYS[kebab] || kebab === 'allow') ? `; did you mean \`${kebab}\`?` : `; known keys: ${[...Object.keys(KEYS), 'allow'].join(', ')}`;
      result.problems.push({ message: `Unknown setting \`${key}\` in [${prefix.join('.')}]${hint}`, range: at() });
      continue;
    }
    const read = known.read(v, (p) => at(...p));
    if (read.problem !== undefined) {
      result.problems.push({ message: `\`${key}\` ${read.problem}; the setting is ignored`, range: at(...(read.at ?? [])) });
      continue;
    }
    (result.options as Record<string, unknown>)[known.option] = read.value;
  }
  return result;
}

/** Where a manifest writes a settings table of this tool, if it does. */
export function sharedSettingsTable(text: string): { table: string; range: Range } | undefined {
  let ast: AST.TOMLProgram;
  try {
    ast = parseTOML(text);
  } catch {
    return undefined;
  }
  const positions = keyPositions(ast);
  for (const prefix of [['workspace', 'metadata', TOOL_KEY], ['package', 'metadata', TOOL_KEY]]) {
    const range = positions.get(JSON.stringify(prefix));
    if (range) return { table: prefix.join('.'), range };
  }
  return undefined;
}

function readAllowList(
  v: unknown,
  base: string,
  file: string,
  at: (...rest: (string | number)[]) => Range,
  problems: SettingsProblem[],
): AllowEntry[] {
  if (!Array.isArray(v)) {
    problems.push({ message: '`allow` must be an array of tables { code, path, reason }', range: at() });
    return [];
  }
  const entries: AllowEntry[] = [];
  v.forEach((entry, i) => {
    if (!isTable(entry)) {
      problems.push({ message: 'each `allow` entry must be a table { code, path, reason }', range: at(i) });
      return;
    }
    const { code, path: glob, reason, ...rest } = entry;
    for (const key of Object.keys(rest)) problems.push({ message: `Unknown key \`${key}\` in an \`allow\` entry (code, path, reason)`, range: at(i, key) });
    if (typeof code !== 'string' || !(FINDING_CODES as readonly string[]).includes(code) || UNSUPPRESSIBLE.has(code as FindingCode)) {
      problems.push({
        message:
          typeof code === 'string' && UNSUPPRESSIBLE.has(code as FindingCode)
            ? `\`${code}\` cannot be allowed: fix what it reports instead`
            : `an \`allow\` entry needs \`code\`, one of the finding codes (${FINDING_CODES.filter((c) => !UNSUPPRESSIBLE.has(c)).join(', ')})`,
        range: at(i, ...(code === undefined ? [] : ['code'])),
      });
      return;
    }
    if (typeof glob !== 'string' || glob === '') {
      problems.push({ message: 'an `allow` entry needs `path`, a glob of the files it covers, relative to this Cargo.toml', range: at(i) });
      return;
    }
    if (typeof reason !== 'string' || reason.trim() === '') {
      problems.push({ message: 'an `allow` entry needs `reason`: why the team keeps this finding', range: at(i) });
      return;
    }
    entries.push({ code: code as FindingCode, path: glob, reason: reason.trim(), base, written: { file, range: at(i) } });
  });
  return entries;
}

/**
 * The options a run uses: the defaults, then each folder's shared settings
 * (the first folder's win), then what the user gave (flags, editor settings).
 * Severities merge code by code; `allow` lists add up.
 */
export function mergeOptions(defaults: AnalysisOptions, shared: Partial<AnalysisOptions>[], user: Partial<AnalysisOptions>): AnalysisOptions {
  const merged: AnalysisOptions = { ...defaults, severity: { ...defaults.severity }, allow: [...defaults.allow] };
  for (const layer of [...shared].reverse()) {
    const { severity, allow, ...rest } = layer;
    Object.assign(merged, rest);
    if (severity) Object.assign(merged.severity, severity);
  }
  merged.allow = [...defaults.allow, ...shared.flatMap((s) => s.allow ?? [])];
  const { severity, allow, ...rest } = user;
  Object.assign(merged, definedOnly(rest));
  if (severity) Object.assign(merged.severity, severity);
  if (allow) merged.allow.push(...allow);
  return merged;
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function isTable(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Every key path the document writes (tables, dotted keys, inline tables, array elements), to the range of its key. */
function keyPositions(ast: AST.TOMLProgram): Map<string, Range> {
  const positions = new Map<string, Range>();
  const set = (p: (string | number)[], node: { loc: AST.SourceLocation }) => {
    const id = JSON.stringify(p);
    if (!positions.has(id)) positions.set(id, rangeOf(node));
  };
  const visitValue = (base: (string | number)[], node: AST.TOMLContentNode) => {
    if (node.type === 'TOMLInlineTable') visitKeyValues(base, node.body);
    else if (node.type === 'TOMLArray') {
      node.elements.forEach((element, i) => {
        set([...base, i], element);
        visitValue([...base, i], element);
      });
    }
  };
  const visitKeyValues = (base: (string | number)[], body: AST.TOMLKeyValue[]) => {
    for (const kv of body) {
      const names = kv.key.keys.map((k) => (k.type === 'TOMLBare' ? k.name : k.value));
      names.forEach((_, i) => set([...base, ...names.slice(0, i + 1)], kv.key.keys[i]));
      visitValue([...base, ...names], kv.value);
    }
  };
  for (const item of ast.body[0].body) {
    if (item.type === 'TOMLKeyValue') visitKeyValues([], [item]);
    else {
      const resolved = item.resolvedKey;
      // `[[x.allow]]` resolves to x.allow.<n>: the element's own path is the header.
      const header = item.kind === 'array' ? resolved.slice(0, -1) : resolved;
      const keys = item.key.keys;
      keys.forEach((k, i) => set(header.slice(0, header.length - keys.length + i + 1), k));
      set(resolved, item.key);
      visitKeyValues(resolved, item.body);
    }
  }
  return positions;
}

function rangeOf(node: { loc: AST.SourceLocation }): Range {
  return {
    start: { line: node.loc.start.line - 1, character: node.loc.start.column },
    end: { line: node.loc.end.line - 1, character: node.loc.end.column },
  };
}
