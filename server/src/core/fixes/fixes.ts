// Fixes as plain data: which files to edit, delete or leave alone, computed
// from the index. A fix is either correct (the workspace still builds) or
// refused with its reason; the fronts turn the changes into a WorkspaceEdit or
// into writes on disk.
import { createHash } from 'node:crypto';
import { getStaticTOMLValue, parseTOML } from 'toml-eslint-parser';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CloneMember } from '../clones/clones';
import type { IndexView } from '../view';
import type { DependencyEntry, Manifest } from '../cargo/manifest';
import type { Finding, FindingCode, Position, Range } from '../model';
import type { ModuleInfo } from '../source/modules';
import type { ModDeclaration, SourceFacts } from '../source/rust';
import { externCrate } from '../source/resolve/externs';
import type { ExternCrate } from '../source/resolve/externs';
import { hasIdentifier, implOnMovedType } from '../source/resolve/names';
import { CrateScopes } from '../source/resolve/scopes';
import type { Reach } from '../source/resolve/scopes';
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
 * The fixes for one finding (none for codes that have no fix). A copy that
 * must move with other copies (it uses them, or they use its crate-visible
 * items) is fixed with them, as one edit.
 */
export function fixesFor(index: IndexView, finding: Finding): Fix[] {
  // Between versions of one another the frozen copy stays as it is (see core/clones/versions.ts).
  if (finding.versionGroup) return [];
  if (COPY_CODES.has(finding.code)) return [reexportFix(index, finding)];
  if (finding.code === 'inverted-dependency') return [removeDependencyFix(index, finding)];
  return [];
}

/** Plans computed once per request: the closures below ask for the same copies many times. */
class Plans {
  private readonly plans = new Map<string, ReexportPlan | Refusal>();
  constructor(readonly index: IndexView) {}
  of(file: string): ReexportPlan | Refusal {
    let plan = this.plans.get(file);
    if (!plan) this.plans.set(file, (plan = planReexport(this.index, file)));
    return plan;
  }
}

/**
 * The copies that must be re-exported in the same edit as `file`, `file`
 * first: the closure of what each plan requires. It grows over a finite set
 * of files and never shrinks, so it always ends; a refused member stops
 * nothing here, the caller refuses the whole group for it.
 */
function groupOf(plans: Plans, file: string): string[] {
  const group = [file];
  const seen = new Set(group);
  for (let i = 0; i < group.length; i++) {
    const plan = plans.of(group[i]);
    if ('refused' in plan) continue;
    for (const required of plan.requires) {
      if (!seen.has(required)) {
        seen.add(required);
        group.push(required);
      }
    }
  }
  return group;
}

/** A group as one decision: every member's plan, or the member that blocks it and why. */
function decideGroup(plans: Plans, file: string): { members: ReexportPlan[] } | Refusal {
  const own = plans.of(file);
  if ('refused' in own) return own;
  const members: ReexportPlan[] = [];
  for (const member of groupOf(plans, file)) {
    const plan = plans.of(member);
    if ('refused' in plan) {
      return { title: own.title, refused: `${plans.index.display(member)} must go in the same edit and cannot: ${plan.refused}` };
    }
    members.push(plan);
  }
  const cycle = cyclesAmong(plans.index, members).values().next();
  if (!cycle.done) return { title: own.title, refused: cycle.value };
  return { members };
}

function groupTitle(index: IndexView, members: ReexportPlan[]): string {
  const [first, ...others] = members;
  if (others.length === 0) return first.title;
  return `${first.title} (with ${others.map((p) => path.basename(p.copy.file)).join(', ')}, which it uses)`;
}

/**
 * The fixes for several findings applied as one edit. Each copy brings the
 * copies its group needs (also those the findings leave out, as a quick fix
 * would); a copy is dropped while anything it requires is not offered, and
 * the set of offered copies only shrinks, so this ends. Dependency cycles
 * that only the fixes together make are refused too.
 */
