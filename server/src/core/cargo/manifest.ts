// Cargo manifests read with exact positions. toml-eslint-parser gives every
// key and table its source range (unlike @iarna/toml), so a diagnostic can sit
// on the dependency's key and a fix can delete exactly its entry.
import type { AST } from 'toml-eslint-parser';
import type { Range } from '../model';
import { parseToml, tomlValue } from './toml';
import type { TomlNodes, TomlTable } from './toml';

export type DependencyKind = 'normal' | 'dev' | 'build';
export type DependencySource = 'path' | 'registry' | 'git' | 'workspace';

export interface DependencyEntry {
  /** The key as written: the name the crate uses, which differs from `package` when renamed. */
  name: string;
  /** The package depended on (`package = "..."`, else the key). */
  package: string;
  kind: DependencyKind;
  /** `cfg(...)` or a target triple, for `[target.<x>.dependencies]`. */
  target?: string;
  /** Where the dependency comes from, as written in this manifest. */
  source: DependencySource;
  path?: string;
  version?: string;
  git?: string;
  optional: boolean;
  /** `features = [...]` as written on the entry (a workspace-inherited entry adds them to the workspace's). */
  features: string[];
  /** In `[workspace.dependencies]`: the workspace's declaration, not a dependency of a package. */
  declaredForWorkspace: boolean;
  /** The dependency's key, where diagnostics go. */
  keyRange: Range;
  /** The whole entry: a `key = value` line or a `[dependencies.x]` table with its body. */
  entryRange: Range;
  /** Same as entryRange, in UTF-16 offsets into the text. */
  entryOffsets: [number, number];
  /** More lines of the same entry written as dotted keys (`x.features = [...]` after `x.version = ...`). */
  moreRanges: Range[];
  /** Written as a table of its own (`[dependencies.x]`), as cargo-normalised manifests do. */
  ownTable: boolean;
}

export interface TargetSpec {
  name?: string;
  path?: string;
}

export interface PackageSpec {
  name: string;
  nameRange: Range;
  lib?: TargetSpec;
  bins: TargetSpec[];
  examples: TargetSpec[];
  tests: TargetSpec[];
  benches: TargetSpec[];
  /** `package.build`: a path, or false to disable build.rs discovery. */
  build?: string | false;
  autobins: boolean;
  autoexamples: boolean;
  autotests: boolean;
  autobenches: boolean;
  /** `package.workspace`: the path to this package's workspace root, when not the nearest. */
  workspace?: string;
  /** `package.edition` as written; 'workspace' when inherited; undefined (edition 2015) when absent. */
  edition?: string;
  /** `[lib] crate-type`, e.g. ['cdylib']; empty when not set (an rlib). */
  libCrateTypes: string[];
  /** `[lib] proc-macro = true`. */
  procMacro: boolean;
}

export interface WorkspaceSpec {
  members: string[];
  exclude: string[];
  /** `[workspace.package] edition`, for members that inherit it. */
  edition?: string;
}

export interface ManifestTable {
  key: string[];
  array: boolean;
  range: Range;
  offsets: [number, number];
}

export interface ManifestError {
  message: string;
  range: Range;
}

export interface Manifest {
  /** Absolute path of the Cargo.toml. */
  file: string;
  text: string;
  package?: PackageSpec;
  workspace?: WorkspaceSpec;
  dependencies: DependencyEntry[];
  /** `[patch.<registry>]` entries that point a package at a local path: package name to path. */
  patches: Map<string, string>;
  /** Every `[table]` and `[[array]]` header, in order, with the range of the table and its body. */
  tables: ManifestTable[];
  /** Written by cargo when packaging (`cargo package`, `cargo vendor`), not by a person. */
  normalised: boolean;
  error?: ManifestError;
}

const NORMALISED_HEADER = /^# THIS FILE IS AUTOMATICALLY (@generated|GENERATED) BY CARGO/m;

const DEPENDENCY_TABLES: Record<string, DependencyKind> = {
  dependencies: 'normal',
  'dev-dependencies': 'dev',
  dev_dependencies: 'dev',
  'build-dependencies': 'build',
  build_dependencies: 'build',
};

