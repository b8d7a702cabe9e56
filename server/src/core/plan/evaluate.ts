// The live status of a plan: each item done, open or manual, decided from
// the workspace index (files, manifests, findings) and, for items that name
// Rust items or paths, from the syntax tree of the files they name.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { getStaticTOMLValue, parseTOML } from 'toml-eslint-parser';
import type { WorkspaceIndex } from '../index';
import type { DependencyEntry, Manifest } from '../cargo/manifest';
import type { Location, Range } from '../model';
import { packageKey } from '../cargo/workspace';
import type { Crate } from '../cargo/workspace';
import { isFilePath, stripLine } from './classify';
import type { ItemState, Plan, PlanBase, PlanCheck, PlanCounts, PlanItem, PlanItemStatus, PlanScopeStatus, PlanStatus } from './model';
import { copiesIn } from './findings';
import type { RustFileSyntax, RustSyntax } from './syntax';

/** What evaluation reads from the index. */
export type PlanIndex = Pick<
  WorkspaceIndex,
  'roots' | 'graph' | 'factsOf' | 'manifestOf' | 'allManifests' | 'allModules' | 'allFindings' | 'cloneClassOf'
>;

export interface PlanContext {
  index: PlanIndex;
  /** Loaded once by the front (`await RustSyntax.load()`); parses the files items name. */
  syntax: RustSyntax;
}

const COPY_CODES = new Set(['duplicate-file', 'near-duplicate-file']);
/** How many files an evidence string lists before "and N more". */
const LISTED = 5;

export function evaluatePlan(plan: Plan, context: PlanContext): PlanStatus {
  const paths = new PlanPaths(plan, context.index);
  const evaluate = (item: PlanItem) => evaluateItem(item, context, paths);
  const scopes: PlanScopeStatus[] = plan.scopes.map((scope) => {
    const items = [...scope.tasks, ...scope.decommissioning].map(evaluate);
    return {
      number: scope.number,
      title: scope.title,
      line: scope.line,
      ...(scope.phase ? { phase: scope.phase.title } : {}),
      done: items.filter(isDone).length,
      total: items.length,
      items,
    };
  });
  const other = plan.other.map(evaluate);
  const all = [...scopes.flatMap((s) => s.items), ...other];
  const counts: PlanCounts = {
    done: all.filter((i) => i.status === 'done').length,
    open: all.filter((i) => i.status === 'open').length,
    manual: all.filter((i) => i.status === 'manual').length,
    regressed: all.filter((i) => i.regressed).length,
    markable: all.filter((i) => i.markable).length,
    total: all.length,
  };
  return { file: plan.file, ...(paths.base ? { base: paths.base } : {}), scopes, other, counts };
}

/** Done by the code, or a manual item whose box is ticked. */
function isDone(item: PlanItemStatus): boolean {
  return item.status === 'done' || (item.status === 'manual' && item.checked === true);
}

interface Verdict {
  status: ItemState;
  evidence: string;
  files: string[];
  at?: Location;
}

function evaluateItem(item: PlanItem, context: PlanContext, paths: PlanPaths): PlanItemStatus {
  let verdict: Verdict;
  try {
    verdict = decide(item.check, item, context, paths);
  } catch (e) {
    // A check that cannot run (a file vanished mid-read) degrades to open with the reason.
    verdict = { status: 'open', evidence: `cannot be checked: ${(e as Error).message}`, files: [] };
  }
  const checked = item.kind === 'task' ? item.checked : undefined;
  return {
    kind: item.kind,
    text: item.text,
    line: item.line,
    ...(item.kind === 'task' ? { checked: item.checked, checkbox: item.checkbox } : {}),
    check: item.check.kind,
    status: verdict.status,
    evidence: verdict.evidence,
    regressed: checked === true && verdict.status === 'open',
    markable: checked === false && verdict.status === 'done',
    files: verdict.files,
    ...(verdict.at ? { at: verdict.at } : {}),
  };
}

