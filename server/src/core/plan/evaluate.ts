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
import type { ItemState, Plan, PlanBase, PlanCheck, PlanCounts, PlanItem, PlanItemStatus, PlanScopeStatus, PlanStatus, RustItemKind, PlanSketch, TargetFileTable } from './model';
import { copiesIn } from './findings';
import type { RustFileSyntax, RustItem, RustSyntax } from './syntax';
import type { PlanHistory } from './history';

/** What evaluation reads from the index. */
export type PlanIndex = Pick<
  WorkspaceIndex,
  'roots' | 'graph' | 'factsOf' | 'manifestOf' | 'allManifests' | 'allModules' | 'allFindings' | 'cloneClassOf'
>;

export interface PlanContext {
  index: PlanIndex;
  /** Loaded once by the front (`await RustSyntax.load()`); parses the files items name. */
  syntax: RustSyntax;
  /** The files as they were when the plan was written (`gitHistory(plan)`), to tell a removed item from a renamed one. */
  history?: PlanHistory;
}

const COPY_CODES = new Set(['duplicate-file', 'near-duplicate-file']);
/** Findings that make a file a copy of another crate's module, diverged ones included. */
const MOVED_CODES = new Set(['duplicate-file', 'near-duplicate-file', 'diverged-copy']);
/** A target-file table's change or status cell that says the row is a copy to get rid of. */
const LISTED_COPY = /^[\W_]*(?:identical|duplicate|duplicated|diverged|minor diff|subset|copy|delete)\b/i;
/** How many files an evidence string lists before "and N more". */
const LISTED = 5;