export function parseManifest(file: string, text: string): Manifest {
  const manifest: Manifest = {
    file,
    text,
    dependencies: [],
    tables: [],
    patches: new Map(),
    normalised: NORMALISED_HEADER.test(text.slice(0, 2000)),
  };
  let ast: AST.TOMLProgram;
  try {
    ast = parseToml(text);
  } catch (e) {
    manifest.error = errorOf(e, text);
    return manifest;
  }
  const { value, nodes } = tomlValue(ast);
  const invalid = shapeError(value, nodes, ast);
  if (invalid) {
    // Valid TOML that cargo rejects as a manifest: reported in cargo's words, at the value.
    manifest.error = invalid;
    return manifest;
  }
  const keys = indexKeys(ast);
  for (const item of ast.body[0].body) {
    if (item.type !== 'TOMLTable') continue;
    manifest.tables.push({
      key: item.resolvedKey.map(String),
      array: item.kind === 'array',
      range: rangeOf(item),
      offsets: [item.range[0], item.range[1]],
    });
  }
  try {
    readPackage(manifest, value, keys);
    readWorkspace(manifest, value);
    readDependencies(manifest, value, keys);
    readPatches(manifest, value);
  } catch (e) {
    // A manifest that is valid TOML but not a valid Cargo manifest (a string
    // where a table belongs, say): report it like a syntax error.
    manifest.error = { message: `invalid manifest: ${(e as Error).message}`, range: rangeAt(text, 0, 0) };
  }
  return manifest;
}

// ---------------------------------------------------------------------------
// Positions of keys: every dotted key path that the document defines, mapped
// to the node that first defines it, whether by a table header
// (`[dependencies.x]`), a key-value (`x = ...` inside `[dependencies]`) or a
// dotted key (`dependencies.x.path = ...`).

interface KeyNode {
  key: AST.TOMLBare | AST.TOMLQuoted;
  /** The node whose range is the whole entry for this path. */
  entry: AST.TOMLTable | AST.TOMLKeyValue;
  ownTable: boolean;
  /** Later dotted keys that add to the same entry (`x.version = ...` then `x.features = ...`). */
  more: AST.TOMLKeyValue[];
}

type KeyIndex = Map<string, KeyNode>;

/**
 * The deepest key path whose position is ever asked for
 * (`target.<cfg>.dependencies.<name>`). Deeper prefixes are not indexed, so a
 * dotted key of thousands of parts costs linear, not quadratic, memory.
 */
const KEY_DEPTH = 4;

const pathId = (path: readonly (string | number)[]): string => JSON.stringify(path);

function indexKeys(ast: AST.TOMLProgram): KeyIndex {
  const index: KeyIndex = new Map();
  const top = ast.body[0];
  const visitKeyValues = (base: (string | number)[], body: AST.TOMLKeyValue[]) => {
    for (const kv of body) {
      const names = kv.key.keys.map(keyName);
      for (let i = 0; i < names.length && base.length + i < KEY_DEPTH; i++) {
        const path = [...base, ...names.slice(0, i + 1)];
        const id = pathId(path);
        const known = index.get(id);
        if (!known) index.set(id, { key: kv.key.keys[i], entry: kv, ownTable: false, more: [] });
        else if (known.entry !== kv && i < names.length - 1 && !known.more.includes(kv)) known.more.push(kv);
      }
    }
  };
  for (const item of top.body) {
    if (item.type === 'TOMLKeyValue') {
      visitKeyValues([], [item]);
    } else {
      const resolved = item.resolvedKey;
      const keyNodes = item.key.keys;
      // A table header names its whole path; each of its last keys maps to it.
      for (let i = 0; i < keyNodes.length && resolved.length - keyNodes.length + i < KEY_DEPTH; i++) {
        const path = resolved.slice(0, resolved.length - keyNodes.length + i + 1);
        const id = pathId(path);
        if (!index.has(id)) index.set(id, { key: keyNodes[i], entry: item, ownTable: i === keyNodes.length - 1, more: [] });
      }
      if (resolved.length < KEY_DEPTH) visitKeyValues(resolved, item.body);
    }
  }
  return index;
}

