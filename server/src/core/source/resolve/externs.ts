// What an extern crate name means in a crate: the dependency it comes from,
// followed through `package =` renames, `workspace = true` and `[patch]` down
// to one identity (a local crate's folder, or a package with its source,
// version requirement and git revision). Two crates that both say `regex`
// may mean different crates; a module shared between them must not.
import { getStaticTOMLValue, parseTOML } from 'toml-eslint-parser';
import type { Manifest } from '../../cargo/manifest';
import type { Crate, CrateGraph, Dependency } from '../../cargo/workspace';
import { packageKey, workspaceRootOf } from '../../cargo/workspace';

export interface ExternCrate {
  /** The dependency key the name comes from. */
  key: string;
  /** Equal for two dependencies that build the same crate. */
  identity: string;
  /** For messages: `the local crate util (util-1)`, `regex 1.5 from the registry`. */
  description: string;
}

export interface ExternContext {
  graph: CrateGraph;
  manifestOf(file: string): Manifest | undefined;
  allManifests(): ReadonlyMap<string, Manifest>;
}

/**
 * The dependency an extern crate name resolves to in `crate` (the Reference,
 * "Extern prelude": the names cargo passes with `--extern`, which are the
 * dependency keys with `-` read as `_`, or an unrenamed local dependency's
 * `[lib] name`). Build dependencies are left out: only build.rs sees them.
 */
export function externCrate(context: ExternContext, crate: Crate, name: string): ExternCrate | undefined {
  const candidates = context.graph.dependencies.filter(
    (d) =>
      d.from === crate &&
      d.entry.kind !== 'build' &&
      !d.entry.declaredForWorkspace &&
      (packageKey(d.entry.name) === name || (d.entry.name === d.entry.package && d.to?.libName === name)),
  );
  // A normal dependency wins over a dev-dependency of the same name: the library sees only it.
  const dependency = candidates.find((d) => d.entry.kind === 'normal') ?? candidates[0];
  return dependency && { key: dependency.entry.name, ...identityOf(context, dependency) };
}

function identityOf(context: ExternContext, dependency: Dependency): { identity: string; description: string } {
  if (dependency.to) {
    return { identity: `path ${dependency.to.dir}`, description: `the local crate ${dependency.to.name} (${dependency.to.dir})` };
  }
  if (dependency.path) return { identity: `path ${dependency.path}`, description: `the path dependency ${dependency.path}` };
  const spec = specOf(context, dependency);
  const version = spec.version ?? dependency.entry.version;
  const described = [dependency.entry.package, version, spec.git && `from ${spec.git}`, spec.rev ?? spec.tag ?? spec.branch, spec.registry && `from registry ${spec.registry}`]
    .filter(Boolean)
    .join(' ');
  const identity = [packageKey(dependency.entry.package), dependency.source, compatibleRange(version), spec.git, spec.rev, spec.tag, spec.branch, spec.registry];
  return { identity: JSON.stringify(identity), description: described };
}

/**
 * Requirements one lock file resolves to the same version: cargo unifies
 * semver-compatible requirements of one package (`0.1` and `0.1.89` both
 * are `^0.1`; the Cargo Book, "Specifying Dependencies" and "Dependency
 * Resolution"), so only the leftmost non-zero part counts. An exact (`=`) or
 * compound requirement is kept as written.
 */
function compatibleRange(version: string | undefined): string | undefined {
  if (version === undefined) return undefined;
  const caret = /^\s*\^?\s*(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:[-+][\w.-]*)?\s*$/.exec(version);
  if (!caret) return version.replace(/\s+/g, '');
  const [major, minor, patch] = [caret[1], caret[2], caret[3]];
  if (major !== '0') return `^${major}`;
  if (minor === undefined) return '^0';
  if (minor !== '0') return `^0.${minor}`;
  return patch === undefined ? '^0.0' : `^0.0.${patch}`;
}

interface DependencySpec {
  version?: string;
  git?: string;
  rev?: string;
  tag?: string;
  branch?: string;
  registry?: string;
}

const parsed = new WeakMap<Manifest, Record<string, unknown>>();

function tomlOf(manifest: Manifest): Record<string, unknown> {
  let value = parsed.get(manifest);
  if (!value) {
    try {
      value = getStaticTOMLValue(parseTOML(manifest.text)) as Record<string, unknown>;
    } catch {
      value = {};
    }
    parsed.set(manifest, value);
  }
  return value;
}

/** The entry's table as written, followed to `[workspace.dependencies]` for `workspace = true`. */
function specOf(context: ExternContext, dependency: Dependency): DependencySpec {
  const manifest = context.manifestOf(dependency.from.manifest);
  if (!manifest) return {};
  const toml = tomlOf(manifest);
  const table = dependency.entry.kind === 'dev' ? 'dev-dependencies' : dependency.entry.kind === 'build' ? 'build-dependencies' : 'dependencies';
  const scope = dependency.entry.target
    ? ((toml['target'] as Record<string, Record<string, unknown>> | undefined)?.[dependency.entry.target] ?? {})
    : toml;
  let value = (scope[table] as Record<string, unknown> | undefined)?.[dependency.entry.name];
  if (isTable(value) && value['workspace'] === true) {
    const root = workspaceRootOf(manifest, context.allManifests());
    const workspace = root ? (tomlOf(root)['workspace'] as Record<string, unknown> | undefined) : undefined;
    value = (workspace?.['dependencies'] as Record<string, unknown> | undefined)?.[dependency.entry.name];
  }
  if (typeof value === 'string') return { version: value };
  if (!isTable(value)) return {};
  const text = (key: string) => (typeof value[key] === 'string' ? (value[key] as string) : undefined);
  return { version: text('version'), git: text('git'), rev: text('rev'), tag: text('tag'), branch: text('branch'), registry: text('registry') };
}

function isTable(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