export function evaluatePlan(plan: Plan, context: PlanContext): PlanStatus {
  const paths = new PlanPaths(plan, context.index);
  const aliases = fileAliases(plan, context, paths);
  const created = new Set(
    [...plan.other, ...plan.scopes.flatMap((s) => s.tasks)].flatMap((i) => (i.check.kind === 'file-present' ? [paths.file(i.check.path)] : [])),
  );
  const evaluate = (tables: readonly TargetFileTable[]) => (item: PlanItem) => evaluateItem(item, context, paths, { tables, aliases, created });
  const scopes: PlanScopeStatus[] = plan.scopes.map((scope) => {
    const items = [...scope.tasks, ...scope.decommissioning].map(evaluate(scope.tables));
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
  const other = plan.other.map(evaluate([]));
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

/** What an item is read against besides the index: its scope's tables, and the files the plan names under other names here. */
interface ItemContext {
  tables: readonly TargetFileTable[];
  aliases: FileAliases;
  /** The files the plan's items create, where they are (or would be). */
  created: ReadonlySet<string>;
}

function evaluateItem(item: PlanItem, context: PlanContext, paths: PlanPaths, around: ItemContext): PlanItemStatus {
  let verdict: Verdict;
  try {
    verdict = decide(item.check, item, context, paths, around);
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

function decide(check: PlanCheck, item: PlanItem, context: PlanContext, paths: PlanPaths, around: ItemContext): Verdict {
  const { index, syntax } = context;
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
      if (!paths.exists(file)) {
        const alias = around.aliases.get(file);
        if (alias) {
          const lacking = (check.holds ?? []).filter((h) => !alias.holds.includes(h));
          const note = (alias.sketch ? ' (the item the plan sketches it with)' : '') + (lacking.length > 0 ? `; it has no ${lacking.join(', ')}` : '');
          return done(
            `${shown} does not exist, but ${paths.display(alias.file)} holds ${alias.item.kind} ${alias.item.name} (line ${alias.item.range.start.line + 1}): the file the plan means, under another name${note}`,
            [alias.file],
            { file: alias.file, range: alias.item.range },
          );
        }
        return open(`${shown} does not exist yet`, [file]);
      }
      const lines = index.factsOf(file)?.lines;
      return done(`${shown} exists${lines !== undefined ? ` (${lines} lines)` : ''}`, [file], { file, range: lineRange(0) });
    }
    case 'copies-absent': {
      const located = paths.locate(check.dir);
      const dir = located.file;
      const shown = paths.written(check.dir);
      if (!located.found) return open(`cannot find where ${stripLine(check.dir)} is in this workspace`, []);
      const copies = copiesIn(index.allFindings(), dir);
      // A file the scope's tables list as a copy counts while it is there, whatever the index's thresholds say.
      const listedCopies = around.tables
        .flatMap((t) => t.rows)
        .filter((r) => r.change !== undefined && LISTED_COPY.test(r.change))
        .map((r) => paths.locate(r.file.includes('/') ? r.file : `${stripLine(check.dir).replace(/\/+$/, '')}/${r.file}`))
        .filter((l) => l.found && l.file.startsWith(dir + path.sep))
        .map((l) => l.file);
      const files = [...new Set([...copies.map((c) => c.file), ...listedCopies])].sort();
      if (files.length === 0) return done(`no copy of another crate's module is left in ${shown}`, [dir]);
      const names = listed(files.map((f) => path.relative(dir, f).split(path.sep).join('/')));
      const first = copies.find((c) => c.finding.file === c.file)?.finding ?? copies[0]?.finding;
      const at = first ? { file: first.file, range: first.range } : { file: files[0], range: lineRange(0) };
      return open(`${count(files.length, 'copy', 'copies')} left in ${shown}: ${names}`, [dir], at);
    }
    case 'dependency-present':
    case 'dependency-absent': {
      const found = paths.manifest(check.manifest);
      if ('missing' in found) return open(found.missing, found.file ? [found.file] : []);
      const { manifest, shown } = found;
      const named = (d: DependencyEntry) => packageKey(d.name) === packageKey(check.dependency) || packageKey(d.package) === packageKey(check.dependency);
      const workspace = check.kind === 'dependency-present' && check.workspace === true;
      const entries = manifest.dependencies.filter((d) => named(d) && d.declaredForWorkspace === workspace);
      const kindOf = (d: DependencyEntry) => (d.kind === 'normal' ? 'dependency' : `${d.kind}-dependency`);
      const whereOf = (d: DependencyEntry, still = false) =>
        `${d.name} is${still ? ' still' : ''} ${workspace ? 'declared in [workspace.dependencies]' : `a ${kindOf(d)}`} in ${shown} (line ${d.keyRange.start.line + 1})`;
      if (check.kind === 'dependency-absent') {
        if (entries.length === 0) return done(`${shown} no longer depends on ${check.dependency}`, [manifest.file]);
        if (check.external) {
          // The item is about the registry (or git) copy: an entry that now resolves to a local path is what it asked for.
          const remote = entries.find((d) => resolvedSource(index, manifest.file, d) !== 'path');
          if (!remote) {
            const [d] = entries;
            return done(`${d.name} in ${shown} (line ${d.keyRange.start.line + 1}) is now ${localWay(index, manifest.file, d)}, not from the registry`, [manifest.file], { file: manifest.file, range: d.keyRange });
          }
          return open(`${whereOf(remote, true)}, from the ${resolvedSource(index, manifest.file, remote)}`, [manifest.file], { file: manifest.file, range: remote.keyRange });
        }
        const [d] = entries;
        return open(whereOf(d, true), [manifest.file], { file: manifest.file, range: d.keyRange });
      }
      const wanted = check.of ?? 'normal';
      const entry = workspace ? entries[0] : (entries.find((d) => d.kind === wanted && !d.target) ?? entries.find((d) => d.kind === wanted));
      if (!entry) {
        const other = entries[0];
        if (other) return open(`${other.name} is only a ${kindOf(other)} in ${shown} (line ${other.keyRange.start.line + 1}), not a${wanted === 'normal' ? ' normal' : ` ${wanted}-`} dependency`, [manifest.file], { file: manifest.file, range: other.keyRange });
        return open(`${shown} has no ${check.dependency} ${workspace ? 'declaration in [workspace.dependencies]' : 'dependency'}`, [manifest.file]);
      }
      const at = { file: manifest.file, range: entry.keyRange };
      const where = whereOf(entry);
      if (check.optional && !entry.optional) return open(`${where}, but not optional`, [manifest.file], at);
      const source = workspace ? entry.source : resolvedSource(index, manifest.file, entry);
      if (check.local && source !== 'path') return open(`${where}, but from the ${source}, not by path`, [manifest.file], at);
      const enabled = new Set([...entry.features, ...inheritedFeatures(index, entry)]);
      const lacking = (check.features ?? []).filter((f) => !enabled.has(f));
      if (lacking.length > 0) return open(`${where}, but without the ${featureList(lacking)}`, [manifest.file], at);
      const by = entry.source === 'path' && entry.path ? `, by path ${entry.path}` : entry.source === 'workspace' ? `, ${localWay(index, manifest.file, entry)}` : '';
      const features = check.features && check.features.length > 0 ? `, with the ${featureList(check.features)}` : '';
      return done(`${where}${by}${features}`, [manifest.file], at);
    }
    case 'dependencies-local': {
      const remote: { manifest: Manifest; entry: DependencyEntry; source: string }[] = [];
      let seen = 0;
      let scope: string;
      if (check.manifest !== undefined) {
        const found = paths.manifest(check.manifest);
        if ('missing' in found) return open(found.missing, found.file ? [found.file] : []);
        scope = found.shown;
        for (const entry of found.manifest.dependencies) {
          if (entry.declaredForWorkspace) continue;
          seen++;
          const source = resolvedSource(index, found.manifest.file, entry);
          if (source !== 'path') remote.push({ manifest: found.manifest, entry, source });
        }
      } else {
        scope = 'the workspace';
        for (const manifest of [...index.allManifests().values()].sort((a, b) => a.file.localeCompare(b.file))) {
          for (const entry of manifest.dependencies) {
            if (packageKey(entry.package) !== packageKey(check.dependency!) && packageKey(entry.name) !== packageKey(check.dependency!)) continue;
            seen++;
            const source = entry.declaredForWorkspace ? entry.source : resolvedSource(index, manifest.file, entry);
            if (source !== 'path') remote.push({ manifest, entry, source });
          }
        }
      }
      const what = check.dependency ?? 'dependency';
      if (remote.length > 0) {
        const [first] = remote;
        const more = remote.length > 1 ? `, and ${count(remote.length - 1, 'more')}` : '';
        return open(`${first.entry.name} comes from the ${first.source} in ${paths.display(first.manifest.file)} (line ${first.entry.keyRange.start.line + 1})${more}`, [first.manifest.file], {
          file: first.manifest.file,
          range: first.entry.keyRange,
        });
      }
      if (seen === 0) return check.dependency ? open(`nothing in the workspace depends on ${check.dependency}`, []) : done(`${scope} has no dependencies`, []);
      return done(`every ${check.dependency ? `${what} entry` : 'dependency'} in ${scope} is a path dependency (${seen} checked)`, []);
    }
    case 'feature-present': {
      const found = paths.manifest(check.manifest);
      if ('missing' in found) return open(found.missing, found.file ? [found.file] : []);
      const line = featureLine(found.manifest.text, check.feature);
      if (line === undefined) return open(`${found.shown} has no ${check.feature} feature`, [found.manifest.file]);
      const old = check.replaces === undefined ? undefined : featureLine(found.manifest.text, check.replaces);
      if (old !== undefined) return open(`${found.shown} has the ${check.feature} feature, but still the ${check.replaces} feature (line ${old + 1})`, [found.manifest.file], { file: found.manifest.file, range: lineRange(old) });
      return done(`${found.shown} has the ${check.feature} feature (line ${line + 1})`, [found.manifest.file], { file: found.manifest.file, range: lineRange(line) });
    }
    case 'item-absent': {
      const scope = paths.files(check.in);
      if ('missing' in scope) return open(scope.missing, []);
      const wanted = [{ item: check.item, name: check.name }, ...(check.also ?? [])];
      const what = wanted.map(describeItem).join(' and ');
      for (const w of wanted) {
        const found = findItem(scope.files, w, context);
        if (found) {
          return open(`${describeItem(w)} is still in ${paths.display(found.file)} (line ${found.item.range.start.line + 1})`, [found.file], { file: found.file, range: found.item.range });
        }
      }
      for (const w of wanted) {
        // Gone by that name, but the same body is there under another: renamed, not removed.
        const renamed = renamedItem(scope.files, w, context);
        if (renamed) {
          const line = renamed.item.range.start.line + 1;
          return open(`${w.name} is now ${renamed.item.name} in ${paths.display(renamed.file)} (line ${line}), same body: renamed, not removed`, [renamed.file], { file: renamed.file, range: renamed.item.range });
        }
      }
      if (scope.crate) return done(`no ${what} is left in crate ${scope.crate.name}`, scope.files);
      const [file] = scope.files;
      if (!paths.exists(file)) return done(`${paths.written(check.in)} is absent`, [file]);
      return done(`${paths.written(check.in)} has no ${what}`, [file]);
    }
    case 'item-present': {
      const scope = paths.files(check.in);
      if ('missing' in scope) return open(scope.missing, []);
      const found = findItem(scope.files, check, context);
      const shown = scope.crate ? `crate ${scope.crate.name}` : paths.written(check.in);
      const renamed = !found && check.keep ? renamedItem(scope.files, check, context) : undefined;
      if (renamed) {
        const line = renamed.item.range.start.line + 1;
        return done(`${check.name} is now ${renamed.item.name} in ${paths.display(renamed.file)} (line ${line}), same body`, [renamed.file], { file: renamed.file, range: renamed.item.range });
      }
      if (!found) return open(`${shown} declares no ${describeItem(check)}`, scope.files);
      return done(`${paths.display(found.file)} declares ${found.item.kind} ${found.item.name} (line ${found.item.range.start.line + 1})`, [found.file], { file: found.file, range: found.item.range });
    }
    case 'item-moved': {
      const from = paths.files(check.from);
      const to = paths.files(check.to);
      if ('missing' in from) return open(from.missing, []);
      if ('missing' in to) return open(to.missing, []);
      const left = findItem(from.files, check, context);
      if (left) return open(`${describeItem(check)} is still in ${paths.display(left.file)} (line ${left.item.range.start.line + 1})`, [left.file], { file: left.file, range: left.item.range });
      const arrived = findItem(to.files, check, context);
      const target = to.crate ? `crate ${to.crate.name}` : paths.written(check.to);
      if (!arrived) return open(`${describeItem(check)} is gone from ${paths.written(check.from)}, but ${target} does not declare it`, to.files);
      return done(`${describeItem(check)} is now in ${paths.display(arrived.file)} (line ${arrived.item.range.start.line + 1}), and gone from ${paths.written(check.from)}`, [arrived.file], { file: arrived.file, range: arrived.item.range });
    }
    case 'impl-present': {
      const wantedTrait = typeSegments(check.trait);
      const wantedType = typeSegments(check.type);
      for (const file of [...index.allModules().keys()].sort()) {
        const read = syntax.readFile(file, index.factsOf(file)?.byteHash);
        if (!read || !read.text.includes('impl')) continue;
        const found = read.syntax.impls.find((i) => i.trait !== undefined && sameType(typeSegments(i.trait), wantedTrait) && sameType(typeSegments(i.type), wantedType));
        if (found) return done(`${paths.display(file)} has impl ${found.trait} for ${found.type} (line ${found.range.start.line + 1})`, [file], { file, range: found.range });
      }
      return open(`no impl ${check.trait} for ${check.type} in the workspace`, []);
    }
    case 'returns': {
      const [head, ...rest] = check.fn.split('::');
      const name = rest.length > 0 ? rest[rest.length - 1] : head;
      const scope = rest.length > 0 ? paths.files(head) : { files: [...index.allModules().keys()].sort() };
      if ('missing' in scope) return open(scope.missing, []);
      const found = findItem(scope.files, { item: 'fn', name }, context);
      if (!found) return open(`no fn ${name} in ${rest.length > 0 ? `crate ${head}` : 'the workspace'}`, []);
      const returns = found.item.returns ?? '()';
      const at = { file: found.file, range: found.item.range };
      const line = found.item.range.start.line + 1;
      if (sameType(typeSegments(returns), typeSegments(check.type))) return done(`fn ${name} in ${paths.display(found.file)} returns ${returns} (line ${line})`, [found.file], at);
      return open(`fn ${name} in ${paths.display(found.file)} returns ${returns}, not ${check.type} (line ${line})`, [found.file], at);
    }
    case 'manifest-inherits': {
      const found = paths.manifest(check.manifest);
      if ('missing' in found) return open(found.missing, found.file ? [found.file] : []);
      const line = inheritedKey(found.manifest.text, check.key);
      if (line === undefined) return open(`${found.shown} does not inherit ${check.key} from the workspace`, [found.manifest.file]);
      return done(`${found.shown} inherits ${check.key} from the workspace (line ${line + 1})`, [found.manifest.file], { file: found.manifest.file, range: lineRange(line) });
    }
    case 'item-count': {
      const wanted = typeSegments(check.type);
      const found: Location[] = [];
      for (const file of [...index.allModules().keys()].sort()) {
        const read = syntax.readFile(file, index.factsOf(file)?.byteHash);
        const last = wanted[wanted.length - 1]?.replace(/<.*$/, '');
        if (!read || (last !== undefined && !read.text.includes(last))) continue;
        for (const item of read.syntax.items) {
          if (item.type !== undefined && sameType(typeSegments(item.type), wanted)) found.push({ file, range: item.range });
        }
      }
      const places = listed(found.map((l) => `${paths.display(l.file)} (line ${l.range.start.line + 1})`));
      if (found.length === check.count) return done(`${count(found.length, 'static or const', 'statics and consts')} of type ${check.type}: ${places || 'none'}`, [...new Set(found.map((l) => l.file))], found[0]);
      return open(`${count(found.length, 'static or const', 'statics and consts')} of type ${check.type}, not ${check.count}${found.length > 0 ? `: ${places}` : ''}`, [...new Set(found.map((l) => l.file))], found[0]);
    }
    case 'module-reexported': {
      const file = paths.file(check.path);
      const shown = paths.written(check.path);
      const read = syntax.readFile(file, index.factsOf(file)?.byteHash);
      if (!read) return open(`${shown} does not exist`, [file]);
      const declared = read.syntax.items.find((i) => i.kind === 'mod' && i.name === check.module);
      if (declared) return open(`${shown} still declares mod ${check.module} (line ${declared.range.start.line + 1})`, [file], { file, range: declared.range });
      const own = crateName(index, file);
      const from = normalise(check.from.split('::'), own);
      const reexport = read.syntax.uses.find((u) => {
        const p = normalise(u.path, own);
        return (u.alias ?? p[p.length - 1]) === check.module && from.every((s, i) => p[i] === s);
      });
      if (!reexport) return open(`${shown} has no re-export of ${check.module} from ${check.from}`, [file]);
      if (!exported(reexport.visibility, file, index)) {
        return open(`${shown} imports ${reexport.path.join('::')} as ${reexport.visibility || 'private'} (line ${reexport.range.start.line + 1}): not visible outside`, [file], { file, range: reexport.range });
      }
      return done(`${shown} re-exports ${reexport.path.join('::')} (line ${reexport.range.start.line + 1})`, [file], { file, range: reexport.range });
    }
    case 'file-moved': {
      const gone = fileAbsent(check.path, index, paths);
      if (gone.status !== 'done') return gone;
      const name = path.basename(stripLine(check.path));
      const to = paths.files(check.to);
      if ('missing' in to) return open(to.missing, []);
      const arrived = to.files.find((f) => path.basename(f) === name || f === paths.file(check.to));
      const target = to.crate ? `crate ${to.crate.name}` : paths.written(check.to);
      if (!arrived || !paths.exists(arrived)) return open(`${gone.evidence}, but ${target} has no ${name}`, gone.files);
      return done(`${gone.evidence}; ${target} has it at ${paths.display(arrived)}`, [...gone.files, arrived], { file: arrived, range: lineRange(0) });
    }
    case 'all': {
      const verdicts = check.checks.map((c) => decide(c, item, context, paths, around));
      const left = verdicts.filter((v) => v.status !== 'done');
      const files = [...new Set(verdicts.flatMap((v) => v.files))];
      if (left.length === 0) return done(verdicts.map((v) => v.evidence).join('; '), files, verdicts[0]?.at);
      const said = verdicts.length > 1 ? `${verdicts.length - left.length} of ${verdicts.length} parts done: ` : '';
      return open(`${said}${left.map((v) => v.evidence).join('; ')}`, files, left[0].at);
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
      // The module the plan names may have been created under another name (`errors.rs` as `error.rs`).
      const alias = around.aliases.get(path.join(childFolder(file), `${check.module}.rs`));
      const renamed = alias && read.syntax.items.find((i) => i.kind === 'mod' && i.name === path.basename(alias.file, '.rs'));
      if (alias && renamed && isPublic(renamed.visibility)) {
        return done(
          `${shown} declares ${renamed.visibility} mod ${renamed.name} (line ${renamed.range.start.line + 1}), the module the plan calls ${check.module}: ${paths.display(alias.file)} holds ${alias.item.kind} ${alias.item.name}`,
          [file, alias.file],
          { file, range: renamed.range },
        );
      }
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
      if (!isFilePath(check.path)) {
        // A crate: any of its files will do.
        const scope = paths.files(check.path);
        if ('missing' in scope) return open(scope.missing, []);
        const verdicts = scope.files.map((f) => decide({ ...check, path: f }, item, context, paths, around));
        const found = verdicts.find((v) => v.status === 'done');
        if (found) return found;
        const verb = check.how === 'reexport' ? 're-exports' : check.how === 'import' ? 'imports from' : 'refers to';
        return open(`nothing in crate ${scope.crate?.name ?? check.path} ${verb} ${check.target} (${count(scope.files.length, 'file')} read)`, scope.files);
      }
      const file = paths.file(check.path);
      const shown = paths.written(check.path);
      const read = syntax.readFile(file, index.factsOf(file)?.byteHash);
      if (!read) return open(`${shown} does not exist`, [file]);
      const note = check.fromTable ? ' (the change its target-file table names)' : '';
      const own = crateName(index, file);
      const target = normalise(check.target.split('::'), own);
      if (target.length === 1 && (check.how === 'reexport' || check.modules)) return modulesFrom(file, shown, read.syntax, target[0], check.how === 'reexport', context, paths, around);
      let found = reference(read.syntax, target, check.how, own, (v) => exported(v, file, index));
      let instead = '';
      if (!found && check.how !== 'reexport') {
        // The plan's sketch named it one way, the team another: the module it names (or the file created for it) is what counts.
        const planned = plannedElsewhere(target, context, around, file);
        found = planned && reference(read.syntax, planned.path, check.how, own, (v) => exported(v, file, index));
        if (found) instead = `, in place of the plan's ${check.target}: ${planned!.note}`;
      }
      const verb = check.how === 'reexport' ? 're-exports' : check.how === 'import' ? 'imports' : 'refers to';
      if (!found) {
        const missing = check.how === 'reexport' ? `re-export anything from ${check.target}` : check.how === 'import' ? `import from ${check.target}` : `refer to ${check.target}`;
        return open(`${shown} does not ${missing}${note}`, [file]);
      }
      return done(`${shown} ${verb} ${found.what} (line ${found.range.start.line + 1})${note}${instead}`, [file], { file, range: found.range });
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

/** One path of a `file-absent` check: absent where its folder is, still there, living on elsewhere in its crate, or nowhere to be found. */
function fileAbsent(written: string, index: PlanIndex, paths: PlanPaths): Verdict {
  const located = paths.locate(written);
  const file = located.file;
  const shown = paths.written(written);
  if (!located.found) {
    // A path that resolves nowhere says nothing about the file: never done.
    if (!located.folder) return { status: 'open', evidence: `cannot find where ${stripLine(written)} is in this workspace`, files: [] };
    const moved = livesOn(file, index);
    if (moved) {
      return {
        status: 'open',
        evidence: `${shown} is gone, but the module lives on at ${paths.display(moved.file)}, ${moved.how} ${paths.display(moved.of)}`,
        files: [file, moved.file],
        at: { file: moved.file, range: lineRange(0) },
      };
    }
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

/**
 * A deleted file's module still in its crate under another folder: a file
 * of the same name in the same crate that the index finds a copy of another
 * crate's module. Moving a copy is not consolidating it.
 */
function livesOn(file: string, index: PlanIndex): { file: string; how: string; of: string } | undefined {
  const crate = index.graph.crateOf(file);
  if (!crate) return undefined;
  const name = path.basename(file);
  for (const finding of index.allFindings()) {
    if (!MOVED_CODES.has(finding.code) || finding.file === file || path.basename(finding.file) !== name) continue;
    if (index.graph.crateOf(finding.file) !== crate) continue;
    const of = finding.related.find((r) => index.graph.crateOf(r.file) !== crate)?.file;
    if (!of) continue;
    const how = finding.code === 'duplicate-file' ? 'unchanged, a copy of' : finding.code === 'diverged-copy' ? 'a diverged copy of' : 'a copy of';
    return { file: finding.file, how, of };
  }
  return undefined;
}

/**
 * "Re-export the modules from K" (`visible`), "use the copied modules from
 * K": every module the file's crate still has a copy of, every module the
 * scope's tables list as a copy that K has, and every module already taken
 * from K, is taken from K: where the world sees it (`pub use`) when the item
 * says re-export. A private `use` for a re-export, or a copy still declared
 * (through a nested `mod` too), leaves it missing.
 */
function modulesFrom(
  file: string,
  shown: string,
  syntax: RustFileSyntax,
  keeper: string,
  visible: boolean,
  { index }: PlanContext,
  paths: PlanPaths,
  around: ItemContext,
): Verdict {
  const modules = index.allModules();
  const here = modules.get(file);
  const keeperCrate = index.graph.crates.find((c) => c.libName === keeper || packageKey(c.name) === packageKey(keeper));
  const keeperModules = new Set([...modules.values()].filter((m) => m.crate === keeperCrate && m.path.length > 0).map((m) => m.path.join('::')));
  const expected = new Map<string, string>();
  for (const row of around.tables.flatMap((t) => t.rows)) {
    if (row.change === undefined || !LISTED_COPY.test(row.change)) continue;
    const name = path.basename(stripLine(row.file)).replace(/\.rs$/, '');
    if (keeperModules.has(name)) expected.set(name, 'not re-exported');
  }
  const stillCopies = new Map<string, string>();
  const declarations = new Map<string, Location>();
  for (const finding of index.allFindings()) {
    if (!COPY_CODES.has(finding.code) && !(finding.code === 'diverged-copy' && expected.has(path.basename(finding.file, '.rs')))) continue;
    const info = modules.get(finding.file);
    if (!info || !here || info.crate !== here.crate || !here.path.every((s, i) => info.path[i] === s) || info.path.length === here.path.length) continue;
    if (!finding.related.some((r) => modules.get(r.file)?.crate === keeperCrate)) continue;
    const name = info.path[info.path.length - 1];
    stillCopies.set(name, `still a copy, at ${paths.display(finding.file)}`);
    if (finding.declaration) declarations.set(name, finding.declaration);
  }
  for (const [name, why] of stillCopies) expected.set(name, why);
  const own = here?.crate.libName;
  const uses = syntax.uses.map((u) => ({ ...u, path: normalise(u.path, own) })).filter((u) => u.path[0] === keeper);
  const seen = (u: (typeof uses)[number]) => exported(u.visibility, file, index);
  const taken = (u: (typeof uses)[number]) => !u.glob && u.path.length === 2 && keeperModules.has(u.path[1]) && (!visible || seen(u));
  for (const u of uses) if (taken(u)) expected.set(u.path[1], 'not taken from the crate');
  if (expected.size === 0) {
    // Nothing says which modules: any public re-export from K will do.
    const reexports = uses.filter(seen);
    if (reexports.length === 0) return { status: 'open', evidence: `${shown} does not re-export anything from ${keeper}`, files: [file] };
    return { status: 'done', evidence: `${shown} re-exports ${reexports.length === 1 ? reexports[0].path.join('::') : `${reexports.length} paths from ${keeper}`} (line ${reexports[0].range.start.line + 1})`, files: [file], at: { file, range: reexports[0].range } };
  }
  const names = [...expected.keys()].sort();
  const missing: string[] = [];
  let first: Range | undefined;
  let missingAt: Location | undefined;
  for (const name of names) {
    const named = (u: (typeof uses)[number]) => (u.glob ? u.path.length === 1 : (u.alias ?? u.path[u.path.length - 1]) === name);
    const reexport = uses.find((u) => named(u) && (!visible || seen(u)));
    if (reexport && !stillCopies.has(name)) {
      first ??= reexport.range;
      continue;
    }
    const privately = uses.find((u) => named(u) && !seen(u));
    const why =
      stillCopies.get(name) ?? (privately ? `imported ${privately.visibility ? `as ${privately.visibility}` : 'privately'} (line ${privately.range.start.line + 1}), not visible outside` : expected.get(name)!);
    missing.push(`${name} (${why})`);
    missingAt ??= declarations.get(name) ?? (privately ? { file, range: privately.range } : undefined);
  }
  const reexported = names.length - missing.length;
  const tally = `${reexported} of ${count(names.length, 'module', 'modules')} ${visible ? 're-exported' : 'taken'} from ${keeper}`;
  if (missing.length > 0) return { status: 'open', evidence: `${shown}: ${tally}: missing ${listed(missing)}`, files: [file], ...(missingAt ? { at: missingAt } : {}) };
  return { status: 'done', evidence: `${shown}: ${tally} (from line ${first!.start.line + 1})`, files: [file], at: { file, range: first! } };
}

/**
 * Where a plan's path into a local crate points when the code named things
 * otherwise: a module created under another file name (the plan's
 * `runtime.rs` is `rt.rs`), or a module that has no item of the plan's name
 * (the sketch's `shared_runtime` is `global_runtime`), in which case a
 * reference into that module is what the plan asked for.
 */
function plannedElsewhere(target: string[], { index, syntax, history }: PlanContext, { aliases, created }: ItemContext, referrer: string): { path: string[]; note: string } | undefined {
  const crate = index.graph.crates.find((c) => c.libName === target[0]);
  if (!crate) return undefined;
  const modules = new Map<string, string>();
  for (const [file, info] of index.allModules()) if (info.crate === crate && info.target === 'lib') modules.set(info.path.join('::'), file);
  let resolved: string[] = [];
  const notes: string[] = [];
  let k = 1;
  for (; k < target.length; k++) {
    const key = [...resolved, target[k]].join('::');
    if (modules.has(key)) {
      resolved = [...resolved, target[k]];
      continue;
    }
    const parent = modules.get(resolved.join('::'));
    const alias = parent ? aliases.get(path.join(childFolder(parent), `${target[k]}.rs`)) : undefined;
    const info = alias && index.allModules().get(alias.file);
    if (!info || info.crate !== crate) break;
    resolved = info.path;
    notes.push(`${target[k]} is ${info.path[info.path.length - 1]} here`);
  }
  if (resolved.length === 0) return undefined;
  if (k < target.length) {
    const file = modules.get(resolved.join('::'))!;
    const declared = syntax.readFile(file, index.factsOf(file)?.byteHash)?.syntax.items.some((i) => i.name === target[k]);
    if (declared) return notes.length > 0 ? { path: [target[0], ...resolved, ...target.slice(k)], note: notes.join(', ') } : undefined;
    // Any reference into the module stands for the plan's item only when the module is the plan's own work
    // (a file it creates, or created under another name), or the file did not refer to it when the plan was written.
    const old = history?.textAt(referrer);
    const fresh = created.has(file) || notes.length > 0 || (old !== undefined && !old.includes(resolved[resolved.length - 1]));
    if (!fresh) return undefined;
    notes.push(`${resolved[resolved.length - 1]} has no ${target[k]}`);
  } else if (notes.length === 0) {
    return undefined;
  }
  return { path: [target[0], ...resolved], note: notes.join(', ') };
}

/** Files the plan names that are here under another name: the plan's path (absolute) → the file, and the item it holds. */
type FileAliases = Map<string, { file: string; item: RustItem; holds: string[]; sketch?: boolean }>;

/**
 * "Create `x.rs` holding `T`" where x.rs is absent: a file in the same folder
 * that declares T (the first item the plan names) is taken as the file the
 * plan means. Read once per plan, so the items that name the module (export
 * it, use it) follow.
 */
function fileAliases(plan: Plan, { index, syntax }: PlanContext, paths: PlanPaths): FileAliases {
  const aliases: FileAliases = new Map();
  const items = [...plan.other.map((i) => ({ i, sketches: [] as PlanSketch[] })), ...plan.scopes.flatMap((s) => [...s.tasks, ...s.decommissioning].map((i) => ({ i, sketches: s.sketches })))];
  for (const { i: item, sketches } of items) {
    if (item.check.kind !== 'file-present') continue;
    // What the file holds: as the item says, else as the plan's sketch of that file declares.
    const sketch = sketches.find((s) => stripLine(s.path) === stripLine(item.check.kind === 'file-present' ? item.check.path : ''));
    const sketched = sketch ? syntax.read(sketch.code).items.filter((i) => i.kind !== 'mod' && i.range.start.character === 0).map((i) => i.name) : [];
    const check = { ...item.check, holds: item.check.holds ?? sketched };
    if (check.holds.length === 0) continue;
    const located = paths.locate(check.path);
    if (located.found || !located.folder || aliases.has(located.file)) continue;
    const folder = path.dirname(located.file);
    const candidates = [...index.allModules().keys()].filter((f) => path.dirname(f) === folder).sort();
    for (const file of candidates) {
      const read = syntax.readFile(file, index.factsOf(file)?.byteHash);
      // Parsed only when its text names the item: a folder's other modules cannot hold it.
      if (!read || !read.text.includes(check.holds[0])) continue;
      const declared = read.syntax.items.find((i) => i.name === check.holds![0] && i.kind !== 'mod');
      if (declared) {
        const names = new Set(read.syntax.items.map((i) => i.name));
        aliases.set(located.file, { file, item: declared, holds: check.holds.filter((h) => names.has(h)), ...(sketch && !item.check.holds ? { sketch: true } : {}) });
        break;
      }
    }
  }
  return aliases;
}

/** The folder a file's child modules live in: `src/` for `lib.rs`, `main.rs` and `mod.rs`; `src/a/` for `a.rs`. */
function childFolder(file: string): string {
  const base = path.basename(file);
  return base === 'lib.rs' || base === 'main.rs' || base === 'mod.rs' ? path.dirname(file) : path.join(path.dirname(file), path.basename(file, '.rs'));
}

/** The first item of that kind (any kind but `mod` when none is given) and name in these files. */
function findItem(files: readonly string[], wanted: { item?: RustItemKind; name: string }, { index, syntax }: PlanContext): { file: string; item: RustItem } | undefined {
  for (const file of files) {
    const read = syntax.readFile(file, index.factsOf(file)?.byteHash);
    if (!read || !read.text.includes(wanted.name)) continue;
    const item = read.syntax.items.find((i) => i.name === wanted.name && (wanted.item === undefined ? i.kind !== 'mod' : i.kind === wanted.item));
    if (item) return { file, item };
  }
  return undefined;
}

/**
 * An item the plan names, as it was when the plan was written, now in these
 * files under another name with the same body (its name aside, spacing
 * aside). Needs the history; undefined without it.
 */
function renamedItem(files: readonly string[], wanted: { item?: RustItemKind; name: string }, { index, syntax, history }: PlanContext): { file: string; item: RustItem } | undefined {
  if (!history) return undefined;
  for (const file of files) {
    const old = history.textAt(file);
    if (old === undefined || !old.includes(wanted.name)) continue;
    const before = syntax.read(old).items.find((i) => i.name === wanted.name && (wanted.item === undefined ? i.kind !== 'mod' : i.kind === wanted.item));
    // A `mod x;` or a unit struct has no body to recognise it by.
    if (!before || before.kind === 'mod') continue;
    const shape = itemShape(old, before);
    if (!shape.includes('{')) continue;
    for (const candidate of files) {
      const read = syntax.readFile(candidate, index.factsOf(candidate)?.byteHash);
      const item = read?.syntax.items.find((i) => i.kind === before.kind && i.name !== wanted.name && itemShape(read.text, i) === shape);
      if (read && item) return { file: candidate, item };
    }
  }
  return undefined;
}

/** An item's text with its own name (and its visibility) taken out and spacing squeezed: equal for a renamed copy. */
function itemShape(text: string, item: RustItem): string {
  const written = textIn(text, item.range);
  const name = new RegExp(`\\b${item.name}\\b`, 'g');
  return written.replace(/^\s*pub(?:\s*\([^)]*\))?\s+/, '').replace(name, '_').replace(/\s+/g, ' ').trim();
}

function textIn(text: string, range: Range): string {
  const lines = text.split('\n');
  if (range.start.line === range.end.line) return lines[range.start.line].slice(range.start.character, range.end.character);
  return [lines[range.start.line].slice(range.start.character), ...lines.slice(range.start.line + 1, range.end.line), lines[range.end.line].slice(0, range.end.character)].join('\n');
}

function describeItem(wanted: { item?: RustItemKind; name: string }): string {
  return wanted.item ? `${wanted.item} ${wanted.name}` : wanted.name;
}

/** `std::io::Error` → ['std', 'io', 'Error']; generics kept on the last segment, spacing removed. */
function typeSegments(type: string): string[] {
  const squeezed = type.replace(/\s+/g, '');
  const generic = squeezed.indexOf('<');
  const head = generic < 0 ? squeezed : squeezed.slice(0, generic);
  const tail = generic < 0 ? '' : squeezed.slice(generic);
  const segments = head.split('::').filter((s) => s !== '');
  if (segments.length > 0) segments[segments.length - 1] += tail;
  return segments;
}

/** Two written types name the same thing when one's path ends the other's (`io::Error`, `std::io::Error`), generics compared the same way. */
function sameType(a: string[], b: string[]): boolean {
  if (a.length === 0 || b.length === 0) return false;
  const [short, long] = a.length <= b.length ? [a, b] : [b, a];
  return short.every((s, i) => {
    const other = long[long.length - short.length + i];
    if (i < short.length - 1) return s === other;
    const [sName, sArgs] = splitGeneric(s);
    const [oName, oArgs] = splitGeneric(other);
    if (sName !== oName || sArgs.length !== oArgs.length) return false;
    return sArgs.every((arg, j) => sameType(typeSegments(arg), typeSegments(oArgs[j])));
  });
}

function splitGeneric(segment: string): [string, string[]] {
  const open = segment.indexOf('<');
  if (open < 0 || !segment.endsWith('>')) return [segment, []];
  const inner = segment.slice(open + 1, -1);
  const args: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < inner.length; i++) {
    if (inner[i] === '<') depth++;
    else if (inner[i] === '>') depth--;
    else if (inner[i] === ',' && depth === 0) {
      args.push(inner.slice(start, i));
      start = i + 1;
    }
  }
  args.push(inner.slice(start));
  return [segment.slice(0, open), args];
}

/** The source a manifest's entry resolves to: `workspace = true` read through the crate graph, or the workspace's declaration. */
function resolvedSource(index: PlanIndex, manifestFile: string, entry: DependencyEntry): string {
  if (entry.source !== 'workspace') return entry.source;
  const resolved = index.graph.dependencies.find((d) => d.from.manifest === manifestFile && d.entry.name === entry.name && d.entry.kind === entry.kind);
  if (resolved) return resolved.source;
  for (const manifest of index.allManifests().values()) {
    const declared = manifest.dependencies.find((d) => d.declaredForWorkspace && d.name === entry.name);
    if (declared) return declared.source;
  }
  return 'workspace';
}

/** "by path ../x", "workspace = true, a path dependency". */
function localWay(index: PlanIndex, manifestFile: string, entry: DependencyEntry): string {
  if (entry.source === 'path') return `a path dependency (${entry.path})`;
  const source = resolvedSource(index, manifestFile, entry);
  return `inherited from the workspace (workspace = true), ${source === 'path' ? 'a path dependency' : `from the ${source}`}`;
}

/** The line of `key.workspace = true` (or `key = { workspace = true }`) in a manifest's `[package]`. */
function inheritedKey(text: string, key: string): number | undefined {
  const lines = text.split(/\r?\n/);
  let inPackage = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line.startsWith('[')) inPackage = line === '[package]';
    else if (inPackage && new RegExp(`^${key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*(?:\\.\\s*workspace\\s*=\\s*true|=\\s*\\{[^}]*\\bworkspace\\s*=\\s*true)`).test(line)) return i;
  }
  return undefined;
}

/** Where a file refers to a path: through a `use`, a path in code, or (for one segment) any identifier. */
function reference(
  syntax: RustFileSyntax,
  target: string[],
  how: 'refer' | 'import' | 'reexport',
  own: string | undefined,
  seen: (visibility: string) => boolean,
): { what: string; range: Range } | undefined {
  const uses = syntax.uses.map((u) => ({ ...u, path: normalise(u.path, own) }));
  const starts = (p: string[], prefix: string[]) => prefix.length <= p.length && prefix.every((s, i) => p[i] === s);
  if (how !== 'refer') {
    const matching = uses.filter((u) => starts(u.path, target) && (how === 'import' || seen(u.visibility)));
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

/**
 * Whether a re-export is seen outside its module: `pub` in a crate root
 * (other crates are who it is for), any `pub(…)` but `pub(self)` elsewhere.
 */
function exported(visibility: string, file: string, index: PlanIndex): boolean {
  if (index.allModules().get(file)?.path.length === 0) return visibility === 'pub';
  return isPublic(visibility) && visibility !== 'pub(self)';
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
    if (check.kind === 'file-absent') check.also?.forEach(add);
    if ('dir' in check) add(check.dir);
    if ('manifest' in check) add(check.manifest);
    if ('in' in check) add(check.in);
    if (item.kind === 'decommission') add(item.path);
  }
  for (const table of plan.scopes.flatMap((s) => s.tables)) for (const row of table.rows) add(row.file);
  return out;
}