function decide(check: PlanCheck, item: PlanItem, { index, syntax }: PlanContext, paths: PlanPaths): Verdict {
  const done = (evidence: string, files: string[], at?: Location): Verdict => ({ status: 'done', evidence, files, ...(at ? { at } : {}) });
  const open = (evidence: string, files: string[], at?: Location): Verdict => ({ status: 'open', evidence, files, ...(at ? { at } : {}) });

  switch (check.kind) {
    case 'file-absent': {
      const verdicts = [check.path, ...(check.also ?? [])].map((p) => fileAbsent(p, index, paths));
      if (verdicts.length === 1) return verdicts[0];
      // Every file named must be absent.
      const files = verdicts.flatMap((v) => v.files);
      const left = verdicts.filter((v) => v.status !== 'done');
      if (left.length === 0) return done(verdicts.map((v) => v.evidence).join('; '), files);
      return open(left.map((v) => v.evidence).join('; '), files, left[0].at);
    }
    case 'file-present': {
      const file = paths.file(check.path);
      const shown = paths.written(check.path);
      if (!paths.exists(file)) return open(`${shown} does not exist yet`, [file]);
      const lines = index.factsOf(file)?.lines;
      return done(`${shown} exists${lines !== undefined ? ` (${lines} lines)` : ''}`, [file], { file, range: lineRange(0) });
    }
    case 'copies-absent': {
      const located = paths.locate(check.dir);
      const dir = located.file;
      const shown = paths.written(check.dir);
      if (!located.found) return open(`cannot find where ${stripLine(check.dir)} is in this workspace`, []);
      const copies = copiesIn(index.allFindings(), dir);
      const files = [...new Set(copies.map((c) => c.file))].sort();
      if (files.length === 0) return done(`no copy of another crate's module is left in ${shown}`, [dir]);
      const names = listed(files.map((f) => path.relative(dir, f).split(path.sep).join('/')));
      const first = copies.find((c) => c.finding.file === c.file)?.finding ?? copies[0].finding;
      return open(`${count(files.length, 'copy', 'copies')} left in ${shown}: ${names}`, [dir], { file: first.file, range: first.range });
    }
    case 'dependency-present':
    case 'dependency-absent': {
      const found = paths.manifest(check.manifest);
      if ('missing' in found) return open(found.missing, found.file ? [found.file] : []);
      const { manifest, shown } = found;
      const entry = manifest.dependencies.find((d) => packageKey(d.name) === packageKey(check.dependency) || packageKey(d.package) === packageKey(check.dependency));
      const at = entry && { file: manifest.file, range: entry.keyRange };
      const where = entry && `${entry.name} is${check.kind === 'dependency-absent' ? ' still' : ''} a dependency in ${shown} (line ${entry.keyRange.start.line + 1})`;
      if (check.kind === 'dependency-absent') {
        return entry ? open(where!, [manifest.file], at) : done(`${shown} no longer depends on ${check.dependency}`, [manifest.file]);
      }
      if (!entry) return open(`${shown} has no ${check.dependency} dependency`, [manifest.file]);
      if (check.optional && !entry.optional) return open(`${where}, but not optional`, [manifest.file], at);
      const enabled = new Set([...entry.features, ...inheritedFeatures(index, entry)]);
      const lacking = (check.features ?? []).filter((f) => !enabled.has(f));
      if (lacking.length > 0) return open(`${where}, but without the ${featureList(lacking)}`, [manifest.file], at);
      const by = entry.source === 'path' && entry.path ? `, by path ${entry.path}` : '';
      const features = check.features && check.features.length > 0 ? `, with the ${featureList(check.features)}` : '';
      return done(`${where}${by}${features}`, [manifest.file], at);
    }
    case 'feature-present': {
      const found = paths.manifest(check.manifest);
      if ('missing' in found) return open(found.missing, found.file ? [found.file] : []);
      const line = featureLine(found.manifest.text, check.feature);
      if (line === undefined) return open(`${found.shown} has no ${check.feature} feature`, [found.manifest.file]);
      return done(`${found.shown} has the ${check.feature} feature (line ${line + 1})`, [found.manifest.file], { file: found.manifest.file, range: lineRange(line) });
    }
    case 'item-absent': {
      const scope = paths.files(check.in);
      if ('missing' in scope) return open(scope.missing, []);
      const what = `${check.item} ${check.name}`;
      for (const file of scope.files) {
        const read = syntax.readFile(file, index.factsOf(file)?.byteHash);
        if (!read || !read.text.includes(check.name)) continue;
        const found = read.syntax.items.find((i) => i.kind === check.item && i.name === check.name);
        if (found) {
          return open(`${what} is still in ${paths.display(file)} (line ${found.range.start.line + 1})`, [file], { file, range: found.range });
        }
      }
      if (scope.crate) return done(`no ${what} is left in crate ${scope.crate.name}`, scope.files);
      const [file] = scope.files;
      if (!paths.exists(file)) return done(`${paths.written(check.in)} is absent`, [file]);
      return done(`${paths.written(check.in)} has no ${what}`, [file]);
    }
    case 'module-exported': {
      const file = paths.file(check.path);
      const shown = paths.written(check.path);
      const read = syntax.readFile(file, index.factsOf(file)?.byteHash);
      if (!read) return open(`${shown} does not exist`, [file]);
      const declared = read.syntax.items.find((i) => i.kind === 'mod' && i.name === check.module);
      const at = declared && { file, range: declared.range };
      if (declared && isPublic(declared.visibility)) return done(`${shown} declares ${declared.visibility} mod ${check.module} (line ${at!.range.start.line + 1})`, [file], at);
      const reexport = read.syntax.uses.find((u) => isPublic(u.visibility) && (u.alias ?? u.path[u.path.length - 1]) === check.module);
      if (reexport) return done(`${shown} re-exports ${reexport.path.join('::')} (line ${reexport.range.start.line + 1})`, [file], { file, range: reexport.range });
      if (declared) return open(`${shown} declares mod ${check.module}, but not pub (line ${at!.range.start.line + 1})`, [file], at);
      return open(`${shown} does not declare the module ${check.module}`, [file]);
    }
    case 'code-present': {
      const file = paths.file(check.path);
      const shown = paths.written(check.path);
      const read = syntax.readFile(file, index.factsOf(file)?.byteHash);
      if (!read) return open(`${shown} does not exist`, [file]);
      const own = crateName(index, file);
      const snippet = syntax.read(check.code);
      const missing: string[] = [];
      let first: Range | undefined;
      for (const wanted of snippet.uses) {
        const found = read.syntax.uses.find(
          (u) => samePath(normalise(u.path, own), normalise(wanted.path, own)) && u.glob === wanted.glob && (!isPublic(wanted.visibility) || isPublic(u.visibility)),
        );
        if (found) first ??= found.range;
        else missing.push(`${wanted.visibility ? wanted.visibility + ' ' : ''}use ${wanted.path.join('::')}${wanted.glob ? '::*' : ''}`);
      }
      for (const wanted of snippet.items) {
        const found = read.syntax.items.find((i) => i.kind === wanted.kind && i.name === wanted.name && (!isPublic(wanted.visibility) || isPublic(i.visibility)));
        if (found) first ??= found.range;
        else missing.push(`${wanted.visibility ? wanted.visibility + ' ' : ''}${wanted.kind} ${wanted.name}`);
      }
      if (snippet.uses.length === 0 && snippet.items.length === 0) {
        // Not a declaration: look for the code as written, spacing aside.
        const squeeze = (s: string) => s.replace(/\s+/g, ' ').trim();
        return squeeze(read.text).includes(squeeze(check.code)) ? done(`${shown} has ${check.code}`, [file]) : open(`${shown} does not have ${check.code}`, [file]);
      }
      if (missing.length > 0) return open(`${shown} lacks ${missing.join(', ')}`, [file]);
      return done(`${shown} has ${check.code.trim()} (line ${first!.start.line + 1})`, [file], { file, range: first! });
    }
    case 'refers-to': {
      const file = paths.file(check.path);
      const shown = paths.written(check.path);
      const read = syntax.readFile(file, index.factsOf(file)?.byteHash);
      if (!read) return open(`${shown} does not exist`, [file]);
      const note = check.fromTable ? ' (the change its target-file table names)' : '';
      const own = crateName(index, file);
      const target = normalise(check.target.split('::'), own);
      const found = reference(read.syntax, target, check.how, own);
      const verb = check.how === 'reexport' ? 're-exports' : check.how === 'import' ? 'imports' : 'refers to';
      if (!found) {
        const missing = check.how === 'reexport' ? `re-export anything from ${check.target}` : check.how === 'import' ? `import from ${check.target}` : `refer to ${check.target}`;
        return open(`${shown} does not ${missing}${note}`, [file]);
      }
      const said = `${shown} ${verb} ${found.what} (line ${found.range.start.line + 1})${note}`;
      if (check.how === 'reexport') {
        // Re-exporting some modules is not done while the file still declares a copy of another crate's module.
        const copies = index
          .allFindings()
          .filter((f) => COPY_CODES.has(f.code) && f.declaration?.file === file)
          .sort((a, b) => a.declaration!.range.start.line - b.declaration!.range.start.line);
        if (copies.length > 0) {
          const names = listed(copies.map((f) => `${paths.display(f.file)} (line ${f.declaration!.range.start.line + 1})`));
          return open(`${said}, but still declares ${count(copies.length, 'copy', 'copies')} of another crate's module: ${names}`, [file, ...copies.map((f) => f.file)], {
            file,
            range: copies[0].declaration!.range,
          });
        }
      }
      return done(said, [file], { file, range: found.range });
    }
    case 'imports-absent': {
      const scope = paths.files(check.in);
      if ('missing' in scope) return open(scope.missing, []);
      const root = packageKey(check.root);
      const sites: Location[] = [];
      for (const file of scope.files) {
        const facts = index.factsOf(file);
        const uses = facts ? facts.useSites.filter((s) => s.root === root).map((s) => s.range) : (syntax.readFile(file)?.syntax.uses ?? []).filter((u) => u.path[0] === root).map((u) => u.range);
        for (const range of uses) sites.push({ file, range });
      }
      const shown = scope.crate ? `crate ${scope.crate.name}` : paths.written(check.in);
      if (sites.length === 0) return done(`no use of ${check.root} is left in ${shown}`, scope.files);
      const [first] = sites;
      const more = sites.length > 1 ? `, and ${count(sites.length - 1, 'more')}` : '';
      return open(`${paths.display(first.file)} still uses ${check.root} (line ${first.range.start.line + 1})${more}`, [...new Set(sites.map((s) => s.file))], first);
    }
    case 'manual': {
      const state = item.kind === 'task' ? `; the checkbox says ${item.checked ? 'done' : 'not done'}` : '';
      return { status: 'manual', evidence: `${check.reason}${state}`, files: [] };
    }
  }
}

