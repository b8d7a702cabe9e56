// Fixes as plain data: which files to edit, delete or leave alone, computed
// from the index. A fix is either correct (the workspace still builds) or
// refused with its reason; the fronts turn the changes into a WorkspaceEdit or
// into writes on disk.
import { createHash } from 'node:crypto';
import { getStaticTOMLValue, parseTOML } from 'toml-eslint-parser';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CloneMember } from '../clones/clones';
import type { WorkspaceIndex } from '../index';
import type { DependencyEntry, Manifest } from '../cargo/manifest';
import type { Finding, FindingCode, Position, Range } from '../model';
import type { ModuleInfo } from '../source/modules';
import type { ModDeclaration } from '../source/rust';
import { tokenId } from '../source/winnow';
import { packageKey, workspaceRootOf } from '../cargo/workspace';
import type { Crate, CrateGraph } from '../cargo/workspace';

export interface TextEdit {
  range: Range;
  newText: string;
}

export type FileChange =
  | { kind: 'edit'; file: string; edits: TextEdit[] }
  /** Delete a file, only if its bytes still hash to `byteHash` (sha1, base64). */
  | { kind: 'delete'; file: string; byteHash: string }
  /** Delete a folder the other changes leave empty. */
  | { kind: 'deleteFolder'; dir: string };

export interface Fix {
  title: string;
  code: FindingCode;
  /** The file of the finding this fixes. */
  file: string;
  changes: FileChange[];
  /** Why the fix is not offered; `changes` is empty then. */
  refused?: string;
}

export const COPY_CODES: ReadonlySet<FindingCode> = new Set(['duplicate-file', 'near-duplicate-file']);

/**
 * The fixes for one finding (none for codes that have no fix). `together`:
 * the copies whose re-exports are applied in the same edit, which may rely
 * on each other.
 */
export function fixesFor(index: WorkspaceIndex, finding: Finding, together: ReadonlySet<string> = new Set()): Fix[] {
  // Between versions of one another the frozen copy stays as it is (see core/clones/versions.ts).
  if (finding.versionGroup) return [];
  if (COPY_CODES.has(finding.code)) return [reexportFix(index, finding, together)];
  if (finding.code === 'inverted-dependency') return [removeDependencyFix(index, finding)];
  return [];
}

/**
 * The fixes for several findings applied as one edit. A re-export that relies
 * on another being in the same edit is kept only while that one is not refused.
 */
export function fixesTogether(index: WorkspaceIndex, findings: Finding[]): Fix[] {
  let together = new Set(findings.filter((f) => COPY_CODES.has(f.code)).map((f) => f.file));
  for (;;) {
    const fixes = refuseCycles(index, findings.flatMap((f) => fixesFor(index, f, together)));
    const offered = new Set(fixes.filter((f) => !f.refused && COPY_CODES.has(f.code)).map((f) => f.file));
    if (offered.size === together.size) return fixes;
    together = offered;
  }
}

/**
 * Each re-export adds a dependency from the copy's crate on the keeper's. One
 * at a time none makes a cycle, but together they may: a fix whose new
 * dependency would close a cycle with the ones before it is refused.
 */
function refuseCycles(index: WorkspaceIndex, fixes: Fix[]): Fix[] {
  const added: [Crate, Crate][] = [];
  return fixes.map((fix) => {
    if (fix.refused || !COPY_CODES.has(fix.code)) return fix;
    const from = index.graph.crateOf(fix.file);
    const to = index.cloneClassOf(fix.file)?.members[0].crate;
    if (!from || !to) return fix;
    const cycle = dependencyPath(index.graph, to, from, added);
    if (cycle) {
      const chain = cycle.map((c) => c.name).join(' → ');
      return { ...fix, changes: [], refused: `with the other fixes, ${to.name} would depend on ${from.name} (${chain}): a cycle` };
    }
    added.push([from, to]);
    return fix;
  });
}

/** The title a finding's fix will have, without reading any file: for `fixes` in reports. */
export function fixTitles(index: WorkspaceIndex, finding: Finding): string[] {
  if (finding.versionGroup) return [];
  if (COPY_CODES.has(finding.code)) {
    const plan = planReexport(index, finding);
    if ('refused' in plan && plan.needs) {
      const title = neededCopiesTitle(index, finding, plan.title);
      return title ? [title] : [];
    }
    return 'refused' in plan ? [] : [plan.title];
  }
  if (finding.code === 'inverted-dependency') return [REMOVE_DEPENDENCY];
  return [];
}

// ---------------------------------------------------------------------------
// Replace a copy with a re-export of the module it copies.