function keyName(node: AST.TOMLBare | AST.TOMLQuoted): string {
  return node.type === 'TOMLBare' ? node.name : node.value;
}

// ---------------------------------------------------------------------------

function readPackage(manifest: Manifest, value: TomlTable, keys: KeyIndex): void {
  const pkg = asTable(value['package']) ?? asTable(value['project']);
  if (!pkg) return;
  const name = typeof pkg['name'] === 'string' ? pkg['name'] : undefined;
  if (!name) return;
  const nameNode = keys.get(pathId([value['package'] ? 'package' : 'project', 'name']));
  const target = (v: unknown): TargetSpec => {
    const t = asTable(v) ?? {};
    return {
      name: typeof t['name'] === 'string' ? t['name'] : undefined,
      path: typeof t['path'] === 'string' ? t['path'] : undefined,
    };
  };
  const targets = (v: unknown): TargetSpec[] => (Array.isArray(v) ? v.map(target) : []);
  const flag = (k: string) => pkg[k] !== false;
  manifest.package = {
    name,
    nameRange: nameNode ? rangeOf(nameNode.key) : rangeAt(manifest.text, 0, 0),
    lib: value['lib'] !== undefined ? target(value['lib']) : undefined,
    bins: targets(value['bin']),
    examples: targets(value['example']),
    tests: targets(value['test']),
    benches: targets(value['bench']),
    build: typeof pkg['build'] === 'string' ? pkg['build'] : pkg['build'] === false ? false : undefined,
    autobins: flag('autobins'),
    autoexamples: flag('autoexamples'),
    autotests: flag('autotests'),
    autobenches: flag('autobenches'),
    workspace: typeof pkg['workspace'] === 'string' ? pkg['workspace'] : undefined,
    edition: typeof pkg['edition'] === 'string' ? pkg['edition'] : asTable(pkg['edition'])?.['workspace'] === true ? 'workspace' : undefined,
    libCrateTypes: Array.isArray(asTable(value['lib'])?.['crate-type'])
      ? (asTable(value['lib'])!['crate-type'] as unknown[]).filter((t): t is string => typeof t === 'string')
      : [],
    procMacro: asTable(value['lib'])?.['proc-macro'] === true || asTable(value['lib'])?.['proc_macro'] === true,
  };
}

function readWorkspace(manifest: Manifest, value: Record<string, unknown>): void {
  const ws = asTable(value['workspace']);
  if (!ws) return;
  const strings = (v: unknown) => (Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : []);
  const inherited = asTable(ws['package'])?.['edition'];
  manifest.workspace = { members: strings(ws['members']), exclude: strings(ws['exclude']) };
  if (typeof inherited === 'string') manifest.workspace.edition = inherited;
}

function readDependencies(manifest: Manifest, value: Record<string, unknown>, keys: KeyIndex): void {
  const read = (prefix: string[], table: unknown, kind: DependencyKind, extra: Partial<DependencyEntry>) => {
    const deps = asTable(table);
    if (!deps) return;
    for (const [name, spec] of Object.entries(deps)) {
      const node = keys.get(pathId([...prefix, name]));
      if (!node) continue;
      manifest.dependencies.push({
        ...describeSpec(name, spec),
        kind,
        declaredForWorkspace: false,
        keyRange: rangeOf(node.key),
        entryRange: rangeOf(node.entry),
        entryOffsets: [node.entry.range[0], node.entry.range[1]],
        moreRanges: node.more.map(rangeOf),
        ownTable: node.ownTable,
        ...extra,
      });
    }
  };
  for (const [table, kind] of Object.entries(DEPENDENCY_TABLES)) {
    read([table], value[table], kind, {});
  }
  const targets = asTable(value['target']);
  for (const [target, spec] of Object.entries(targets ?? {})) {
    const tables = asTable(spec);
    for (const [table, kind] of Object.entries(DEPENDENCY_TABLES)) {
      read(['target', target, table], tables?.[table], kind, { target });
    }
  }
  const ws = asTable(value['workspace']);
  read(['workspace', 'dependencies'], ws?.['dependencies'], 'normal', { declaredForWorkspace: true });
}