/** One path of a `file-absent` check: absent where its folder is, still there, or nowhere to be found. */
function fileAbsent(written: string, index: PlanIndex, paths: PlanPaths): Verdict {
  const located = paths.locate(written);
  const file = located.file;
  const shown = paths.written(written);
  if (!located.found) {
    // A path that resolves nowhere says nothing about the file: never done.
    if (!located.folder) return { status: 'open', evidence: `cannot find where ${stripLine(written)} is in this workspace`, files: [] };
    return { status: 'done', evidence: `${shown} is absent`, files: [file] };
  }
  const facts = index.factsOf(file);
  const kept = index.cloneClassOf(file)?.members[0];
  const notes = [
    facts ? `${facts.lines} lines` : undefined,
    kept && kept.file !== file ? `a copy of ${paths.display(kept.file)}` : undefined,
  ].filter((n) => n !== undefined);
  return { status: 'open', evidence: `${shown} is still there${notes.length > 0 ? ` (${notes.join(', ')})` : ''}`, files: [file], at: { file, range: lineRange(0) } };
}

/** Where a file refers to a path: through a `use`, a path in code, or (for one segment) any identifier. */
function reference(
  syntax: RustFileSyntax,
  target: string[],
  how: 'refer' | 'import' | 'reexport',
  own: string | undefined,
): { what: string; range: Range } | undefined {
  const uses = syntax.uses.map((u) => ({ ...u, path: normalise(u.path, own) }));
  const starts = (p: string[], prefix: string[]) => prefix.length <= p.length && prefix.every((s, i) => p[i] === s);
  if (how !== 'refer') {
    const matching = uses.filter((u) => starts(u.path, target) && (how === 'import' || isPublic(u.visibility)));
    if (matching.length === 0) return undefined;
    const what = matching.length === 1 ? matching[0].path.join('::') : `${matching.length} paths from ${target.join('::')}`;
    return { what, range: matching[0].range };
  }
  if (target.length === 1) {
    const range = syntax.identifiers.get(target[0]);
    if (range) return { what: target[0], range };
    const imported = uses.find((u) => u.path[0] === target[0]);
    return imported && { what: imported.path.join('::'), range: imported.range };
  }
  const direct = uses.find((u) => !u.glob && starts(u.path, target));
  if (direct) return { what: direct.path.join('::'), range: direct.range };
  // A path in code whose first segment a `use` brought in: `use a::b;` then `b::c()` is `a::b::c`.
  const bindings = new Map<string, string[]>();
  for (const u of uses) if (!u.glob) bindings.set(u.alias ?? u.path[u.path.length - 1], u.path);
  for (const p of syntax.paths) {
    const local = normalise(p.path, own);
    const full = bindings.has(local[0]) ? [...bindings.get(local[0])!, ...local.slice(1)] : local;
    if (starts(full, target)) return { what: full.join('::'), range: p.range };
  }
  const glob = uses.find((u) => u.glob && starts(target, u.path) && target.length === u.path.length + 1 && syntax.identifiers.has(target[target.length - 1]));
  if (glob) return { what: `${target.join('::')} through use ${glob.path.join('::')}::*`, range: syntax.identifiers.get(target[target.length - 1])! };
  return undefined;
}