interface ReexportPlan {
  title: string;
  copy: CloneMember;
  authoritative: CloneMember & { module: ModuleInfo };
  /** `mod` declarations in the authoritative crate to make `pub`. */
  publicize: { file: string; declaration: ModDeclaration }[];
  /** Files of the copy's submodules, deleted with it. */
  submodules: string[];
  /** The name the copy's crate knows the authoritative crate by, and its dependency if it has one. */
  externName: string;
  existing?: DependencyEntry;
}

function planReexport(
  index: WorkspaceIndex,
  finding: Finding,
  together: ReadonlySet<string> = new Set(),
): ReexportPlan | { refused: string; title: string; needs?: string[] } {
  const clone = index.cloneClassOf(finding.file);
  const copy = clone?.members.find((m) => m.file === finding.file);
  const authoritative = clone?.members[0];
  const title = `Replace with re-export from ${authoritative?.crate.name ?? 'the crate that keeps it'}`;
  const refuse = (refused: string) => ({ title, refused });
  if (!clone || !copy || !authoritative) return refuse('the index no longer has this copy; save the file and try again');
  if (copy === authoritative || copy.crate === authoritative.crate) {
    return refuse(`this file is in ${authoritative.crate.name}, the crate that keeps the module`);
  }
  const source = authoritative.module;
  if (!source) {
    return refuse(`the copy to keep, ${index.display(authoritative.file)}, is an orphan: no mod declaration reaches it, so there is nothing to re-export`);
  }
  if (source.target !== 'lib') {
    return refuse(`the copy to keep belongs to ${authoritative.crate.name}'s ${source.target} target, not its library, so other crates cannot use it`);
  }
  if (source.path.length === 0) return refuse(`the copy to keep is the root of ${authoritative.crate.name}`);
  const cycle = dependencyPath(index.graph, authoritative.crate, copy.crate);
  if (cycle) {
    return refuse(
      `${authoritative.crate.name} already depends on ${copy.crate.name} (${cycle.map((c) => c.name).join(' → ')}), ` +
        `so depending on it from ${copy.crate.name} would make a cycle`,
    );
  }
  if (!copy.module) return refuse('no mod declaration reaches this copy; delete it by hand if it is unused');
  if (!copy.module.declaredBy) return refuse(`this copy is the root of a target of ${copy.crate.name}`);
  const declaration = copy.module.declaredBy.declaration;
  if (declaration.attributes.some((a) => a.name === 'macro_use')) {
    return refuse('the module is declared with #[macro_use], which a re-export cannot replace');
  }
  const submodules = copiedSubmodules(index, copy, authoritative.crate, source);
  if ('refused' in submodules) return refuse(submodules.refused);

  const linkable = keeperLinkable(index, authoritative.crate);
  if (linkable) return refuse(linkable);
  const edition = editionOf(index, copy.crate);
  if (edition === undefined || edition === '2015') {
    return refuse(`${copy.crate.name} is an edition 2015 crate, where a use of another crate needs an extern crate line first`);
  }
  const gated = cfgOnTheWay(index, source);
  if (gated) return refuse(gated);
  const local = usedOnlyInside(index, copy);
  if (local) return refuse(local);

  const dependencies = index.graph.dependencies.filter((d) => d.from === copy.crate);
  const outside = dependencies.find((d) => !d.to && packageKey(d.entry.package) === packageKey(authoritative.crate.name));
  if (outside) {
    return refuse(`${copy.crate.name} already depends on ${outside.entry.package} from the ${outside.source}; make that a path dependency first`);
  }
  const existing = dependencies.find((d) => d.to === authoritative.crate && d.entry.kind === 'normal' && !d.entry.target)?.entry;
  if (existing?.optional) {
    return refuse(`${copy.crate.name} depends on ${authoritative.crate.name} only with a feature (optional = true), and the re-export would need it always`);
  }
  // The crate knows the keeper by its dependency key; only an unrenamed key means the keeper's [lib] name.
  const key = existing?.name ?? inheritedDependency(index, copy.crate, authoritative.crate)?.name ?? authoritative.crate.name;
  const externName = key === authoritative.crate.name ? authoritative.crate.libName : packageKey(key);
  const paths = samePathsAfterReexport(index, copy, authoritative as CloneMember & { module: ModuleInfo }, externName, together);
  if (paths) return { ...refuse(paths.reason), needs: paths.needs };

  const publicize = privateAncestors(index, source);
  const modulePath = [authoritative.crate.libName, ...source.path].join('::');
  return {
    title: publicize.length > 0 ? `${title} (and make ${modulePath} public there)` : title,
    copy,
    authoritative: { ...authoritative, module: source },
    publicize,
    submodules: submodules.files,
    externName,
    existing,
  };
}