function readPatches(manifest: Manifest, value: Record<string, unknown>): void {
  const patch = asTable(value['patch']);
  for (const registry of Object.values(patch ?? {})) {
    for (const [name, spec] of Object.entries(asTable(registry) ?? {})) {
      const described = describeSpec(name, spec);
      if (described.path !== undefined) manifest.patches.set(described.package, described.path);
    }
  }
}

type SpecFields = Pick<DependencyEntry, 'name' | 'package' | 'source' | 'path' | 'version' | 'git' | 'optional' | 'features'>;

function describeSpec(name: string, spec: unknown): SpecFields {
  if (typeof spec === 'string') {
    return { name, package: name, source: 'registry', version: spec, optional: false, features: [] };
  }
  const t = asTable(spec) ?? {};
  const str = (k: string) => (typeof t[k] === 'string' ? (t[k] as string) : undefined);
  // A path wins over a version for local builds (the version is for publishing).
  const source: DependencySource =
    t['workspace'] === true ? 'workspace' : str('path') !== undefined ? 'path' : str('git') !== undefined ? 'git' : 'registry';
  return {
    name,
    package: str('package') ?? name,
    source,
    path: str('path'),
    version: str('version'),
    git: str('git'),
    optional: t['optional'] === true,
    features: Array.isArray(t['features']) ? t['features'].filter((f): f is string => typeof f === 'string') : [],
  };
}

function asTable(v: unknown): Record<string, unknown> | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

// toml-eslint-parser lines are 1-based, columns 0-based UTF-16: LSP wants both 0-based.
function rangeOf(node: { loc: AST.SourceLocation }): Range {
  return {
    start: { line: node.loc.start.line - 1, character: node.loc.start.column },
    end: { line: node.loc.end.line - 1, character: node.loc.end.column },
  };
}

function rangeAt(text: string, line: number, character: number): Range {
  const lineText = text.split('\n')[line] ?? '';
  return { start: { line, character }, end: { line, character: Math.max(character, lineText.replace(/\r$/, '').length) } };
}

function errorOf(e: unknown, text: string): ManifestError {
  const err = e as { message?: string; lineNumber?: number; column?: number };
  const message = err.message ?? String(e);
  if (typeof err.lineNumber === 'number') {
    const line = Math.max(0, err.lineNumber - 1);
    const character = Math.max(0, err.column ?? 0);
    return { message, range: { start: { line, character }, end: { line, character: character + 1 } } };
  }
  return { message, range: rangeAt(text, 0, 0) };
}

// ---------------------------------------------------------------------------
// What cargo rejects in a manifest that is valid TOML, worded as cargo 1.95
// words it (`invalid type: integer `42`, expected a string`), at the value.
// Only the parts this tool reads are checked; cargo reports the first error.

class ShapeError extends Error {
  constructor(
    message: string,
    readonly node: AST.TOMLNode | undefined,
  ) {
    super(message);
  }
}

const DEPENDENCY_EXPECTED = 'a version string like "0.9.8" or a detailed dependency like { version = "0.9.8" }';