/** `crate::x` as `<lib>::x`, and a package name's `-` as `_`, so paths written either way compare. */
function normalise(segments: string[], own: string | undefined): string[] {
  if (segments.length === 0) return segments;
  const [head, ...rest] = segments;
  if (head === 'crate' && own) return [own, ...rest];
  return [head.replace(/-/g, '_'), ...rest];
}

function samePath(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((s, i) => s === b[i]);
}

function crateName(index: PlanIndex, file: string): string | undefined {
  return index.graph.crateOf(file)?.libName;
}

function isPublic(visibility: string): boolean {
  return visibility.startsWith('pub');
}

/** The line of `name` in a manifest's `[features]` table, or undefined when the feature is not there. */
function featureLine(text: string, name: string): number | undefined {
  try {
    const ast = parseTOML(text);
    const value = getStaticTOMLValue(ast) as Record<string, unknown>;
    const features = value['features'];
    if (features === null || typeof features !== 'object' || !(name in features)) return undefined;
    for (const item of ast.body[0].body) {
      if (item.type !== 'TOMLTable' || item.resolvedKey.join('.') !== 'features') continue;
      for (const kv of item.body) {
        const key = kv.key.keys[0];
        if ((key.type === 'TOMLBare' ? key.name : key.value) === name) return kv.loc.start.line - 1;
      }
    }
    return 0;
  } catch {
    return undefined;
  }
}