export function reexportFix(index: WorkspaceIndex, finding: Finding, together: ReadonlySet<string> = new Set()): Fix {
  const plan = planReexport(index, finding, together);
  const base = { title: plan.title, code: finding.code, file: finding.file };
  // Asked alone, a copy that relies on other copies brings them along.
  if ('refused' in plan && plan.needs && together.size === 0) return withNeededCopies(index, finding, plan.title);
  if ('refused' in plan) return { ...base, changes: [], refused: plan.refused };
  try {
    const changes = reexportChanges(index, plan);
    // A file the fix deletes must still be what was indexed: an edited copy is not thrown away.
    const changed = changes.find((c): c is FileChange & { kind: 'delete' } => c.kind === 'delete' && !stillMatches(c));
    if (changed) {
      return { ...base, changes: [], refused: `${index.display(changed.file)} changed since it was indexed; save it and try again` };
    }
    return { ...base, changes };
  } catch (e) {
    return { ...base, changes: [], refused: (e as Error).message };
  }
}

/** The re-export of a copy together with the copies its `crate::` paths need, as one fix. */
/**
 * A copy's finding made from its clone class, not the stored findings: titles
 * are computed while findings are being stored.
 */
function copyFindingOf(index: WorkspaceIndex, file: string, range: Range): Finding | undefined {
  const keeper = index.cloneClassOf(file)?.members[0];
  const facts = index.factsOf(file);
  if (!keeper || !facts) return undefined;
  const code = facts.tokenHash === keeper.facts.tokenHash ? 'duplicate-file' : 'near-duplicate-file';
  return { code, severity: 'warning', message: '', file, range, related: [], fixes: [] };
}

/** The copy and the copies its `crate::` paths need, and theirs, as findings. */
function neededCopies(index: WorkspaceIndex, finding: Finding): Finding[] {
  const group = new Set([finding.file]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const file of [...group]) {
      const f = copyFindingOf(index, file, finding.range);
      const plan = f && planReexport(index, f, group);
      for (const needed of plan && 'needs' in plan ? plan.needs ?? [] : []) {
        if (!group.has(needed)) {
          group.add(needed);
          grew = true;
        }
      }
    }
  }
  return [...group].map((f) => copyFindingOf(index, f, finding.range)).filter((f): f is Finding => f !== undefined);
}

function withNeededTitle(index: WorkspaceIndex, finding: Finding, title: string, group: Finding[]): string {
  const others = group.filter((f) => f.file !== finding.file).map((f) => path.basename(f.file));
  return `${title} (with ${others.join(', ')}, which it uses)`;
}

/** The re-export of a copy together with the copies its `crate::` paths need, as one fix. */
function withNeededCopies(index: WorkspaceIndex, finding: Finding, title: string): Fix {
  const group = neededCopies(index, finding);
  const fixes = fixesTogether(index, group);
  const base = { code: finding.code, file: finding.file };
  const refused = fixes.find((f) => f.refused);
  if (refused) return { ...base, title, changes: [], refused: `${index.display(refused.file)} cannot go with it: ${refused.refused}` };
  return { ...base, title: withNeededTitle(index, finding, title, group), changes: mergeFixes(fixes).changes };
}

/** The title of that fix from the plans alone, reading no file: it is shown before anyone asks for the edit. */
function neededCopiesTitle(index: WorkspaceIndex, finding: Finding, title: string): string | undefined {
  const group = neededCopies(index, finding);
  const files = new Set(group.map((f) => f.file));
  const planned = group.map((f): Fix => {
    const plan = planReexport(index, f, files);
    return { title: plan.title, code: f.code, file: f.file, changes: [], refused: 'refused' in plan ? plan.refused : undefined };
  });
  return refuseCycles(index, planned).some((f) => f.refused) ? undefined : withNeededTitle(index, finding, title, group);
}