export function fixesTogether(index: IndexView, findings: Finding[]): Fix[] {
  const plans = new Plans(index);
  const copies: string[] = [];
  const seen = new Set<string>();
  for (const finding of findings.filter((f) => COPY_CODES.has(f.code))) {
    for (const member of groupOf(plans, finding.file)) if (!seen.has(member) && seen.add(member)) copies.push(member);
  }
  const refused = new Map<string, string>();
  for (const file of copies) {
    const plan = plans.of(file);
    if ('refused' in plan) refused.set(file, plan.refused);
  }
  const changes = new Map<string, FileChange[]>();
  for (let shrank = true; shrank; ) {
    shrank = false;
    const offered = () => copies.filter((f) => !refused.has(f)).map((f) => plans.of(f) as ReexportPlan);
    for (const plan of offered()) {
      const blocker = plan.requires.find((r) => refused.has(r));
      if (blocker) {
        refused.set(plan.copy.file, `it needs ${index.display(blocker)} re-exported in the same edit, which cannot go: ${refused.get(blocker)}`);
        shrank = true;
      }
    }
    for (const [file, reason] of cyclesAmong(index, offered())) {
      refused.set(file, reason);
      shrank = true;
    }
    for (const plan of offered()) {
      if (changes.has(plan.copy.file)) continue;
      const computed = reexportChangesChecked(index, plan);
      if ('refused' in computed) {
        refused.set(plan.copy.file, computed.refused);
        shrank = true;
      } else changes.set(plan.copy.file, computed.changes);
    }
  }
  const fixes: Fix[] = copies.map((file) => {
    const plan = plans.of(file);
    const code = codeOf(index, file);
    const reason = refused.get(file);
    return reason !== undefined ? { title: plan.title, code, file, changes: [], refused: reason } : { title: plan.title, code, file, changes: changes.get(file)! };
  });
  return [...fixes, ...findings.filter((f) => f.code === 'inverted-dependency').map((f) => removeDependencyFix(index, f))];
}

/** duplicate-file or near-duplicate-file, from the clone class: titles are computed while findings are being stored. */
function codeOf(index: IndexView, file: string): FindingCode {
  const keeper = index.cloneClassOf(file)?.members[0];
  return keeper && index.factsOf(file)?.tokenHash !== keeper.facts.tokenHash ? 'near-duplicate-file' : 'duplicate-file';
}

/**
 * Each re-export adds a dependency from the copy's crate on the keeper's. One
 * at a time none makes a cycle, but together they may: a fix whose new
 * dependency would close a cycle with the ones before it is refused.
 */
function cyclesAmong(index: IndexView, plans: ReexportPlan[]): Map<string, string> {
  const added: [Crate, Crate][] = [];
  const refused = new Map<string, string>();
  for (const plan of plans) {
    const from = plan.copy.crate;
    const to = plan.authoritative.crate;
    const cycle = dependencyPath(index.graph, to, from, added);
    if (cycle) {
      const chain = cycle.map((c) => c.name).join(' → ');
      refused.set(plan.copy.file, `with the other fixes, ${to.name} would depend on ${from.name} (${chain}): a cycle`);
      continue;
    }
    added.push([from, to]);
  }
  return refused;
}

/** The title a finding's fix will have, without reading any file: for `fixes` in reports. */
export function fixTitles(index: IndexView, finding: Finding): string[] {
  if (finding.versionGroup) return [];
  if (COPY_CODES.has(finding.code)) {
    const group = decideGroup(new Plans(index), finding.file);
    return 'refused' in group ? [] : [groupTitle(index, group.members)];
  }
  if (finding.code === 'inverted-dependency') return removeDependencyFix(index, finding).refused ? [] : [REMOVE_DEPENDENCY];
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
  /** Copies of the same crate that must be re-exported in the same edit (it uses them, or they use it). */
  requires: string[];
}

interface Refusal {
  title: string;
  refused: string;
}

