// The workspace on disk: which manifests and sources there are, which crates
// they make, and how those crates depend on each other.
import * as fs from 'node:fs';
import * as path from 'node:path';
import picomatch from 'picomatch';
import type { DependencyEntry, DependencySource, Manifest } from './manifest';

/** Folders never indexed, whatever the settings say. */
const ALWAYS_SKIPPED = new Set(['target', '.git', 'node_modules']);
/** Files cargo leaves beside a packaged or vendored crate. */
const VENDOR_MARKERS = ['.cargo_vcs_info.json', '.cargo-checksum.json'];

export interface DiscoveredFiles {
  manifests: string[];
  sources: string[];
  /** Directories holding a vendored-crate marker file. */
  vendoredDirs: Set<string>;
  /** Entries whose names are not valid UTF-8, left out: shown with escapes, for the log. */
  unreadableNames: string[];
}

/** Walks a workspace folder for Cargo.toml and .rs files, skipping build output and excluded globs. */
export function discoverFiles(root: string, exclude: string[]): DiscoveredFiles {
  // picomatch throws on an empty pattern; an empty glob names nothing anyway.
  const globs = exclude.filter((g) => g !== '');
  const excluded = globs.length > 0 ? picomatch(globs, { dot: true }) : undefined;
  const found: DiscoveredFiles = { manifests: [], sources: [], vendoredDirs: new Set(), unreadableNames: [] };
  // `relative`: the folder's path from the root with `/`, built as the walk descends, for the exclude globs.
  const walk = (dir: string, relative: string) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return; // unreadable folder: skip it, as cargo would fail on it anyway
    }
    // `dir` is absolute and normalised, and an entry's name has no separator: joined by hand, as path.join
    // would, for the folders and the files kept only (rust-src has 40,000 entries).
    const prefix = dir.endsWith(path.sep) ? dir : dir + path.sep;
    for (const entry of entries) {
      // Node decodes names as UTF-8: a name that is not valid UTF-8 comes back
      // with U+FFFD and names no file on disk. Cargo cannot build such a path
      // either (its paths are UTF-8); say so rather than skip it silently.
      if (entry.name.includes('\uFFFD') && !rawNameExists(dir, entry.name)) {
        found.unreadableNames.push(path.join(dir, entry.name.replace(/\uFFFD/g, '\\x??')));
        continue;
      }
      if (excluded?.(relative + entry.name)) continue;
      if (entry.isDirectory()) {
        if (!ALWAYS_SKIPPED.has(entry.name)) walk(prefix + entry.name, `${relative}${entry.name}/`);
      } else if (entry.isFile()) {
        if (entry.name === 'Cargo.toml') found.manifests.push(prefix + entry.name);
        else if (entry.name.endsWith('.rs')) found.sources.push(prefix + entry.name);
        else if (VENDOR_MARKERS.includes(entry.name)) found.vendoredDirs.add(dir);
      }
    }
  };
  walk(path.normalize(root), '');
  return found;
}

/** Whether a name as Node decoded it still reaches the entry (a real U+FFFD in a valid name does). */
function rawNameExists(dir: string, name: string): boolean {
  try {
    fs.lstatSync(path.join(dir, name));
    return true;
  } catch {
    return false;
  }
}

export type TargetKind = 'lib' | 'bin' | 'example' | 'test' | 'bench' | 'build';

export interface Target {
  kind: TargetKind;
  /** Absolute path of the crate root file. */
  root: string;
}

export interface Crate {
  /** The package name. */
  name: string;
  /** The library name: `[lib] name`, or the package name with `-` as `_`. */
  libName: string;
  manifest: string;
  dir: string;
  targets: Target[];
  /** Packaged or vendored by cargo rather than written here. */
  vendored: boolean;
}

export interface Dependency {
  from: Crate;
  entry: DependencyEntry;
  /** The source after `workspace = true` is resolved against the workspace root. */
  source: DependencySource;
  /** Absolute directory of a path dependency. */
  path?: string;
  /** The local crate a path dependency resolves to. */
  to?: Crate;
}

/** Package names compare as crates.io does: `-` and `_` are the same. */
export const packageKey = (name: string): string => name.replace(/-/g, '_');