/** The features a `x = { workspace = true }` entry inherits from the `[workspace.dependencies]` declaration of x. */
function inheritedFeatures(index: PlanIndex, entry: DependencyEntry): string[] {
  if (entry.source !== 'workspace') return [];
  for (const manifest of index.allManifests().values()) {
    const declared = manifest.dependencies.find((d) => d.declaredForWorkspace && d.name === entry.name);
    if (declared) return declared.features;
  }
  return [];
}

/** "python feature", "python and pyarrow features". */
function featureList(features: string[]): string {
  const names = features.length > 1 ? `${features.slice(0, -1).join(', ')} and ${features[features.length - 1]}` : features[0];
  return `${names} ${features.length === 1 ? 'feature' : 'features'}`;
}

function lineRange(line: number): Range {
  return { start: { line, character: 0 }, end: { line, character: 0 } };
}

function count(n: number, one: string, many = one): string {
  return `${n} ${n === 1 ? one : many}`;
}

function listed(names: string[]): string {
  const shown = names.slice(0, LISTED).join(', ');
  return names.length > LISTED ? `${shown} and ${names.length - LISTED} more` : shown;
}

// ---------------------------------------------------------------------------
// Paths in the plan are relative to the repository that holds the Rust
// workspace (`rust/datafusion_ext/...`), while the index's roots may be that
// repository or the workspace folder itself (`rust/`). Each root, then its
// parent, then the plan's own folder is tried; the one under which most of
// the plan's paths exist is the base, and a path missing under it is still
// looked for under the others.