function planReexport(index: IndexView, file: string): ReexportPlan | Refusal {
  const clone = index.cloneClassOf(file);
  const copy = clone?.members.find((m) => m.file === file);
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
  // #[macro_use] on a mod brings the module's macro_rules! into the rest of
  // the crate's textual scope (the Reference, "Macros By Example", Scoping);
  // a `use` cannot. Without macros in the copy the attribute does nothing, and
  // the fix leaves it out (on a `use` it is a future-incompatibility warning).
  if (declaration.attributes.some((a) => a.name === 'macro_use') && copy.facts.macroDefs.length > 0) {
    return refuse(
      `the module is declared with #[macro_use] and defines ${copy.facts.macroDefs.map((m) => `${m}!`).join(', ')}: ` +
        `a re-export cannot bring them into this crate's textual scope`,
    );
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
  const local = usedOnlyInside(index, copy, authoritative.crate, source);
  if ('reason' in local) return refuse(local.reason);

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
  const paths = samePathsAfterReexport(index, copy, authoritative as CloneMember & { module: ModuleInfo }, externName);
  if ('reason' in paths) return refuse(paths.reason);

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
    requires: [...new Set([...paths.requires, ...local.requires])].filter((f) => f !== copy.file).sort(),
  };
}

export function reexportFix(index: IndexView, finding: Finding): Fix {
  const plans = new Plans(index);
  const group = decideGroup(plans, finding.file);
  const base = { code: finding.code, file: finding.file };
  if ('refused' in group) return { ...base, title: group.title, changes: [], refused: group.refused };
  const title = groupTitle(index, group.members);
  const fixes: Fix[] = [];
  for (const plan of group.members) {
    const computed = reexportChangesChecked(index, plan);
    if ('refused' in computed) {
      const who = plan.copy.file === finding.file ? computed.refused : `${index.display(plan.copy.file)} must go in the same edit and cannot: ${computed.refused}`;
      return { ...base, title, changes: [], refused: who };
    }
    fixes.push({ title: plan.title, code: codeOf(index, plan.copy.file), file: plan.copy.file, changes: computed.changes });
  }
  const { changes, conflicting } = mergeFixes(fixes);
  if (conflicting.length > 0) return { ...base, title, changes: [], refused: `the edits for ${conflicting.map((f) => index.display(f.file)).join(', ')} overlap; fix them one at a time` };
  return { ...base, title, changes };
}

/** The changes of one plan, or why they cannot be made: a file changed since it was indexed. */
function reexportChangesChecked(index: IndexView, plan: ReexportPlan): { changes: FileChange[] } | { refused: string } {
  try {
    const changes = reexportChanges(index, plan);
    // A file the fix deletes must still be what was indexed: an edited copy is not thrown away.
    const changed = changes.find((c): c is FileChange & { kind: 'delete' } => c.kind === 'delete' && !stillMatches(c));
    if (changed) return { refused: `${index.display(changed.file)} changed since it was indexed; save it and try again` };
    return { changes };
  } catch (e) {
    return { refused: (e as Error).message };
  }
}

function reexportChanges(index: IndexView, plan: ReexportPlan): FileChange[] {
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
    if (attribute.name !== 'path' && attribute.name !== 'macro_use') lines.push(slice(parentText, attribute.range).replace(/\r?\n$/, ''));
  }
  const visibility = declaration.visibilityRange ? slice(parentText, declaration.visibilityRange) + ' ' : '';
  const copyName = copy.module!.path[copy.module!.path.length - 1];
  const sourceName = authoritative.module.path[authoritative.module.path.length - 1];
  const alias = copyName === sourceName ? '' : ` as ${copyName}`;
  // An item of the parent module named like the keeper's crate would make `keeper::` ambiguous (E0659): `::keeper` names the crate only.
  const parentFacts = index.factsOf(parent);
  const shadowed = parentFacts && [...parentFacts.itemNames, ...parentFacts.importedNames, ...parentFacts.mods.map((m) => m.name)].includes(plan.externName);
  lines.push(`${visibility}use ${shadowed ? '::' : ''}${[plan.externName, ...authoritative.module.path].join('::')}${alias};`);
  const indent = /^[ \t]*/.exec(lineAt(parentText, declaration.fullRange.start.line))![0];
  // The kept doc comments and attributes end their lines as the file does.
  const eol = /\r\n/.test(slice(parentText, declaration.fullRange)) || /^[^\n]*\r\n/.test(parentText) ? '\r\n' : '\n';
  const changes: FileChange[] = [
    { kind: 'edit', file: parent, edits: [{ range: declaration.fullRange, newText: lines.join(eol + indent) }] },
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
  // The folder of an `x/mod.rs` copy, or the `x/` beside an `x.rs` copy that holds its submodules, once nothing else is in it.
  const dir = path.basename(copy.file) === 'mod.rs' ? path.dirname(copy.file) : copy.file.replace(/\.rs$/, '');
  if (fs.existsSync(dir) && fs.statSync(dir).isDirectory() && filesUnder(dir).every((f) => doomed.includes(f))) {
    // Deepest first: each folder is empty once those below it are gone.
    const folders = fs.readdirSync(dir, { withFileTypes: true, recursive: true }).filter((e) => e.isDirectory()).map((e) => path.join(e.parentPath ?? e.path, e.name));
    for (const folder of folders.sort((a, b) => b.length - a.length)) changes.push({ kind: 'deleteFolder', dir: folder });
    changes.push({ kind: 'deleteFolder', dir });
  }
  return changes;
}