export class CrateGraph {
  readonly crates: Crate[] = [];
  readonly dependencies: Dependency[] = [];
  private readonly byDir = new Map<string, Crate>();
  private readonly byPackage = new Map<string, Crate[]>();
  private readonly dependents = new Map<Crate, Set<Crate>>();
  /** Package names that some `[patch]` table points at a local path, with that path. */
  private readonly patched = new Map<string, string>();
  /** Folders of crates left out by a workspace's `exclude`. */
  readonly excludedDirs: string[] = [];
  /** Every folder with a manifest: cargo never counts one as part of an enclosing package. */
  private readonly manifestDirs = new Set<string>();
  private readonly crateByFolder = new Map<string, Crate | undefined>();
  private readonly crateByFile = new Map<string, Crate | undefined>();
  /** Every path a target could have, present or not, and the folders whose files cargo makes targets. */
  private readonly targetCandidates: TargetCandidates = { roots: new Set(), folders: new Set() };

  constructor(manifests: Iterable<Manifest>, sources: SourceFolders, vendoredDirs: ReadonlySet<string>) {
    const every = [...manifests];
    for (const m of every) this.manifestDirs.add(path.dirname(m.file));
    const all = every.filter((m) => !m.error);
    const excluded = workspaceExclusions(all);
    for (const manifest of all) {
      const dir = path.dirname(manifest.file);
      if (!manifest.package) continue;
      if (excluded(dir)) {
        this.excludedDirs.push(dir);
        continue;
      }
      const crate: Crate = {
        name: manifest.package.name,
        libName: manifest.package.lib?.name ?? packageKey(manifest.package.name),
        manifest: manifest.file,
        dir,
        targets: discoverTargets(manifest, sources, this.targetCandidates),
        vendored: manifest.normalised || vendoredDirs.has(dir),
      };
      this.crates.push(crate);
      this.byDir.set(dir, crate);
      const key = packageKey(crate.name);
      this.byPackage.set(key, [...(this.byPackage.get(key) ?? []), crate]);
    }
    this.crates.sort((a, b) => a.name.localeCompare(b.name) || a.dir.localeCompare(b.dir));
    for (const manifest of all) {
      for (const [name, at] of manifest.patches) this.patched.set(packageKey(name), path.resolve(path.dirname(manifest.file), at));
    }
    const byFile = new Map(all.map((m) => [m.file, m]));
    for (const crate of this.crates) {
      const manifest = byFile.get(crate.manifest)!;
      const root = workspaceRootOf(manifest, byFile);
      for (const entry of manifest.dependencies) {
        if (entry.declaredForWorkspace) continue;
        const dependency = this.resolve(crate, entry, root);
        this.dependencies.push(dependency);
        if (dependency.to && dependency.to !== crate) {
          if (!this.dependents.has(dependency.to)) this.dependents.set(dependency.to, new Set());
          this.dependents.get(dependency.to)!.add(crate);
        }
      }
    }
  }

  /**
   * Whether a file created at this path could be a target of some crate: if not, the graph built with it
   * is this one. A superset of discoverTargets' answer: every path it asked about, and every folder it listed.
   */
  mayBeTarget(file: string): boolean {
    const { roots, folders } = this.targetCandidates;
    const folder = path.dirname(file);
    return roots.has(file) || folders.has(folder) || (path.basename(file) === 'main.rs' && folders.has(path.dirname(folder)));
  }

  crateAt(dir: string): Crate | undefined {
    return this.byDir.get(dir);
  }

  /** The crate a file belongs to: the one whose directory is its nearest ancestor. */
  crateOf(file: string): Crate | undefined {
    // Asked for every file many times over by the clone analyses; a graph is
    // never changed once built (a manifest change builds a new one), so the
    // answer per folder is kept.
    const known = this.crateByFile.get(file);
    if (known !== undefined || this.crateByFile.has(file)) return known;
    const folder = path.dirname(file);
    if (this.crateByFolder.has(folder)) {
      const crate = this.crateByFolder.get(folder);
      this.crateByFile.set(file, crate);
      return crate;
    }
    let found: Crate | undefined;
    for (let dir = folder; ; dir = path.dirname(dir)) {
      const crate = this.byDir.get(dir);
      if (crate) {
        found = crate;
        break;
      }
      if (this.manifestDirs.has(dir) || path.dirname(dir) === dir) break;
    }
    this.crateByFolder.set(folder, found);
    this.crateByFile.set(file, found);
    return found;
  }