function reexportChanges(index: WorkspaceIndex, plan: ReexportPlan): FileChange[] {
  const { copy, authoritative } = plan;
  const { file: parent, declaration } = copy.module!.declaredBy!;
  const parentText = readText(parent);
  const itemText = slice(parentText, declaration.range);
  if (!/\bmod\b/.test(itemText) || !itemText.includes(declaration.name)) {
    throw new Error(`${index.display(parent)} changed since it was indexed; save it and try again`);
  }
  const lines: string[] = [];
  for (const attribute of declaration.attributes) {
    // A `///` comment's node takes its line's newline with it.
    if (attribute.name !== 'path') lines.push(slice(parentText, attribute.range).replace(/\r?\n$/, ''));
  }
  const visibility = declaration.visibilityRange ? slice(parentText, declaration.visibilityRange) + ' ' : '';
  const copyName = copy.module!.path[copy.module!.path.length - 1];
  const sourceName = authoritative.module.path[authoritative.module.path.length - 1];
  const alias = copyName === sourceName ? '' : ` as ${copyName}`;
  lines.push(`${visibility}use ${[plan.externName, ...authoritative.module.path].join('::')}${alias};`);
  const indent = /^[ \t]*/.exec(lineAt(parentText, declaration.fullRange.start.line))![0];
  const changes: FileChange[] = [
    { kind: 'edit', file: parent, edits: [{ range: declaration.fullRange, newText: lines.join('\n' + indent) }] },
  ];
  if (!plan.existing) changes.push(addDependency(index, copy.crate, authoritative.crate));
  for (const { file, declaration: d } of plan.publicize) {
    const edit: TextEdit = d.visibilityRange
      ? { range: d.visibilityRange, newText: 'pub' }
      : { range: { start: d.range.start, end: d.range.start }, newText: 'pub ' };
    changes.push({ kind: 'edit', file, edits: [edit] });
  }
  const doomed = [copy.file, ...plan.submodules];
  for (const file of doomed) changes.push({ kind: 'delete', file, byteHash: index.factsOf(file)!.byteHash });
  if (path.basename(copy.file) === 'mod.rs') {
    const dir = path.dirname(copy.file);
    if (filesUnder(dir).every((f) => doomed.includes(f))) changes.push({ kind: 'deleteFolder', dir });
  }
  return changes;
}

/**
 * A copy's submodules go with it, so each must itself be a copy of the
 * matching submodule of the module kept; a submodule of its own would be lost.
 */
function copiedSubmodules(
  index: WorkspaceIndex,
  copy: CloneMember,
  keeper: Crate,
  source: ModuleInfo,
): { files: string[] } | { refused: string } {
  const prefix = copy.module!.path;
  const files: string[] = [];
  const own: string[] = [];
  for (const [file, info] of index.allModules()) {
    if (info.crate !== copy.crate || file === copy.file || info.path.length <= prefix.length) continue;
    if (!prefix.every((segment, i) => info.path[i] === segment)) continue;
    const kept = index.cloneClassOf(file)?.members[0];
    const expected = [...source.path, ...info.path.slice(prefix.length)];
    if (kept && kept.crate === keeper && kept.module && kept.module.path.join('::') === expected.join('::')) files.push(file);
    else own.push(index.display(file));
  }
  if (own.length > 0) {
    return { refused: `this module has submodules that are not copies of ${keeper.name}'s: ${own.join(', ')}` };
  }
  return { files };
}

function hasId(sorted: Uint32Array, id: number): boolean {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] < id) lo = mid + 1;
    else hi = mid;
  }
  return sorted[lo] === id;
}

/** Why other crates cannot use the keeper's library, if they cannot. */
function keeperLinkable(index: WorkspaceIndex, keeper: Crate): string | undefined {
  const pkg = index.manifestOf(keeper.manifest)?.package;
  if (pkg?.procMacro) return `${keeper.name} is a proc-macro crate, whose modules other crates cannot use`;
  const types = pkg?.libCrateTypes ?? [];
  if (types.length > 0 && !types.some((t) => t === 'lib' || t === 'rlib')) {
    return `${keeper.name}'s library is built as ${types.join(', ')} only, which other crates cannot depend on`;
  }
  return undefined;
}

/** A crate's edition, inherited from the workspace root when it says so; undefined means 2015. */
function editionOf(index: WorkspaceIndex, crate: Crate): string | undefined {
  const manifest = index.manifestOf(crate.manifest);
  const edition = manifest?.package?.edition;
  if (edition !== 'workspace') return edition;
  return manifest ? workspaceRootOf(manifest, index.allManifests())?.workspace?.edition : undefined;
}

/** A `#[cfg]` on a `mod` on the way to the keeper's module: the module is not always there to re-export. */
function cfgOnTheWay(index: WorkspaceIndex, info: ModuleInfo): string | undefined {
  for (let current: ModuleInfo | undefined = info; current?.declaredBy; current = index.moduleOf(current.declaredBy.file)) {
    const gated = current.declaredBy.declaration.attributes.find((a) => a.name === 'cfg' || a.name === 'cfg_attr');
    if (gated) return `the module kept is compiled only under a #[${gated.name}(...)] in ${index.display(current.declaredBy.file)}`;
  }
  return undefined;
}

/**
 * What the copy's crate uses of the copy that only a module of its own can
 * give: items visible in the crate alone (`pub(crate)`), a `#[macro_export]`
 * macro (it lives at the crate root), impls on the module's types (an impl of
 * another crate's type is not allowed), a second `mod` declaration of the
 * same file (another target's).
 */
