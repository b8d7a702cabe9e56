// Findings on manifests: dependencies that point the wrong way, cycles among
// local crates, and manifests that do not parse.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { AnalysisOptions, Finding, Location } from '../model';
import { severityOf } from '../model';
import type { Manifest } from './manifest';
import type { CloneClass } from '../clones/clones';
import { releaseOf, satisfies } from './release';
import { packageKey, workspaceRootOf } from './workspace';
import type { Crate, CrateGraph, Dependency } from './workspace';

export interface DependencyContext {
  graph: CrateGraph;
  options: AnalysisOptions;
  manifests: Iterable<Manifest>;
  cloneClasses: Iterable<CloneClass>;
  /** `use <root>::...` declarations in a crate's files. */
  useSites(crate: Crate, root: string): Location[];
  display(file: string): string;
}

export function manifestFindings(context: DependencyContext): Finding[] {
  return [...manifestErrors(context), ...invertedDependencies(context), ...dependencyCycles(context)];
}

function manifestErrors({ manifests, options }: DependencyContext): Finding[] {
  const severity = severityOf(options, 'manifest-error');
  if (severity === 'off') return [];
  const findings: Finding[] = [];
  for (const m of manifests) {
    if (!m.error) continue;
    findings.push({
      code: 'manifest-error',
      severity,
      message: `This manifest does not parse, so its crate is left out of the analysis: ${m.error.message}`,
      file: m.file,
      range: m.error.range,
      related: [],
      fixes: [],
    });
  }
  return findings;
}

/**
 * A registry or git dependency on a package that is also a local crate: the
 * crate uses an outside copy of code that lives here. A `[patch]` that points
 * the package at a local path makes it local again, so it is not reported.
 * A name alone does not make two packages one: nothing may say they are
 * different packages (see `differentPackage`).
 */