  localPackages(name: string): Crate[] {
    return this.byPackage.get(packageKey(name)) ?? [];
  }

  isPatchedLocally(name: string): boolean {
    return this.patched.has(packageKey(name));
  }

  dependentsOf(crate: Crate): ReadonlySet<Crate> {
    return this.dependents.get(crate) ?? new Set();
  }

  private resolve(crate: Crate, entry: DependencyEntry, root: Manifest | undefined): Dependency {
    let source = entry.source;
    let relative = entry.path;
    let base = crate.dir;
    if (source === 'workspace') {
      const declared = root?.dependencies.find((d) => d.declaredForWorkspace && d.name === entry.name);
      if (declared) {
        source = declared.source;
        relative = declared.path;
        base = path.dirname(root!.file);
      }
    }
    const dependency: Dependency = { from: crate, entry, source };
    if (source === 'path' && relative !== undefined) {
      dependency.path = path.resolve(base, relative);
      dependency.to = this.byDir.get(dependency.path);
    } else if (this.patched.has(packageKey(entry.package))) {
      // [patch] builds this registry or git dependency from a local crate.
      dependency.path = this.patched.get(packageKey(entry.package));
      dependency.to = this.byDir.get(dependency.path!);
    }
    return dependency;
  }
}

/** The manifest whose `[workspace]` a package belongs to: `package.workspace`, else the nearest ancestor with one. */
export function workspaceRootOf(manifest: Manifest, byFile: ReadonlyMap<string, Manifest>): Manifest | undefined {
  if (manifest.package?.workspace !== undefined) {
    return byFile.get(path.resolve(path.dirname(manifest.file), manifest.package.workspace, 'Cargo.toml'));
  }
  for (let dir = path.dirname(manifest.file); ; dir = path.dirname(dir)) {
    const candidate = byFile.get(path.join(dir, 'Cargo.toml'));
    if (candidate?.workspace) return candidate;
    if (path.dirname(dir) === dir) return undefined;
  }
}

/**
 * A package is left out when its workspace root (the nearest manifest above it
 * with a `[workspace]`) excludes its folder, as cargo does: an `exclude` entry
 * is a path, not a glob, joined to the root and compared component by
 * component (`""` and `"."` exclude the whole tree, `"/"` every path, `"*"`
 * only a folder named `*`), and a package under an explicit `members` path
 * stays a member (cargo's `Workspace::is_excluded`). A folder that is
 * excluded but holds a workspace of its own (rust-lang/rust excludes
 * `library/stdarch` for that reason) keeps its packages. Packages that are
 * neither members nor excluded are kept: they may be path dependencies, and
 * the user opened the folder to see all of its code.
 */
function workspaceExclusions(manifests: Manifest[]): (dir: string) => boolean {
  const rules = new Map<string, (dir: string) => boolean>();
  for (const m of manifests) {
    if (!m.workspace) continue;
    const root = path.dirname(m.file);
    const excludes = m.workspace.exclude.map((p) => joinedComponents(root, p));
    const members = m.workspace.members.map((p) => joinedComponents(root, p));
    rules.set(root, (dir) => {
      const manifest = [...components(dir), 'Cargo.toml'];
      const under = (prefix: string[] | undefined) => prefix !== undefined && prefix.every((c, i) => manifest[i] === c);
      return excludes.some(under) && !members.some(under);
    });
  }
  return (dir) => {
    for (let root = dir; ; root = path.dirname(root)) {
      const excluded = rules.get(root);
      if (excluded) return excluded(dir);
      if (path.dirname(root) === root) return false;
    }
  };
}

/**
 * Rust's `root.join(p).components()`: an absolute `p` replaces the root,
 * `.` parts vanish, `..` stays a part of its own (so it matches no real
 * folder). Undefined for a member that is a glob: cargo compares the pattern
 * as written, which names no folder unless one is called `*`.
 */
function joinedComponents(root: string, relative: string): string[] {
  const joined = relative.startsWith('/') ? relative : `${root}/${relative}`;
  return components(joined);
}

function components(p: string): string[] {
  return p.split(/[\\/]+/).filter((c, i) => c !== '.' && (c !== '' || i === 0));
}

/** The paths discoverTargets asked about (present or not) and the folders it listed: see CrateGraph.mayBeTarget. */
interface TargetCandidates {
  roots: Set<string>;
  folders: Set<string>;
}