function usedOnlyInside(index: WorkspaceIndex, copy: CloneMember): string | undefined {
  const { facts } = copy;
  if (facts.exportsMacro) return 'the copy exports a macro (#[macro_export]), which would disappear from this crate';
  const name = copy.module!.path[copy.module!.path.length - 1];
  const others = [...index.allModules()].filter(([file, info]) => info.crate === copy.crate && file !== copy.file);
  for (const [file, info] of others) {
    for (const d of index.factsOf(file)?.mods ?? []) {
      const sameFile =
        !d.inline && d.name === name && d.pathAttribute === undefined && d.inlineParents.length === 0 &&
        file !== copy.module!.declaredBy!.file && info.path.length === 0 && path.dirname(file) === path.dirname(copy.file);
      if (sameFile) return `the copy is also declared by ${index.display(file)}, another target of ${copy.crate.name}`;
    }
  }
  // From each file's facts, not its text: fix titles are computed on every save.
  for (const [file] of others) {
    const theirs = index.factsOf(file);
    if (!theirs) continue;
    const used = facts.restrictedNames.find((n) => hasId(theirs.identifiers, tokenId(n)));
    if (used) return `${index.display(file)} uses ${used}, which the copy makes visible in this crate only (pub(crate) or narrower)`;
    const implemented = facts.typeNames.find((t) => theirs.implTargets.includes(t));
    if (implemented) return `${index.display(file)} has an impl for ${implemented}, which would become another crate's type`;
  }
  return undefined;
}

/**
 * Why the re-exported module would read a path differently than the copy did,
 * if it would. The copy's `crate::x` (and `super::x`) name this crate's `x`;
 * in the module kept they name the keeper's. That is the same thing only when
 * `x` is the copied module itself, a re-export of the keeper's `x` already, or
 * a copy re-exported in the same edit. A near duplicate matched only because
 * its `crate::` paths read as `<this crate>::` in the keeper, where that name
 * is a dependency, not this crate: always a different item.
 */
function samePathsAfterReexport(
  index: WorkspaceIndex,
  copy: CloneMember,
  keeper: CloneMember & { module: ModuleInfo },
  externName: string,
  together: ReadonlySet<string>,
): { reason: string; needs?: string[] } | undefined {
  const { facts } = copy;
  if (facts.tokenHash !== keeper.facts.tokenHash && facts.crateRefs > 0) {
    const reason = (
      `this copy matches ${keeper.crate.name}'s only when its crate:: paths are read as ${copy.crate.libName}::, ` +
      `which in ${keeper.crate.name} names a dependency, not ${copy.crate.name}: the re-exported module would use that ` +
      `dependency's items instead of this crate's. Make ${keeper.crate.name}'s copy stop depending on ${copy.crate.libName} first`
    );
    return { reason };
  }
  const needs: string[] = [];
  const own = copy.module!.path;
  const modules = new Map<string, string>();
  for (const [file, info] of index.allModules()) if (info.crate === copy.crate) modules.set(info.path.join('::'), file);
  const rootFile = copy.crate.targets.find((t) => t.kind === 'lib')?.root;
  const reexported = new Set(
    (rootFile ? index.factsOf(rootFile)?.useSites ?? [] : []).filter((u) => u.root === externName).map((u) => u.path),
  );
  // What each path names in the copy's crate, and what the same text names in the keeper's.
  const references = [
    ...facts.pathRoots.crate.map((r) => ({ written: `crate::${r}`, mine: [r], theirs: [r] })),
    ...facts.pathRoots.super.map((r) => ({
      written: `super::${r}`,
      mine: [...own.slice(0, -1), r],
      theirs: [...keeper.module.path.slice(0, -1), r],
    })),
  ];
  for (const { written, mine, theirs } of references) {
    if (mine[mine.length - 1] === '*') {
      return { reason: `it uses ${written.replace(/::\*$/, '')}::* (or ::{self}), which names whatever this crate's module holds` };
    }
    const name = mine.join('::');
    const keeperName = theirs.join('::');
    if (name === own.join('::') && keeperName === keeper.module.path.join('::')) continue; // the module itself
    if (mine.length === 1 && reexported.has(`${externName}::${keeperName}`)) continue;
    const file = modules.get(name);
    const kept = file ? index.cloneClassOf(file)?.members[0] : undefined;
    const sameModule = kept?.crate === keeper.crate && kept.module?.path.join('::') === keeperName;
    if (file && sameModule && together.has(file)) continue;
    if (file && sameModule) {
      needs.push(file);
      continue;
    }
    return {
      reason:
        `it uses ${written}, which is ${copy.crate.name}'s own ${file ? 'module' : 'item'}; the re-exported module ` +
        `would use ${keeper.crate.name}'s instead`,
    };
  }
  if (needs.length > 0) {
    return { reason: `it uses this crate's own copies of ${needs.map((f) => index.display(f)).join(', ')}: re-export them in the same edit`, needs };
  }
  return undefined;
}