type ManifestLookup = { manifest: Manifest; shown: string } | { missing: string; file?: string };
type FileScope = { files: string[]; crate?: Crate } | { missing: string };
/** Where a plan path is; `folder` when its folder is (so a file not found there is absent). */
interface Located {
  file: string;
  found: boolean;
  folder: boolean;
}

class PlanPaths {
  readonly base: PlanBase | undefined;
  private readonly bases: PlanBase[];
  private known: string[] | undefined;

  constructor(
    plan: Plan,
    private readonly index: PlanIndex,
  ) {
    const candidates: PlanBase[] = [
      ...index.roots.map((root): PlanBase => ({ dir: root, relativeTo: 'root', root })),
      ...index.roots.map((root): PlanBase => ({ dir: path.dirname(root), relativeTo: 'parent', root })),
      { dir: path.dirname(plan.file), relativeTo: 'plan', root: path.dirname(plan.file) },
    ];
    const written = planPaths(plan);
    const scored = candidates.map((base, order) => ({
      base,
      order,
      score: written.filter((p) => this.exists(path.resolve(base.dir, p))).length,
    }));
    scored.sort((a, b) => b.score - a.score || a.order - b.order);
    this.bases = scored.map((s) => s.base);
    this.base = scored.length > 0 && scored[0].score > 0 ? scored[0].base : index.roots.length > 0 ? candidates[0] : undefined;
    if (this.base) this.bases = [this.base, ...this.bases.filter((b) => b !== this.base)];
  }

  /** Known to the index (a source in a crate, a manifest) or on disk. */
  exists(file: string): boolean {
    return this.index.factsOf(file) !== undefined || this.index.manifestOf(file) !== undefined || fs.existsSync(file);
  }

  /** A plan path as absolute path: see `locate`. */
  file(written: string): string {
    return this.locate(written).file;
  }

  /**
   * Where a plan path is: under the base if it exists there, else under
   * another base, else by a suffix under a workspace folder (the plan says
   * `rust/x/src/lib.rs`, the folder holds `x/`), else a lone file name found
   * in the index. A path found nowhere is placed in the folder its parent
   * resolves to (`folder`: a deleted file's folder is still there), or, when
   * the parent resolves nowhere either, under the base.
   */
  locate(written: string): Located {
    const relative = stripLine(written).replace(/\/+$/, '');
    if (path.isAbsolute(relative)) return { file: relative, found: this.exists(relative), folder: this.exists(path.dirname(relative)) };
    const found = this.find(relative);
    if (found) return { file: found, found: true, folder: true };
    const slash = relative.lastIndexOf('/');
    const unresolved = path.resolve(this.base?.dir ?? '.', relative);
    // A lone file name the index does not hold: absent from the workspace.
    if (slash < 0) return { file: unresolved, found: false, folder: this.base !== undefined };
    const parent = this.find(relative.slice(0, slash));
    if (parent) return { file: path.join(parent, relative.slice(slash + 1)), found: false, folder: true };
    return { file: unresolved, found: false, folder: false };
  }