function invertedDependencies({ graph, options, cloneClasses, manifests, useSites, display }: DependencyContext): Finding[] {
  const severity = severityOf(options, 'inverted-dependency');
  if (severity === 'off') return [];
  const byFile = new Map([...manifests].map((m) => [m.file, m]));
  const shared = sharedModuleCounts(cloneClasses);
  const findings: Finding[] = [];
  for (const dependency of graph.dependencies) {
    if (dependency.source !== 'registry' && dependency.source !== 'git') continue;
    const { entry, from } = dependency;
    if (graph.isPatchedLocally(entry.package)) continue;
    const declared = workspaceDeclaration(dependency, byFile);
    const local = graph
      .localPackages(entry.package)
      // crates.io treats `-` and `_` as the same name, but two unrelated crates
      // can still differ only so (registry `rustc-serialize`, the compiler's
      // `rustc_serialize`): such a pair counts only when it shares modules.
      .filter((c) => c !== from && (c.name === entry.package || (shared.get(pairKey(from, c)) ?? 0) > 0))
      // `cargo vendor` output stands in for the registry by design (source replacement).
      .filter((c) => !fs.existsSync(path.join(c.dir, '.cargo-checksum.json')))
      .filter((c) => !differentPackage(dependency, declared?.version ?? entry.version, c, byFile));
    if (local.length === 0) continue;
    const [crate] = local;
    const count = shared.get(pairKey(from, crate)) ?? 0;
    const git = entry.git ?? declared?.git;
    const version = entry.version ?? declared?.version;
    const origin = dependency.source === 'git' ? `git${git ? ` (${git})` : ''}` : `the registry${version ? ` (${version})` : ''}`;
    const modules = count === 1 ? '1 module' : `${count} modules`;
    findings.push({
      code: 'inverted-dependency',
      severity,
      message:
        `${from.name} depends on ${entry.package} from ${origin}, but ${entry.package} is the local crate ` +
        `${crate.name} (${display(crate.dir)}); the two crates share ${modules}. ` +
        `Depend on the local crate, or on neither, instead of an outside copy of code that lives here.`,
      file: from.manifest,
      range: entry.keyRange,
      related: [
        ...local.map((c) => ({
          file: c.manifest,
          range: byFile.get(c.manifest)?.package?.nameRange ?? { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
          message: `the local crate ${c.name}`,
        })),
        // What removing the dependency leaves without a home.
        ...useSites(from, packageKey(entry.name)).map((site) => ({
          ...site,
          message: `uses ${entry.name}: needs a new home if the dependency goes`,
        })),
      ],
      fixes: [],
    });
  }
  return findings;
}

/** The `[workspace.dependencies]` entry a `workspace = true` dependency inherits, for its git URL and version. */
function workspaceDeclaration(dependency: Dependency, byFile: Map<string, Manifest>) {
  if (dependency.entry.source !== 'workspace') return undefined;
  const manifest = byFile.get(dependency.from.manifest);
  const root = manifest && workspaceRootOf(manifest, byFile);
  return root?.dependencies.find((d) => d.declaredForWorkspace && d.name === dependency.entry.name);
}

/**
 * What says a dependency is another package than the local crate of that
 * name: the dependency is renamed with `package =` (a rename is how a
 * manifest marks an outside package beside a local one); the local crate is
 * `publish = false`, or has no version, which cargo (1.75 on) reads as
 * `publish = false`, so no registry has it; its version cannot satisfy the
 * requirement; or the dependent is in another `[workspace]` than the local
 * crate (an example workspace that depends on the repository on purpose).
 */
function differentPackage(dependency: Dependency, requirement: string | undefined, local: Crate, byFile: Map<string, Manifest>): boolean {
  const { entry, from } = dependency;
  if (entry.package !== entry.name) return true;
  const fromManifest = byFile.get(from.manifest);
  const localManifest = byFile.get(local.manifest);
  if (!fromManifest || !localManifest) return false;
  const fromRoot = workspaceRootOf(fromManifest, byFile);
  const localRoot = workspaceRootOf(localManifest, byFile);
  if ((fromRoot ?? fromManifest) !== (localRoot ?? localManifest) && (fromRoot || localRoot)) return true;
  const release = releaseOf(localManifest, localRoot);
  if (dependency.source === 'registry' && (release.unpublished || release.version === undefined)) return true;
  if (dependency.source === 'registry' && release.version && requirement && satisfies(release.version, requirement) === false) return true;
  return false;
}

function pairKey(a: Crate, b: Crate): string {
  return a.manifest < b.manifest ? `${a.manifest}\0${b.manifest}` : `${b.manifest}\0${a.manifest}`;
}

function sharedModuleCounts(classes: Iterable<CloneClass>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const clone of classes) {
    for (let i = 0; i < clone.crates.length; i++) {
      for (let j = i + 1; j < clone.crates.length; j++) {
        const key = pairKey(clone.crates[i], clone.crates[j]);
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
    }
  }
  return counts;
}

/**
 * Cycles among local crates through path dependencies. Dev-dependencies are
 * left out: cargo allows a dev-dependency cycle (a crate's tests may use a
 * crate that depends on it). One finding per cycle, on the entry that closes it.
 */
function dependencyCycles({ graph, options }: DependencyContext): Finding[] {
  const severity = severityOf(options, 'dependency-cycle');
  if (severity === 'off') return [];
  const edges = new Map<Crate, Dependency[]>();
  for (const d of graph.dependencies) {
    if (!d.to || d.entry.kind === 'dev') continue;
    edges.set(d.from, [...(edges.get(d.from) ?? []), d]);
  }
  const findings: Finding[] = [];
  for (const component of stronglyConnected(graph.crates, edges)) {
    const members = new Set(component);
    const selfLoop = component.length === 1 && (edges.get(component[0]) ?? []).some((d) => d.to === component[0]);
    if (component.length < 2 && !selfLoop) continue;
    const start = [...component].sort((a, b) => a.name.localeCompare(b.name))[0];
    const cycle = findCycle(start, edges, members);
    if (!cycle) continue;
    const closing = cycle[cycle.length - 1];
    const names = [...cycle.map((d) => d.from.name), start.name].join(' → ');
    findings.push({
      code: 'dependency-cycle',
      severity,
      message: `This dependency closes a cycle among local crates: ${names}. Cargo cannot build crates that depend on each other.`,
      file: closing.from.manifest,
      range: closing.entry.keyRange,
      related: cycle.slice(0, -1).map((d) => ({
        file: d.from.manifest,
        range: d.entry.keyRange,
        message: `${d.from.name} depends on ${d.to!.name}`,
      })),
      fixes: [],
    });
  }
  return findings;
}

/** A path of dependencies from start back to start, within one strongly connected component. */
function findCycle(start: Crate, edges: Map<Crate, Dependency[]>, members: Set<Crate>): Dependency[] | undefined {
  const visited = new Set<Crate>();
  const pathTo: Dependency[] = [];
  const dfs = (crate: Crate): boolean => {
    visited.add(crate);
    const out = [...(edges.get(crate) ?? [])].sort((a, b) => a.to!.name.localeCompare(b.to!.name));
    for (const d of out) {
      if (!members.has(d.to!)) continue;
      pathTo.push(d);
      if (d.to === start) return true;
      if (!visited.has(d.to!) && dfs(d.to!)) return true;
      pathTo.pop();
    }
    return false;
  };
  return dfs(start) ? pathTo : undefined;
}

/** Tarjan's algorithm, iterative so a deep graph cannot overflow the stack. */
function stronglyConnected(nodes: Crate[], edges: Map<Crate, Dependency[]>): Crate[][] {
  let counter = 0;
  const index = new Map<Crate, number>();
  const low = new Map<Crate, number>();
  const onStack = new Set<Crate>();
  const stack: Crate[] = [];
  const components: Crate[][] = [];
  for (const root of nodes) {
    if (index.has(root)) continue;
    const work: { node: Crate; next: number }[] = [{ node: root, next: 0 }];
    index.set(root, counter);
    low.set(root, counter++);
    stack.push(root);
    onStack.add(root);
    while (work.length > 0) {
      const frame = work[work.length - 1];
      const out = edges.get(frame.node) ?? [];
      if (frame.next < out.length) {
        const to = out[frame.next++].to!;
        if (!index.has(to)) {
          index.set(to, counter);
          low.set(to, counter++);
          stack.push(to);
          onStack.add(to);
          work.push({ node: to, next: 0 });
        } else if (onStack.has(to)) {
          low.set(frame.node, Math.min(low.get(frame.node)!, index.get(to)!));
        }
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1].node;
        low.set(parent, Math.min(low.get(parent)!, low.get(frame.node)!));
      }
      if (low.get(frame.node) === index.get(frame.node)) {
        const component: Crate[] = [];
        let member: Crate;
        do {
          member = stack.pop()!;
          onStack.delete(member);
          component.push(member);
        } while (member !== frame.node);
        components.push(component);
      }
    }
  }
  return components;
}
