// Version groups: crates that are versions of one another on purpose (a `v0/`,
// `v1/`, `latest/` cut; `vm/` beside `vm2/`; two majors of one package;
// sibling crates that rename each other with `package =`). A frozen version
// must not become a re-export of the newer one (a chain replays old blocks with
// the old code): between them a copy is drift to report, not a fix to offer.
import picomatch from 'picomatch';
import type { AnalysisOptions, Finding } from '../model';
import type { Crate, CrateGraph } from '../cargo/workspace';

export interface VersionGroup {
  /** How a message names it: the setting's pattern, or what the layout shows (`vm`, `clap`). */
  name: string;
  crates: Crate[];
}

/** Path segments that name a version: `v0`, `v12`, `latest`, `legacy`, `next`, `1.2`. */
const VERSION_SEGMENT = /^(?:v\d+(?:[._]\d+)*|latest|legacy|next|current|\d+(?:\.\d+)*)$/i;

/**
 * The version group of each crate that is in one. A crate in several (by
 * setting and by layout) gets the first, in that order: the setting's
 * patterns (a glob over the crate's folder relative to its workspace folder,
 * or over its package name) each make one group; then the layouts.
 */
export function versionGroups(graph: CrateGraph, options: Pick<AnalysisOptions, 'versionGroups'>, relative: (dir: string) => string): Map<Crate, VersionGroup> {
  const found = new Map<Crate, VersionGroup>();
  const add = (name: string, crates: Crate[]) => {
    const members = crates.filter((c) => !found.has(c));
    if (members.length < 2) return;
    const group = { name, crates: members };
    for (const c of members) found.set(c, group);
  };
  for (const pattern of options.versionGroups) {
    const matches = picomatch(pattern, { dot: true });
    add(pattern, graph.crates.filter((c) => matches(relative(c.dir)) || matches(c.name)));
  }
  // Folders that differ only in version segments (`v0/`, `v1/`, `latest/`), or
  // a segment and the same with a number (`vm/` and `vm2/`, both present).
  const dirs = new Set(graph.crates.map((c) => relative(c.dir)));
  const lineage = (dir: string) =>
    dir
      .split('/')
      .filter((s) => !VERSION_SEGMENT.test(s))
      .map((s, i, all) => {
        const bare = s.replace(/[-_]?\d+$/, '');
        const sibling = [...all.slice(0, i), bare].join('/');
        return bare !== s && bare.length > 0 && [...dirs].some((d) => d === sibling || d.startsWith(sibling + '/')) ? bare : s;
      })
      .join('/');
  byKey(graph.crates, (c) => lineage(relative(c.dir))).forEach((crates, key) => {
    if (crates.some((c) => lineage(relative(c.dir)) !== relative(c.dir))) add(key || '.', crates);
  });
  // Majors of one package: cargo allows one package of a name per workspace, so two are versions.
  byKey(graph.crates, (c) => c.name).forEach((crates, name) => add(name, crates));
  // A dependency renamed with `package =` onto a local crate, where the new
  // name or the dependent is a version of the package (`token-v3` for
  // `token`, `token-2022` depending on `token`): sibling versions. A plain
  // alias (`util = { package = "shared-util" }`) says nothing of versions.
  for (const d of graph.dependencies) {
    if (d.entry.package === d.entry.name) continue;
    const to = d.to ?? graph.localPackages(d.entry.package).find((c) => c !== d.from);
    if (!to || to === d.from) continue;
    const base = unversioned(d.entry.package);
    if (unversioned(d.entry.name) === base || unversioned(d.from.name) === base) add(`${d.from.name} and ${to.name}`, [d.from, to]);
  }
  return found;
}

/** A package name without a version suffix: `token` of `token-2022`, `token_v3`, `token-legacy`. */
function unversioned(name: string): string {
  let bare = name.replace(/_/g, '-');
  for (;;) {
    const next = bare.replace(/-(?:v?\d+(?:\.\d+)*|legacy|old|new|next|latest|current)$/i, '');
    if (next === bare || next.length === 0) return bare;
    bare = next;
  }
}

function byKey(crates: Crate[], key: (c: Crate) => string): Map<string, Crate[]> {
  const groups = new Map<string, Crate[]>();
  for (const c of crates) {
    const k = key(c);
    groups.set(k, [...(groups.get(k) ?? []), c]);
  }
  for (const [k, list] of groups) if (list.length < 2) groups.delete(k);
  return groups;
}

/** The group two crates share, if they are versions of one another. */
export function sharedGroup(groups: ReadonlyMap<Crate, VersionGroup> | undefined, a: Crate, b: Crate): VersionGroup | undefined {
  const group = groups?.get(a);
  return group && group === groups!.get(b) ? group : undefined;
}


/**
 * A finding between versions of one another, as drift: information, named
 * so, with no fix (a frozen version is not made a re-export of the newer).
 */
export function asDrift(finding: Finding, group: VersionGroup | undefined): Finding {
  if (!group) return finding;
  return {
    ...finding,
    severity: 'information',
    message: `Version drift within ${group.name}: ${finding.message}`,
    versionGroup: group.name,
  };
}