/** The keeper as the workspace root declares it in `[workspace.dependencies]`, if it does. */
function inheritedDependency(index: WorkspaceIndex, crate: Crate, keeper: Crate): DependencyEntry | undefined {
  const manifest = index.manifestOf(crate.manifest);
  const root = manifest && workspaceRootOf(manifest, index.allManifests());
  return root?.dependencies.find(
    (d) => d.declaredForWorkspace && d.path !== undefined && path.resolve(path.dirname(root.file), d.path) === keeper.dir,
  );
}

/** `mod` declarations from the crate root down to a module that are not `pub`, inline modules included. */
function privateAncestors(index: WorkspaceIndex, info: ModuleInfo): { file: string; declaration: ModDeclaration }[] {
  const found: { file: string; declaration: ModDeclaration }[] = [];
  for (let current: ModuleInfo | undefined = info; current?.declaredBy; ) {
    const { file: parent, declaration } = current.declaredBy;
    if (declaration.visibility !== 'pub') found.push({ file: parent, declaration });
    const mods = index.factsOf(parent)?.mods ?? [];
    for (let i = declaration.inlineParents.length; i > 0; i--) {
      const outer = declaration.inlineParents.slice(0, i - 1).join('::');
      const inline = mods.find(
        (m) => m.inline && m.name === declaration.inlineParents[i - 1] && m.inlineParents.join('::') === outer,
      );
      if (inline && inline.visibility !== 'pub') found.push({ file: parent, declaration: inline });
    }
    current = index.moduleOf(parent);
  }
  return found;
}

/** A chain of local non-dev dependencies from one crate to another, if there is one. */
export function dependencyPath(graph: CrateGraph, from: Crate, to: Crate, extra: readonly [Crate, Crate][] = []): Crate[] | undefined {
  const edges: [Crate, Crate][] = [
    ...graph.dependencies.filter((d) => d.to && d.entry.kind !== 'dev').map((d): [Crate, Crate] => [d.from, d.to!]),
    ...extra,
  ];
  const previous = new Map<Crate, Crate>();
  const queue = [from];
  const seen = new Set([from]);
  while (queue.length > 0) {
    const crate = queue.shift()!;
    for (const [source, target] of edges) {
      if (source !== crate || seen.has(target)) continue;
      previous.set(target, crate);
      if (target === to) {
        const chain = [to];
        for (let c = crate; c !== from; c = previous.get(c)!) chain.unshift(c);
        return [from, ...chain];
      }
      seen.add(target);
      queue.push(target);
    }
  }
  return undefined;
}

/**
 * The dependency on `keeper` added to `crate`'s manifest in that manifest's
 * own style: `workspace = true` where the workspace root declares the crate,
 * else a relative path; a `[dependencies.x]` table in a cargo-normalised
 * manifest (or one written that way), else an inline entry; in name order
 * when the existing entries are sorted.
 */
function addDependency(index: WorkspaceIndex, crate: Crate, keeper: Crate): FileChange {
  const manifest = index.manifestOf(crate.manifest);
  if (!manifest) throw new Error(`${index.display(crate.manifest)} is not indexed`);
  const inherited = inheritedDependency(index, crate, keeper);
  const key = inherited?.name ?? keeper.name;
  const relative = path.relative(crate.dir, keeper.dir).split(path.sep).join('/');
  const normal = manifest.dependencies.filter((d) => d.kind === 'normal' && !d.target && !d.declaredForWorkspace);
  const asTables = manifest.normalised || (normal.length > 0 && normal.filter((d) => d.ownTable).length * 2 > normal.length);
  const text = manifest.text;
  const endOfLine = (line: number): Position => ({ line, character: lineAt(text, line).length });
  const startOfLine = (line: number): Position => ({ line, character: 0 });
  const insert = (at: Position, newText: string): FileChange => ({
    kind: 'edit',
    file: manifest.file,
    edits: [{ range: { start: at, end: at }, newText }],
  });
  const atEnd = (block: string) => {
    const lines = text.split('\n');
    const last = lines.length - 1;
    const lead = text.length === 0 || text.endsWith('\n\n') ? '' : text.endsWith('\n') ? '\n' : '\n\n';
    return insert({ line: last, character: lines[last].length }, `${lead}${block}\n`);
  };
  if (asTables) {
    const body = inherited ? 'workspace = true' : `path = "${relative}"`;
    const block = `[dependencies.${tomlKey(key)}]\n${body}`;
    const tables = normal.filter((d) => d.ownTable);
    const next = sortedByName(tables) ? tables.find((d) => d.name > key) : undefined;
    if (next) return insert(startOfLine(next.entryRange.start.line), `${block}\n\n`);
    if (tables.length > 0) return insert(endOfLine(tables[tables.length - 1].entryRange.end.line), `\n\n${block}`);
    return atEnd(block);
  }
  const line = `${tomlKey(key)} = ${inherited ? '{ workspace = true }' : `{ path = "${relative}" }`}`;
  const entries = normal.filter((d) => !d.ownTable);
  const next = sortedByName(entries) ? entries.find((d) => d.name > key) : undefined;
  if (next) return insert(startOfLine(next.entryRange.start.line), `${line}\n`);
  if (entries.length > 0) return insert(endOfLine(entries[entries.length - 1].entryRange.end.line), `\n${line}`);
  const table = manifest.tables.find((t) => !t.array && t.key.length === 1 && t.key[0] === 'dependencies');
  if (table) return insert(endOfLine(table.range.start.line), `\n${line}`);
  return atEnd(`[dependencies]\n${line}`);
}

