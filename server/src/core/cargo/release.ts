// What a manifest says about its package as a release: its version and
// whether it may be published. An inverted-dependency is only the same package
// when the local crate could be the release the requirement asks for.
import { getStaticTOMLValue, parseTOML } from 'toml-eslint-parser';
import type { Manifest } from './manifest';

export interface PackageRelease {
  /** `[package] version`, through `version.workspace = true`; undefined when not written (cargo reads 0.0.0, but nothing is claimed). */
  version?: string;
  /** `publish = false` or `publish = []`: the package never reaches a registry. */
  unpublished: boolean;
}

/** Reads a manifest's `[package]` release fields; `root` is its workspace's manifest, for inherited fields. */
export function releaseOf(manifest: Manifest, root: Manifest | undefined): PackageRelease {
  const pkg = table(tomlValue(manifest)?.['package']);
  const inherited = table(table(tomlValue(root)?.['workspace'])?.['package']);
  const field = (key: string): unknown => {
    const value = pkg?.[key];
    return table(value)?.['workspace'] === true ? inherited?.[key] : value;
  };
  const version = field('version');
  const publish = field('publish');
  return {
    version: typeof version === 'string' ? version : undefined,
    unpublished: publish === false || (Array.isArray(publish) && publish.length === 0),
  };
}

function tomlValue(manifest: Manifest | undefined): Record<string, unknown> | undefined {
  if (!manifest || manifest.error) return undefined;
  try {
    return table(getStaticTOMLValue(parseTOML(manifest.text)));
  } catch {
    return undefined;
  }
}

function table(v: unknown): Record<string, unknown> | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

type Triple = [number, number, number];

/**
 * Whether a version can satisfy a Cargo requirement (`1.2`, `^0.3`, `~1.2.3`,
 * `=2`, `>=1, <3`, `1.*`), as
 * https://doc.rust-lang.org/cargo/reference/specifying-dependencies.html
 * defines them: a bare version is a caret requirement. Undefined when either
 * side does not parse (a pre-release, a typo): then nothing is concluded.
 */
export function satisfies(version: string, requirement: string): boolean | undefined {
  const v = /^\s*(\d+)\.(\d+)\.(\d+)(?:\+.*)?\s*$/.exec(version);
  if (!v) return undefined;
  const have: Triple = [Number(v[1]), Number(v[2]), Number(v[3])];
  let result = true;
  for (const part of requirement.split(',')) {
    const ok = satisfiesOne(have, part.trim());
    if (ok === undefined) return undefined;
    result &&= ok;
  }
  return result;
}

function satisfiesOne(have: Triple, comparator: string): boolean | undefined {
  if (comparator === '*' || comparator === '') return true;
  const m = /^(\^|~|=|>=|<=|>|<)?\s*(\d+)(?:\.(\d+|\*))?(?:\.(\d+|\*))?$/.exec(comparator);
  if (!m) return undefined;
  // `1.*` and `1.2.*` are wildcards: any version the written parts name, as `=1` and `=1.2` are.
  const op = m[1] ?? (m[3] === '*' || m[4] === '*' ? '=' : '^');
  const major = Number(m[2]);
  const minor = m[3] === undefined || m[3] === '*' ? undefined : Number(m[3]);
  const patch = m[4] === undefined || m[4] === '*' ? undefined : Number(m[4]);
  const low: Triple = [major, minor ?? 0, patch ?? 0];
  const cmp = compare(have, low);
  // The first version past what a partial version names: `1.2` names 1.2.x.
  const pastPartial: Triple = minor === undefined ? [major + 1, 0, 0] : patch === undefined ? [major, minor + 1, 0] : [major, minor, patch + 1];
  switch (op) {
    case '=':
      return cmp >= 0 && compare(have, pastPartial) < 0;
    case '>':
      return compare(have, pastPartial) >= 0;
    case '>=':
      return cmp >= 0;
    case '<':
      return cmp < 0;
    case '<=':
      return compare(have, pastPartial) < 0;
    case '~':
      return cmp >= 0 && compare(have, minor === undefined ? [major + 1, 0, 0] : [major, minor + 1, 0]) < 0;
    default: {
      // Caret: the leftmost non-zero part that is written may not change.
      const upper: Triple =
        major > 0 || minor === undefined ? [major + 1, 0, 0] : minor > 0 || patch === undefined ? [0, minor + 1, 0] : [0, 0, patch + 1];
      return cmp >= 0 && compare(have, upper) < 0;
    }
  }
}

function compare(a: Triple, b: Triple): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}