/**
 * A copy's submodules go with it, so each must itself be a copy of the
 * matching submodule of the module kept; a submodule of its own would be lost.
 */
function copiedSubmodules(
  index: IndexView,
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

/** Why other crates cannot use the keeper's library, if they cannot. */
function keeperLinkable(index: IndexView, keeper: Crate): string | undefined {
  const pkg = index.manifestOf(keeper.manifest)?.package;
  if (pkg?.procMacro) return `${keeper.name} is a proc-macro crate, whose modules other crates cannot use`;
  const types = pkg?.libCrateTypes ?? [];
  if (types.length > 0 && !types.some((t) => t === 'lib' || t === 'rlib')) {
    return `${keeper.name}'s library is built as ${types.join(', ')} only, which other crates cannot depend on`;
  }
  return undefined;
}

/** A crate's edition, inherited from the workspace root when it says so; undefined means 2015. */
function editionOf(index: IndexView, crate: Crate): string | undefined {
  const manifest = index.manifestOf(crate.manifest);
  const edition = manifest?.package?.edition;
  if (edition !== 'workspace') return edition;
  return manifest ? workspaceRootOf(manifest, index.allManifests())?.workspace?.edition : undefined;
}

/** A `#[cfg]` on a `mod` on the way to the keeper's module: the module is not always there to re-export. */
function cfgOnTheWay(index: IndexView, info: ModuleInfo): string | undefined {
  for (let current: ModuleInfo | undefined = info; current?.declaredBy; current = index.moduleOf(current.declaredBy.file)) {
    const gated = current.declaredBy.declaration.attributes.find((a) => a.name === 'cfg' || a.name === 'cfg_attr');
    if (gated) return `the module kept is compiled only under a #[${gated.name}(...)] in ${index.display(current.declaredBy.file)}`;
  }
  return undefined;
}

/**
 * What the copy's crate uses of the copy that only a module of its own can
 * give, and what the copy takes from its crate that the keeper's module
 * would take from the keeper's: items visible in the crate alone
 * (`pub(crate)`, also on `use`), `#[cfg(test)]` items, a `#[macro_export]`
 * macro (it lives at the crate root), impls on the module's types that the
 * orphan rule forbids once they are another crate's, a second declaration of
 * the file (another target's, `#[path]`, `include!`), features and `cfg`s
 * (the keeper's module is built with the keeper's), extern crate names that
 * mean another crate in the keeper, and `macro_rules!` of the crate in the
 * copy's textual scope. A file of the crate that is itself a copy of the
 * keeper's module goes with it instead: its uses are the keeper's too.
 */
function usedOnlyInside(index: IndexView, copy: CloneMember, keeper: Crate, source: ModuleInfo): { reason: string } | { requires: string[] } {
  const { facts } = copy;
  const reason = (text: string) => ({ reason: text });
  // What the copy uses is read from its syntax: without a full parse it is unknown, and unknown is never "nothing".
  if (facts.bytesOnly) return reason('the copy is larger than maxFileBytes and was compared by its bytes only: what it uses was not read');
  if (facts.syntaxErrors > 0) return reason(`the grammar could not parse all of the copy (${facts.syntaxErrors} syntax errors): what it uses cannot be read with certainty`);
  if (facts.exportsMacro) return reason('the copy exports a macro (#[macro_export]), which would disappear from this crate');
  if (facts.innerCfg) {
    return reason(`the copy has an inner #![cfg(...)]: whether the module exists would be decided by ${keeper.name}'s build, not ${copy.crate.name}'s`);
  }
  if (facts.cfgFeature) {
    return reason(`the copy has #[cfg(feature = ...)] items: the re-exported module is built with ${keeper.name}'s features, not ${copy.crate.name}'s`);
  }
  // env!() is expanded with the crate being compiled: CARGO_PKG_NAME, a build script's cargo:rustc-env, would be the keeper's.
  const env = facts.macroCalls.find((m) => m === 'env' || m === 'option_env');
  if (env) return reason(`the copy reads ${env}!(...) at compile time, where ${keeper.name}'s values (its package, its build script) would replace ${copy.crate.name}'s`);
  const included = facts.includes[0];
  if (included !== undefined) {
    return reason(`the copy reads ${included ? `"${included}"` : 'a file'} with include!: the re-exported module would read ${keeper.name}'s instead`);
  }
  const name = copy.module!.path[copy.module!.path.length - 1];
  const declaredBy = copy.module!.declaredBy!;
  const crateFiles = [...index.allModules()].filter(([file, info]) => info.crate === copy.crate && file !== copy.file);
  for (const [file, info] of crateFiles) {
    for (const d of index.factsOf(file)?.mods ?? []) {
      const sameFile =
        !d.inline && d.name === name && d.pathAttribute === undefined && d.inlineParents.length === 0 &&
        file !== declaredBy.file && info.path.length === 0 && path.dirname(file) === path.dirname(copy.file);
      if (sameFile) return reason(`the copy is also declared by ${index.display(file)}, another target of ${copy.crate.name}`);
    }
  }
  const readsIt = alsoReads(index, copy.file, declaredBy);
  if (readsIt) return reason(readsIt);
  const macros = crateMacro(index, copy, keeper);
  if (macros) return reason(macros);
  const externs = differentExterns(index, copy, keeper);
  if (externs) return reason(externs);

  const goesAlong = (file: string) => index.cloneClassOf(file)?.members[0].crate === keeper;
  const moved = new Set(facts.typeNames);
  const local = new Set<string>();
  for (const [file] of crateFiles) if (!goesAlong(file)) index.factsOf(file)?.typeNames.forEach((t) => local.add(t));
  const requires: string[] = [];
  // The resolver reads the whole crate: only for a copy that has crate-only or test-only items to look for.
  const reached = facts.restrictedNames.length + facts.testOnlyNames.length > 0 ? reachedFromOutside(index, copy) : () => false;
  // From each file's facts, not its text: fix titles are computed on every save.
  for (const [file] of crateFiles) {
    const theirs = index.factsOf(file);
    if (!theirs) continue;
    const uses = (names: string[]) => names.find((n) => reached(file, n, theirs));
    const restricted = uses(facts.restrictedNames);
    const testOnly = uses(facts.testOnlyNames);
    const impl = implOnMovedType(theirs, moved, local, name);
    if (!restricted && !testOnly && !impl) continue;
    if (goesAlong(file)) {
      requires.push(file);
      continue;
    }
    if (restricted) return reason(`${index.display(file)} uses ${restricted}, which the copy makes visible in this crate only (pub(crate) or narrower)`);
    if (testOnly) {
      return reason(`${index.display(file)} uses ${testOnly}, which the copy declares under #[cfg(test)]: ${keeper.name} is not built with cfg(test) when ${copy.crate.name}'s tests are`);
    }
    return reason(`${index.display(file)}:${impl!.impl.line + 1} ${impl!.why}`);
  }
  const downstream = implementedForBoth(index, copy, keeper, moved);
  if (downstream) return reason(downstream);
  return { requires };
}

/**
 * Whether a file of the copy's crate reaches item `name` of the copy, by the
 * resolver: a `use` or path that resolves to it, or a glob import of the
 * copy's module in a file that names it. Where the resolver cannot tell (an
 * unresolved path ending in that name), it counts as reached.
 */
function reachedFromOutside(index: IndexView, copy: CloneMember): (file: string, name: string, theirs: SourceFacts) => boolean {
  const externs = (n: string) => ['std', 'core', 'alloc'].includes(n) || externCrate(index, copy.crate, n) !== undefined;
  const scopes = index.crateScopes?.(copy.crate, copy.module!.target, externs) ?? new CrateScopes(index, copy.crate, copy.module!.target, externs);
  const reaches = scopes.reachersOf(copy.module!.path);
  const byFile = new Map<string, Reach[]>();
  for (const r of reaches) byFile.set(r.file, [...(byFile.get(r.file) ?? []), r]);
  return (file, name, theirs) => {
    const mine = byFile.get(file) ?? [];
    if (mine.some((r) => r.name === name)) return true;
    if (mine.some((r) => r.glob) && hasIdentifier(theirs, name)) return true;
    // A path or use that the syntax does not resolve, ending in this name: it may be the copy's.
    const moduleOf = index.moduleOf(file)?.path ?? [];
    const unresolved = (module: string[], written: string[]) =>
      written[written.length - 1] === name && scopes.resolve([...moduleOf, ...module], written).kind === 'unresolved';
    return theirs.uses.some((u) => !u.glob && unresolved(u.module, u.path)) || theirs.paths.some((p) => unresolved(p.module, p.path));
  };
}

/** Another declaration that compiles the copy's file (`#[path]` from build.rs, tests or another crate), or an `include!` of it. */
function alsoReads(index: IndexView, file: string, declaredBy: { file: string; declaration: ModDeclaration }): string | undefined {
  for (const other of index.allSourceFiles()) {
    const facts = index.factsOf(other);
    if (!facts) continue;
    for (const d of facts.mods) {
      if (d.inline || d.pathAttribute === undefined || (other === declaredBy.file && d === declaredBy.declaration)) continue;
      if (other === declaredBy.file && d.name === declaredBy.declaration.name && sameRange(d.range, declaredBy.declaration.range)) continue;
      const base = d.inlineParents.length === 0 ? path.dirname(other) : path.join(path.dirname(other), ...d.inlineParents);
      if (path.resolve(base, d.pathAttribute) === file) {
        return `${index.display(other)} also compiles this file (#[path = "${d.pathAttribute}"]), so it cannot be deleted`;
      }
    }
    for (const included of facts.includes) {
      if (included && path.resolve(path.dirname(other), included) === file) {
        return `${index.display(other)} reads this file with include!("${included}"), so it cannot be deleted`;
      }
    }
  }
  return undefined;
}

/** Macros the standard library's prelude provides; any other bare `m!` comes from a `macro_rules!` or a `#[macro_use]` crate. */
const STD_MACROS = new Set([
  'assert', 'assert_eq', 'assert_ne', 'cfg', 'column', 'compile_error', 'concat', 'dbg', 'debug_assert', 'debug_assert_eq',
  'debug_assert_ne', 'env', 'eprint', 'eprintln', 'file', 'format', 'format_args', 'include', 'include_bytes', 'include_str',
  'line', 'matches', 'module_path', 'option_env', 'panic', 'print', 'println', 'stringify', 'todo', 'unimplemented',
  'unreachable', 'vec', 'write', 'writeln', 'thread_local', 'try', 'assert_matches', 'const_format_args',
]);

/**
 * A macro the copy invokes by its bare name that a `macro_rules!` of its
 * crate defines outside it: such a macro reaches the copy through textual
 * scope (defined above the `mod`, or `#[macro_use]`; the Reference, "Macros
 * By Example", scoping), and the keeper's module gets the keeper's macro of
 * that name, or none.
 */
function crateMacro(index: IndexView, copy: CloneMember, keeper: Crate): string | undefined {
  const own = new Set(copy.facts.macroDefs);
  const wanted = copy.facts.macroCalls.filter((m) => !own.has(m) && !STD_MACROS.has(m));
  if (wanted.length === 0) return undefined;
  for (const [file, info] of index.allModules()) {
    if (info.crate !== copy.crate || file === copy.file) continue;
    const defined = wanted.find((m) => index.factsOf(file)?.macroDefs.includes(m));
    if (defined) {
      return `the copy uses ${defined}!, which ${index.display(file)} defines (a macro_rules! in this crate's textual scope): the re-exported module would use ${keeper.name}'s ${defined}! or none`;
    }
  }
  return undefined;
}

/** An extern crate name the copy uses that means another crate in the keeper than in the copy's crate. */
function differentExterns(index: IndexView, copy: CloneMember, keeper: Crate): string | undefined {
  const names = new Set([...copy.facts.useSites.map((u) => u.root), ...copy.facts.pathUses.map((u) => u.name)]);
  for (const name of [...names].sort()) {
    if (name === keeper.libName || name === copy.crate.libName) continue;
    const mine = externCrate(index, copy.crate, name);
    const theirs = externCrate(index, keeper, name);
    if (!mine && !theirs) continue;
    if (mine && theirs && mine.identity === theirs.identity) continue;
    // Not a dependency of the copy's crate: unless the crate declares something by that name, nothing there can depend on what it is.
    if (!mine && !declaresName(index, copy, name)) continue;
    const describe = (e: ExternCrate | undefined, crate: Crate) => (e ? `${e.description} in ${crate.name}` : `not a dependency of ${crate.name}`);
    return `the copy uses ${name}, which is ${describe(mine, copy.crate)} but ${describe(theirs, keeper)}: the re-exported module would be built against ${keeper.name}'s`;
  }
  return undefined;
}

/** Whether the copy or its crate's root declares or imports an item `name` (which would shadow an extern crate of that name). */
function declaresName(index: IndexView, copy: CloneMember, name: string): boolean {
  const root = copy.crate.targets.find((t) => t.kind === copy.module?.target)?.root;
  return [copy.facts, root ? index.factsOf(root) : undefined].some(
    (f) => f !== undefined && (f.itemNames.includes(name) || f.importedNames.includes(name) || f.mods.some((m) => m.name === name)),
  );
}

/**
 * A crate that depends on the copy's crate and implements one trait for the
 * copy's type and for another type of that name: after the re-export the two
 * may be one type, and the impls conflict (E0119).
 */
function implementedForBoth(index: IndexView, copy: CloneMember, keeper: Crate, moved: ReadonlySet<string>): string | undefined {
  const dependents = new Set(index.graph.dependencies.filter((d) => d.to === copy.crate).map((d) => d.from));
  for (const [file, info] of index.allModules()) {
    if (!dependents.has(info.crate)) continue;
    const byTrait = new Map<string, number>();
    for (const impl of index.factsOf(file)?.impls ?? []) {
      const type = impl.type.split('::').pop() ?? '';
      if (!impl.trait || !moved.has(type)) continue;
      const key = `${impl.trait.split('::').pop()} ${type}`;
      byTrait.set(key, (byTrait.get(key) ?? 0) + 1);
      if (byTrait.get(key)! > 1) {
        return `${index.display(file)}:${impl.line + 1} implements ${impl.trait} for two types named ${type}; once ${copy.crate.name}'s is ${keeper.name}'s they may be one type, and the impls would conflict (E0119)`;
      }
    }
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
  index: IndexView,
  copy: CloneMember,
  keeper: CloneMember & { module: ModuleInfo },
  externName: string,
): { reason: string } | { requires: string[] } {
  const { facts } = copy;
  if (facts.tokenHash !== keeper.facts.tokenHash && facts.crateRefs > 0) {
    const reason = (
      `this copy matches ${keeper.crate.name}'s only when its crate:: paths are read as ${copy.crate.libName}::, ` +
      `which in ${keeper.crate.name} names a dependency, not ${copy.crate.name}: the re-exported module would use that ` +
      `dependency's items instead of this crate's. ${waitingFor(index, keeper.crate, copy.crate)}`
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
    // `super::` counts from the module it is written in: inside the copy's own inline modules (`mod tests { use super::*; }`) it names the copy or its inline modules, which move with it.
    ...facts.superPaths
      .filter((p) => p.ups > p.depth && p.ups - p.depth <= own.length)
      .map((p) => ({
        written: `${'super::'.repeat(p.ups)}${p.first}`,
        mine: [...own.slice(0, own.length - (p.ups - p.depth)), p.first],
        theirs: [...keeper.module.path.slice(0, Math.max(0, keeper.module.path.length - (p.ups - p.depth))), p.first],
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
  return { requires: needs };
}

/** Which finding a near duplicate waits for: the keeper's dependency on an outside copy of the copy's crate, where it is written. */
function waitingFor(index: IndexView, keeper: Crate, copyCrate: Crate): string {
  const outside = index.graph.dependencies.find((d) => d.from === keeper && !d.to && packageKey(d.entry.package) === packageKey(copyCrate.name));
  if (!outside) return `Make ${keeper.name}'s copy stop depending on ${copyCrate.libName} first`;
  const at = `${index.display(keeper.manifest)}:${outside.entry.keyRange.start.line + 1}`;
  return `It waits for the inverted-dependency fix at ${at} (remove ${outside.entry.package} from ${keeper.name}, once its uses have moved), then for ${keeper.name}'s copy to use its own paths`;
}

/** The keeper as the workspace root declares it in `[workspace.dependencies]`, if it does. */
function inheritedDependency(index: IndexView, crate: Crate, keeper: Crate): DependencyEntry | undefined {
  const manifest = index.manifestOf(crate.manifest);
  const root = manifest && workspaceRootOf(manifest, index.allManifests());
  return root?.dependencies.find(
    (d) => d.declaredForWorkspace && d.path !== undefined && path.resolve(path.dirname(root.file), d.path) === keeper.dir,
  );
}

/** `mod` declarations from the crate root down to a module that are not `pub`, inline modules included. */
function privateAncestors(index: IndexView, info: ModuleInfo): { file: string; declaration: ModDeclaration }[] {
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
function addDependency(index: IndexView, crate: Crate, keeper: Crate): FileChange {
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

export function removeDependencyFix(index: IndexView, finding: Finding): Fix {
  const base = { title: REMOVE_DEPENDENCY, code: finding.code, file: finding.file };
  const manifest = index.manifestOf(finding.file);
  const entry = manifest?.dependencies.find((d) => sameRange(d.keyRange, finding.range));
  if (!manifest || !entry) return { ...base, changes: [], refused: 'the manifest changed since it was indexed; save it and try again' };
  const feature = featureUsing(manifest, entry.name);
  if (feature) {
    return { ...base, changes: [], refused: `the feature ${feature} refers to ${entry.name}: without the dependency the manifest would not load` };
  }
  const uses = dependencyUses(index, manifest, entry);
  if (uses.length > 0) {
    const shown = uses.slice(0, 8).join(', ') + (uses.length > 8 ? ` and ${uses.length - 8} more` : '');
    return { ...base, changes: [], refused: `the crate still uses ${packageKey(entry.name)}: ${shown}; move those uses first` };
  }
  const ranges = [entry.entryRange, ...entry.moreRanges].map((r) => entryLines(manifest, r, entry.ownTable));
  if (ranges.some((r) => !r)) {
    return { ...base, changes: [], refused: 'the entry shares its line with other entries; remove it by hand' };
  }
  return { ...base, changes: [{ kind: 'edit', file: manifest.file, edits: ranges.map((range) => ({ range: range!, newText: '' })) }] };
}

/**
 * Where the manifest's crate names the dependency, as `file:line`: `use`
 * declarations, paths in code (`dep::f()`, `dep::m!()`, in macro arguments
 * too) and `extern crate`, under the name the crate knows it by (the key,
 * `-` read as `_`, or an unrenamed local package's `[lib] name`). Every file
 * of the crate counts, orphans too: a `mod` inside a macro is not seen.
 */
function dependencyUses(index: IndexView, manifest: Manifest, entry: DependencyEntry): string[] {
  const crate = index.graph.crates.find((c) => c.manifest === manifest.file);
  if (!crate) return [];
  const names = new Set([packageKey(entry.name)]);
  if (entry.name === entry.package) for (const local of index.graph.localPackages(entry.package)) names.add(local.libName);
  const sites: string[] = [];
  const files = [...index.allSourceFiles()].filter((f) => index.graph.crateOf(f) === crate).sort();
  for (const file of files) {
    const facts = index.factsOf(file)!;
    const lines = new Set([
      ...facts.useSites.filter((u) => names.has(u.root)).map((u) => u.range.start.line),
      ...facts.pathUses.filter((u) => names.has(u.name)).map((u) => u.line),
    ]);
    for (const line of [...lines].sort((a, b) => a - b)) sites.push(`${index.display(file)}:${line + 1}`);
  }
  return sites;
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