  private find(relative: string): string | undefined {
    for (const base of this.bases) {
      const candidate = path.resolve(base.dir, relative);
      if (this.exists(candidate)) return candidate;
    }
    // Leading folders the workspace does not have: the shortest suffix kept is a folder and a name.
    const segments = relative.split('/').filter((s) => s !== '' && s !== '.');
    for (let drop = 1; segments.length - drop >= 2; drop++) {
      const rest = segments.slice(drop).join('/');
      for (const root of this.index.roots) {
        const candidate = path.resolve(root, rest);
        if (this.exists(candidate)) return candidate;
      }
    }
    return relative.includes('/') ? undefined : this.byName(relative);
  }

  /** A path as the plan wrote it, for evidence; where it was found, when that is elsewhere. */
  written(p: string): string {
    const relative = stripLine(p).replace(/\/+$/, '');
    if (path.isAbsolute(relative)) return relative;
    const located = this.locate(relative);
    const shown = this.display(located.file);
    const trailing = stripLine(p).endsWith('/') ? '/' : '';
    return located.found && shown !== relative ? `${relative}${trailing} (${shown}${trailing})` : stripLine(p);
  }

  /** A file the plan did not name, shown relative to the base. */
  display(file: string): string {
    if (!this.base) return file;
    const relative = path.relative(this.base.dir, file);
    return relative.startsWith('..') ? file : relative.split(path.sep).join('/');
  }

  manifest(written: string): ManifestLookup {
    let file: string;
    let shown = stripLine(written);
    if (/(?:^|\/)Cargo\.toml$/.test(shown)) {
      file = this.file(shown);
    } else {
      const crate = this.crate(shown);
      if (!crate) return { missing: `no crate ${shown} in the workspace` };
      file = crate.manifest;
      shown = this.display(file);
    }
    const manifest = this.index.manifestOf(file);
    if (!manifest) return { missing: `${shown} is not in the workspace`, file };
    if (manifest.error) return { missing: `${shown} does not parse: ${manifest.error.message}`, file };
    return { manifest, shown };
  }

  /** The files an item's `in` names: one file, or every module of a crate. */
  files(written: string): FileScope {
    const name = stripLine(written);
    if (isFilePath(name) && !this.crate(name)) {
      const located = this.locate(name);
      if (!located.found && !located.folder) return { missing: `cannot find where ${name} is in this workspace` };
      return { files: [located.file] };
    }
    const crate = this.crate(name);
    if (!crate) return { missing: `no crate or file ${name} in the workspace` };
    const files = [...this.index.allModules()]
      .filter(([, info]) => info.crate === crate)
      .map(([file]) => file)
      .sort();
    return { files, crate };
  }

  /** A crate by package or library name, or by its folder. */
  crate(name: string): Crate | undefined {
    const crates = this.index.graph.crates;
    if (/^[A-Za-z0-9_-]+$/.test(name)) {
      const byName = crates.find((c) => packageKey(c.name) === packageKey(name) || c.libName === packageKey(name));
      if (byName) return byName;
    }
    if (!name.includes('/')) return undefined;
    const dir = this.file(name);
    return this.index.graph.crateAt(dir);
  }

  /** A file named without its folder (`codeanatomy_ext.rs`): the index's one file of that name, the shortest path if several. */
  private byName(name: string): string | undefined {
    this.known ??= [...this.index.allModules().keys(), ...this.index.allManifests().keys()].sort((a, b) => a.length - b.length || a.localeCompare(b));
    return this.known.find((f) => path.basename(f) === name);
  }
}

/** Every path the plan's items and tables name, for choosing the base. */
function planPaths(plan: Plan): string[] {
  const out: string[] = [];
  const add = (p: string | undefined) => {
    if (p && p.includes('/')) out.push(stripLine(p).replace(/\/+$/, ''));
  };
  const items = [...plan.other, ...plan.scopes.flatMap((s) => [...s.tasks, ...s.decommissioning])];
  for (const item of items) {
    const check = item.check;
    if ('path' in check) add(check.path);
    if ('also' in check) check.also?.forEach(add);
    if ('dir' in check) add(check.dir);
    if ('manifest' in check) add(check.manifest);
    if ('in' in check) add(check.in);
    if (item.kind === 'decommission') add(item.path);
  }
  for (const table of plan.scopes.flatMap((s) => s.tables)) for (const row of table.rows) add(row.file);
  return out;
}