function sortedByName(entries: DependencyEntry[]): boolean {
  return entries.every((d, i) => i === 0 || entries[i - 1].name <= d.name);
}

function tomlKey(key: string): string {
  return /^[A-Za-z0-9_-]+$/.test(key) ? key : JSON.stringify(key);
}

// ---------------------------------------------------------------------------
// Remove a dependency that points at an outside copy of a local crate.

const REMOVE_DEPENDENCY = 'Remove inverted dependency';

export function removeDependencyFix(index: WorkspaceIndex, finding: Finding): Fix {
  const base = { title: REMOVE_DEPENDENCY, code: finding.code, file: finding.file };
  const manifest = index.manifestOf(finding.file);
  const entry = manifest?.dependencies.find((d) => sameRange(d.keyRange, finding.range));
  if (!manifest || !entry) return { ...base, changes: [], refused: 'the manifest changed since it was indexed; save it and try again' };
  const feature = featureUsing(manifest, entry.name);
  if (feature) {
    return { ...base, changes: [], refused: `the feature ${feature} refers to ${entry.name}: without the dependency the manifest would not load` };
  }
  const ranges = [entry.entryRange, ...entry.moreRanges].map((r) => entryLines(manifest, r, entry.ownTable));
  if (ranges.some((r) => !r)) {
    return { ...base, changes: [], refused: 'the entry shares its line with other entries; remove it by hand' };
  }
  return { ...base, changes: [{ kind: 'edit', file: manifest.file, edits: ranges.map((range) => ({ range: range!, newText: '' })) }] };
}

/** A `[features]` entry that names a dependency (`x`, `dep:x`, `x/feat`, `x?/feat`), if one does. */
function featureUsing(manifest: Manifest, name: string): string | undefined {
  let features: unknown;
  try {
    features = (getStaticTOMLValue(parseTOML(manifest.text)) as Record<string, unknown>)['features'];
  } catch {
    return undefined;
  }
  for (const [feature, enables] of Object.entries((features as Record<string, unknown>) ?? {})) {
    if (!Array.isArray(enables)) continue;
    const refers = enables.some(
      (e) => typeof e === 'string' && (e === name || e === `dep:${name}` || e.startsWith(`${name}/`) || e.startsWith(`${name}?/`)),
    );
    if (refers) return feature;
  }
  return undefined;
}

/**
 * The whole lines of a dependency entry: a `key = value` line, or a
 * `[dependencies.x]` table with its body. When a table sits between blank
 * lines, one of them goes with it so the file keeps its spacing.
 */