function shapeError(value: TomlTable, nodes: TomlNodes, ast: AST.TOMLProgram): ManifestError | undefined {
  const nodeOf = (container: object, key: string) => nodes.get(container)?.get(key);
  const describe = (v: unknown): string => {
    if (typeof v === 'string') return `string ${JSON.stringify(v)}`;
    if (typeof v === 'boolean') return `boolean \`${v}\``;
    if (typeof v === 'bigint' || (typeof v === 'number' && Number.isInteger(v))) return `integer \`${v}\``;
    if (typeof v === 'number') return `floating point \`${v}\``;
    if (Array.isArray(v)) return 'sequence';
    if (v instanceof Date) return 'datetime';
    return 'map';
  };
  const fail = (container: object, key: string, expected: string): never => {
    throw new ShapeError(`invalid type: ${describe(container[key as keyof typeof container])}, expected ${expected}`, nodeOf(container, key));
  };
  const isMap = (v: unknown) => v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date);
  const map = (t: TomlTable, key: string, expected = 'a map'): TomlTable | undefined => {
    if (t[key] === undefined) return undefined;
    if (!isMap(t[key])) fail(t, key, expected);
    return t[key] as TomlTable;
  };
  const string = (t: TomlTable, key: string) => {
    if (t[key] !== undefined && typeof t[key] !== 'string') fail(t, key, 'a string');
  };
  const strings = (t: TomlTable, key: string) => {
    if (t[key] === undefined) return;
    if (!Array.isArray(t[key])) fail(t, key, 'a sequence');
    const list = t[key] as unknown[];
    list.forEach((_, i) => typeof list[i] !== 'string' && fail(list as unknown as TomlTable, String(i), 'a string'));
  };
  const dependencies = (t: TomlTable) => {
    for (const name of Object.keys(t)) {
      const spec = t[name];
      if (typeof spec === 'string') continue;
      if (!isMap(spec)) fail(t, name, DEPENDENCY_EXPECTED);
      const detail = spec as TomlTable;
      for (const k of ['path', 'version', 'git', 'package', 'branch', 'tag', 'rev', 'registry']) string(detail, k);
      strings(detail, 'features');
      if (detail['optional'] !== undefined && typeof detail['optional'] !== 'boolean') fail(detail, 'optional', 'a boolean');
    }
  };
  const dependencyTables = (t: TomlTable) => {
    for (const table of Object.keys(DEPENDENCY_TABLES)) {
      const deps = map(t, table);
      if (deps) dependencies(deps);
    }
  };
  const target = (t: TomlTable) => {
    string(t, 'name');
    string(t, 'path');
  };
  try {
    const pkgKey = value['package'] !== undefined ? 'package' : value['project'] !== undefined ? 'project' : undefined;
    const pkg = pkgKey ? map(value, pkgKey, 'struct TomlPackage') : undefined;
    if (pkg && pkgKey) {
      if (pkg['name'] === undefined) throw new ShapeError(`missing field \`${pkgKey}.name\``, nodeOf(value, pkgKey));
      string(pkg, 'name');
      const name = pkg['name'] as string;
      if (name === '') throw new ShapeError('package name cannot be empty', nodeOf(pkg, 'name'));
      const bad = [...name].find((c) => !/[\p{XID_Continue}-]/u.test(c));
      if (bad !== undefined) {
        throw new ShapeError(
          `invalid character \`${printable(bad)}\` in package name: \`${printable(name)}\`, characters must be Unicode XID characters (numbers, \`-\`, \`_\`, or most letters)`,
          nodeOf(pkg, 'name'),
        );
      }
      string(pkg, 'workspace');
      if (pkg['build'] !== undefined && typeof pkg['build'] !== 'string' && typeof pkg['build'] !== 'boolean') fail(pkg, 'build', 'a boolean or a string');
    }
    const lib = map(value, 'lib');
    if (lib) target(lib);
    for (const kind of ['bin', 'example', 'test', 'bench']) {
      if (value[kind] === undefined) continue;
      if (!Array.isArray(value[kind])) fail(value, kind, 'a sequence');
      const list = value[kind] as unknown[];
      list.forEach((t, i) => (isMap(t) ? target(t as TomlTable) : fail(list as unknown as TomlTable, String(i), 'a map')));
    }
    dependencyTables(value);
    const targets = map(value, 'target');
    for (const cfg of Object.keys(targets ?? {})) {
      const platform = map(targets!, cfg);
      if (platform) dependencyTables(platform);
    }
    const ws = map(value, 'workspace');
    if (ws) {
      strings(ws, 'members');
      strings(ws, 'exclude');
      const deps = map(ws, 'dependencies');
      if (deps) dependencies(deps);
    }
    const patch = map(value, 'patch');
    for (const registry of Object.keys(patch ?? {})) {
      const patched = map(patch!, registry);
      if (patched) dependencies(patched);
    }
  } catch (e) {
    if (!(e instanceof ShapeError)) throw e;
    const node = e.node ?? ast;
    return { message: e.message, range: rangeOf(node.type === 'TOMLTable' ? node.key : node) };
  }
  return undefined;
}

/** Control characters written as escapes, so a name from a manifest cannot drive the terminal it is printed on. */
function printable(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\u{${c.charCodeAt(0).toString(16)}}`);
}