/** Cargo's target discovery: explicit targets from the manifest, then the conventional files. */
function discoverTargets(manifest: Manifest, sources: SourceFolders, candidates: TargetCandidates): Target[] {
  const pkg = manifest.package!;
  const dir = path.dirname(manifest.file);
  const targets: Target[] = [];
  const seen = new Set<string>();
  const add = (kind: TargetKind, relative: string | undefined) => {
    if (relative === undefined) return;
    const root = path.resolve(dir, relative);
    candidates.roots.add(root);
    if (!seen.has(root) && sources.has(root)) {
      seen.add(root);
      targets.push({ kind, root });
    }
  };
  add('lib', pkg.lib?.path ?? 'src/lib.rs');
  for (const bin of pkg.bins) add('bin', bin.path ?? (bin.name ? `src/bin/${bin.name}.rs` : undefined));
  for (const [kind, list] of [['example', pkg.examples], ['test', pkg.tests], ['bench', pkg.benches]] as const) {
    for (const t of list) add(kind, t.path ?? (t.name ? `${kind === 'example' ? 'examples' : kind + 's'}/${t.name}.rs` : undefined));
  }
  const auto = (kind: TargetKind, folder: string) => {
    candidates.folders.add(path.join(dir, folder));
    sources.targetsIn(path.join(dir, folder)).forEach((f) => add(kind, path.relative(dir, f)));
  };
  if (pkg.autobins) {
    add('bin', 'src/main.rs');
    auto('bin', 'src/bin');
  }
  if (pkg.autoexamples) auto('example', 'examples');
  if (pkg.autotests) auto('test', 'tests');
  if (pkg.autobenches) auto('bench', 'benches');
  if (pkg.build !== false) add('build', pkg.build ?? 'build.rs');
  return targets;
}

/** Sources grouped by folder, so target discovery needs no walk of its own. */
export class SourceFolders {
  readonly files = new Set<string>();
  private readonly direct = new Map<string, Set<string>>();
  /** `<folder>/<name>/main.rs`, by `<folder>`. */
  private readonly mains = new Map<string, Set<string>>();

  constructor(files: Iterable<string>) {
    for (const file of files) this.add(file);
  }

  add(file: string): void {
    this.files.add(file);
    const dir = path.dirname(file);
    push(this.direct, dir, file);
    if (path.basename(file) === 'main.rs') push(this.mains, path.dirname(dir), file);
  }

  delete(file: string): void {
    this.files.delete(file);
    this.direct.get(path.dirname(file))?.delete(file);
    this.mains.get(path.dirname(path.dirname(file)))?.delete(file);
  }

  has(file: string): boolean {
    return this.files.has(file);
  }

  /** `<folder>/*.rs` and `<folder>/*\/main.rs`, the files cargo turns into targets of their own. */
  targetsIn(folder: string): string[] {
    return [...(this.direct.get(folder) ?? []), ...(this.mains.get(folder) ?? [])].sort();
  }
}

function push<K, V>(map: Map<K, Set<V>>, key: K, value: V): void {
  const set = map.get(key);
  if (set) set.add(value);
  else map.set(key, new Set([value]));
}

/**
 * Why a path the editor announced must not be read, or undefined when it is
 * what the walk would read: a regular file reached from its workspace folder
 * through real folders. The walk follows no symbolic link and opens no FIFO,
 * socket or device (a FIFO blocks a read forever, `/dev/zero` never ends), so
 * every front reads the same files as `check`.
 */
export function unreadableReason(root: string, file: string): string | undefined {
  const parts = path.relative(root, file).split(path.sep);
  if (parts[0] === '..' || path.isAbsolute(parts[0])) return 'outside the workspace folder';
  let at = root;
  for (let i = 0; i < parts.length; i++) {
    at = path.join(at, parts[i]);
    let stat: fs.Stats;
    try {
      stat = fs.lstatSync(at);
    } catch {
      return 'missing';
    }
    if (stat.isSymbolicLink()) return `${i < parts.length - 1 ? 'inside a folder that is ' : ''}a symbolic link, which the walk does not follow`;
    const last = i === parts.length - 1;
    if (!last && !stat.isDirectory()) return 'missing';
    if (last && !stat.isFile()) return 'not a regular file (a FIFO, socket or device), which is never opened';
  }
  return undefined;
}