function entryLines(manifest: Manifest, entry: Range, ownTable: boolean): Range | undefined {
  const lines = manifest.text.split('\n');
  const first = entry.start.line;
  const last = entry.end.line;
  const before = lines[first].slice(0, entry.start.character);
  const after = lines[last].slice(entry.end.character);
  if (before.trim() !== '' || !/^\s*(#.*)?\r?$/.test(after)) return undefined;
  const blank = (i: number) => i >= 0 && i < lines.length && lines[i].trim() === '';
  let end = last + 1;
  if (ownTable && blank(first - 1) && blank(end) && end < lines.length - 1) end++;
  if (end >= lines.length) {
    // The entry ends the file without a newline after it: take the newline before it instead.
    if (first === 0) return { start: { line: 0, character: 0 }, end: { line: last, character: lines[last].length } };
    return { start: { line: first - 1, character: lines[first - 1].length }, end: { line: last, character: lines[last].length } };
  }
  return { start: { line: first, character: 0 }, end: { line: end, character: 0 } };
}

// ---------------------------------------------------------------------------
// Several fixes as one change set, and changes applied to disk.

const NEW_TABLE = /^\n*\[dependencies\]\n/;

/** Merges fixes into one set of changes; a fix whose edits overlap an earlier one's is dropped and returned. */
export function mergeFixes(fixes: Fix[]): { changes: FileChange[]; merged: Fix[]; conflicting: Fix[] } {
  const edits = new Map<string, TextEdit[]>();
  const deletes = new Map<string, FileChange & { kind: 'delete' }>();
  const folders = new Set<string>();
  const merged: Fix[] = [];
  const conflicting: Fix[] = [];
  for (const fix of fixes) {
    if (fix.refused) continue;
    const staged = new Map<string, TextEdit[]>();
    let clash = false;
    for (const change of fix.changes) {
      if (change.kind !== 'edit') continue;
      for (const original of change.edits) {
        const edit = { ...original };
        const existing = [...(edits.get(change.file) ?? []), ...(staged.get(change.file) ?? [])];
        if (existing.some((e) => sameRange(e.range, edit.range) && e.newText === edit.newText)) continue;
        // Two fixes that each start a [dependencies] table at the end of a manifest share one.
        const table = existing.find((e) => sameRange(e.range, edit.range) && NEW_TABLE.test(e.newText) && NEW_TABLE.test(edit.newText));
        if (table) {
          table.newText = table.newText.replace(/\n$/, '') + '\n' + edit.newText.replace(NEW_TABLE, '');
          continue;
        }
        if (existing.some((e) => overlaps(e.range, edit.range))) clash = true;
        staged.set(change.file, [...(staged.get(change.file) ?? []), edit]);
      }
    }
    if (clash) {
      conflicting.push(fix);
      continue;
    }
    for (const [file, list] of staged) edits.set(file, [...(edits.get(file) ?? []), ...list]);
    for (const change of fix.changes) {
      if (change.kind === 'delete') deletes.set(change.file, change);
      if (change.kind === 'deleteFolder') folders.add(change.dir);
    }
    merged.push(fix);
  }
  const changes: FileChange[] = [
    ...[...edits].map(([file, list]): FileChange => ({ kind: 'edit', file, edits: list })),
    ...deletes.values(),
    ...[...folders].map((dir): FileChange => ({ kind: 'deleteFolder', dir })),
  ];
  return { changes, merged, conflicting };
}

/** The text of each edited file after the changes, for a diff or a write. */
export function editedTexts(changes: FileChange[]): Map<string, { before: string; after: string }> {
  const result = new Map<string, { before: string; after: string }>();
  for (const change of changes) {
    if (change.kind !== 'edit') continue;
    const before = result.get(change.file)?.after ?? readText(change.file);
    result.set(change.file, { before: result.get(change.file)?.before ?? before, after: applyEdits(before, change.edits) });
  }
  return result;
}

/** Whether a file still holds what the fix was computed from. */
export function stillMatches(change: FileChange & { kind: 'delete' }): boolean {
  try {
    return createHash('sha1').update(fs.readFileSync(change.file)).digest('base64') === change.byteHash;
  } catch {
    return false;
  }
}

export function applyEdits(text: string, edits: TextEdit[]): string {
  const starts = lineStarts(text);
  const offset = (p: Position) => Math.min(text.length, (starts[p.line] ?? text.length) + p.character);
  const sorted = [...edits].sort((a, b) => offset(b.range.start) - offset(a.range.start));
  let result = text;
  for (const edit of sorted) {
    result = result.slice(0, offset(edit.range.start)) + edit.newText + result.slice(offset(edit.range.end));
  }
  return result;
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

function slice(text: string, range: Range): string {
  const starts = lineStarts(text);
  return text.slice(starts[range.start.line] + range.start.character, starts[range.end.line] + range.end.character);
}

function lineAt(text: string, line: number): string {
  return (text.split('\n')[line] ?? '').replace(/\r$/, '');
}

function readText(file: string): string {
  return fs.readFileSync(file, 'utf8');
}

function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true, recursive: true }).filter((e) => !e.isDirectory()).map((e) => path.join(e.parentPath ?? e.path, e.name));
}

function sameRange(a: Range, b: Range): boolean {
  return a.start.line === b.start.line && a.start.character === b.start.character && a.end.line === b.end.line && a.end.character === b.end.character;
}

function before(a: Position, b: Position): boolean {
  return a.line < b.line || (a.line === b.line && a.character < b.character);
}

function overlaps(a: Range, b: Range): boolean {
  return before(a.start, b.end) && before(b.start, a.end);
}
