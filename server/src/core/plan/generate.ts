// A new plan from the live findings, in the style of the user's plan: one
// numbered scope per kind of finding (whole-file copies, inverted
// dependencies, cycles, and the near misses: diverged copies, copied items,
// duplicated singletons), with tables of files, a checklist whose items the
// evaluator can decide from the code, and decommissioning lists;
// then a roadmap and a summary of duplicated lines. It is built as data
// first (PlanDraft), so a test can compare what was written with what
// parsePlan reads back.
import * as path from 'node:path';
import { compareCrates } from '../clones/clones';
import type { CloneMember } from '../clones/clones';
import type { WorkspaceIndex } from '../index';
import { DEFAULT_OPTIONS } from '../model';
import type { Finding, Location } from '../model';
import type { ItemFact, StaticFact } from '../source/rust';
import type { Crate } from '../cargo/workspace';

export type PlanSourceIndex = Pick<
  WorkspaceIndex,
  'roots' | 'rootOf' | 'allFindings' | 'cloneClassOf' | 'factsOf' | 'manifestOf' | 'moduleOf' | 'graph' | 'display' | 'stats'
>;

export interface GenerateOptions {
  /** The first heading. */
  title?: string;
  /**
   * The folder the plan's paths are relative to: the folder the plan is
   * written to, usually. By default each file's workspace folder.
   */
  relativeTo?: string;
  /** The `authoritativeCrates` setting: where the one singleton kept lives, as for copies. */
  authoritativeCrates?: string[];
}

export interface PlanDraft {
  title: string;
  intro: string[];
  scopes: DraftScope[];
  /** Duplicated lines per pair of crates, for the closing summary table. */
  summary: DraftTable;
}

export interface DraftScope {
  title: string;
  sections: DraftSection[];
}

export interface DraftSection {
  heading: string;
  paragraphs?: string[];
  table?: DraftTable;
  /** Lines after the table, before any list. */
  after?: string[];
  /** `- [ ]` items, as markdown. */
  tasks?: string[];
  /** `- ` items: the decommissioning entries. */
  bullets?: string[];
  /** `1. ` items. */
  steps?: string[];
}

export interface DraftTable {
  columns: string[];
  rows: string[][];
}

const BUILD = 'Run `cargo build --workspace` to verify no compile errors';

export function generatePlan(index: PlanSourceIndex, options: GenerateOptions = {}): string {
  return renderPlan(draftPlan(index, options));
}

export function draftPlan(index: PlanSourceIndex, options: GenerateOptions = {}): PlanDraft {
  const shown = (file: string) => {
    const base = options.relativeTo ?? index.rootOf(file) ?? path.dirname(file);
    return path.relative(base, file).split(path.sep).join('/') || '.';
  };
  const findings = index.allFindings();
  const byCode = (code: Finding['code']) => findings.filter((f) => f.code === code);
  const context: DraftContext = { index, shown, asked: new Set(), authoritativeCrates: options.authoritativeCrates ?? [] };
  // One scope per kind of finding, in the order of the roadmap's phases within each.
  const kinds: { build: () => DraftScope | undefined; phase: Phase }[] = [
    { phase: 'files', build: () => copyScope(context, byCode('duplicate-file'), 'exact') },
    { phase: 'files', build: () => copyScope(context, byCode('near-duplicate-file'), 'near') },
    { phase: 'dependencies', build: () => invertedScope(context, byCode('inverted-dependency')) },
    { phase: 'dependencies', build: () => cycleScope(context, byCode('dependency-cycle')) },
    { phase: 'files', build: () => divergedScope(context, byCode('diverged-copy')) },
    { phase: 'items', build: () => itemScope(context, byCode('duplicate-item')) },
    { phase: 'items', build: () => singletonScope(context, byCode('duplicate-singleton')) },
  ];
  const scopes: DraftScope[] = [];
  const numbers: Record<Phase, number[]> = { dependencies: [], files: [], items: [] };
  for (const kind of kinds) {
    const scope = kind.build();
    if (!scope) continue;
    scopes.push(scope);
    numbers[kind.phase].push(scopes.length);
  }
  scopes.push(roadmapScope(numbers));

  const summary = summaryTable(context, [...byCode('duplicate-file'), ...byCode('near-duplicate-file')]);
  const copies = byCode('duplicate-file').length + byCode('near-duplicate-file').length;
  const lines = copyLines(context, [...byCode('duplicate-file'), ...byCode('near-duplicate-file')]);
  const folders = index.roots.map((r) => `\`${shown(r)}/\``.replace('`./`', '`.`')).join(', ');
  const intro = [
    `This plan was written by Rust Consolidate from the findings in ${folders}: ` +
      `${count(copies, 'file')} copied between crates (${count(lines, 'duplicated line')}), ` +
      `${count(byCode('inverted-dependency').length, 'inverted dependency', 'inverted dependencies')}, ` +
      `${count(byCode('dependency-cycle').length, 'dependency cycle')}, ` +
      `${count(byCode('diverged-copy').length, 'diverged copy', 'diverged copies')}, ` +
      `${count(byCode('duplicate-item').length, 'copied item')} and ` +
      `${count(singletonGroups(index, byCode('duplicate-singleton')).length, 'duplicated singleton')}.`,
    `In all, the findings hold ${count(index.stats().duplicatedLines, 'duplicated line')}, each counted once: whole files, the shared lines of diverged copies, copied items and copied blocks.`,
    'Each checklist item is worded so that Rust Consolidate can tell from the code whether it is done; the items it cannot decide (builds, tests) are ticked by hand.',
  ];
  return { title: options.title ?? 'Rust Consolidation Plan', intro, scopes, summary };
}

type Phase = 'dependencies' | 'files' | 'items';

interface DraftContext {
  index: PlanSourceIndex;
  shown(file: string): string;
  /** Checklist items an earlier scope already has: a dependency to add, a file to re-export from. */
  asked: Set<string>;
  authoritativeCrates: string[];
}

interface Copy {
  finding: Finding;
  member: CloneMember;
  kept: CloneMember;
}

/** One scope for the copies of one kind: exact (but for whitespace and comments) or near (but for use paths). */
function copyScope(context: DraftContext, findings: Finding[], kind: 'exact' | 'near'): DraftScope | undefined {
  const { index, shown } = context;
  const copies: Copy[] = [];
  for (const finding of findings) {
    const clone = index.cloneClassOf(finding.file);
    const member = clone?.members.find((m) => m.file === finding.file);
    if (!clone || !member) continue;
    copies.push({ finding, member, kept: clone.members[0] });
  }
  if (copies.length === 0) return undefined;
  copies.sort((a, b) => shown(a.member.file).localeCompare(shown(b.member.file)));
  const lines = copies.reduce((n, c) => n + c.member.facts.lines, 0);
  const pairs = groupBy(copies, (c) => `${c.member.crate.manifest}\0${c.kept.crate.manifest}`);

  const overview = [...pairs.values()].map((group) => {
    const { member, kept } = group[0];
    const how = kind === 'exact' ? 'identical, or identical but for whitespace and comments' : 'identical once their `use` paths are read the same way (`crate::x` and `<lib>::x` alike)';
    const copies = group.length === 1 ? 'is a copy of a module' : 'are copies of modules';
    return `${count(group.length, 'file')} in \`${member.crate.name}\` ${copies} of \`${kept.crate.name}\`, ${how}: ${count(sum(group), 'duplicated line')}.`;
  });
  overview.push(
    'The copy to keep is chosen by a fixed rule: a crate named in the `authoritativeCrates` setting, then the crate more local crates depend on, then a crate written here rather than vendored, then the name.',
  );

  const current: DraftTable = {
    columns: kind === 'exact' ? ['File', 'Lines', 'Copy of'] : ['File', 'Lines', 'Copy of', 'Differences'],
    rows: copies.map((c) => {
      const row = [code(shown(c.member.file)), String(c.member.facts.lines), code(shown(c.kept.file))];
      if (kind === 'near') row.push(cell(differences(c.finding.message)));
      return row;
    }),
  };

  const changes: string[][] = [];
  const tasks: string[] = [];
  for (const group of pairs.values()) {
    const { member, kept } = group[0];
    const manifest = shown(member.crate.manifest);
    const dependency = `Add \`${kept.crate.name}\` as path dependency in \`${manifest}\``;
    if (!dependsOn(context, member.crate, kept.crate)) {
      changes.push([code(manifest), `Add \`${kept.crate.name}\` as a path dependency`]);
      if (!context.asked.has(dependency)) tasks.push(dependency);
      context.asked.add(dependency);
    }
    const declaring = [...new Set(group.map((c) => c.finding.declaration?.file).filter((f): f is string => f !== undefined))].sort();
    for (const file of declaring) {
      // The fix keeps each copy's visibility (`mod x;` becomes `use k::x;`), so the plan asks for the modules taken from k, not for public re-exports.
      changes.push([code(shown(file)), `Replace the \`mod\` declarations of the copies with \`use\` declarations of \`${kept.crate.libName}\`'s modules, each as visible as the copy was`]);
      const task = `Update \`${shown(file)}\` to use the copied modules from \`${kept.crate.libName}\``;
      if (!context.asked.has(task)) tasks.push(task);
      context.asked.add(task);
    }
    if (kind === 'exact') {
      const folders = [...new Set(group.map((c) => path.dirname(c.member.file)))].sort();
      for (const dir of folders) tasks.push(`Delete duplicate files from \`${shown(dir)}/\``);
    } else {
      for (const c of group) tasks.push(`Delete \`${shown(c.member.file)}\``);
    }
    for (const c of group) changes.push([code(shown(c.member.file)), `**DELETE**: copy of \`${moduleName(c.kept)}\``]);
  }
  tasks.push(BUILD);

  return {
    title: kind === 'exact' ? 'Duplicate File Elimination' : 'Near-Duplicate File Elimination',
    sections: [
      { heading: 'Architecture Overview', paragraphs: overview },
      {
        heading: kind === 'exact' ? 'Current State: Duplicate Files' : 'Current State: Near-Duplicate Files',
        table: current,
        after: [`**Total: ${count(lines, 'duplicated line')} in ${count(copies.length, 'file')}**`],
      },
      { heading: 'Target File List', table: { columns: ['File', 'Change'], rows: changes } },
      { heading: 'Implementation Checklist', tasks },
      {
        heading: 'Decommissioning List',
        paragraphs: [`Delete after migration (${count(copies.length, 'file')}, ${count(lines, 'line')}):`],
        bullets: copies.map((c) => code(shown(c.member.file))),
      },
    ],
  };
}

function invertedScope(context: DraftContext, findings: Finding[]): DraftScope | undefined {
  const { index, shown } = context;
  const entries = findings.flatMap((finding) => {
    const manifest = index.manifestOf(finding.file);
    const entry = manifest?.dependencies.find((d) => sameStart(d.keyRange.start, finding.range.start));
    const from = index.graph.crates.find((c) => c.manifest === finding.file);
    if (!manifest || !entry || !from) return [];
    const local = index.graph.localPackages(entry.package).filter((c) => c !== from);
    const uses = finding.related.filter((r) => r.file.endsWith('.rs'));
    const text = manifest.text.slice(entry.entryOffsets[0], entry.entryOffsets[1]).trim();
    const oneLine = !text.includes('\n') && !text.includes('`');
    return [{ finding, manifest, entry, from, local, uses, line: oneLine ? text : undefined }];
  });
  if (entries.length === 0) return undefined;
  const overview = entries.map(
    ({ entry, from, local }) =>
      `\`${from.name}\` depends on \`${entry.package}\` from ${entry.source === 'git' ? `git (${entry.git})` : `the registry${entry.version ? ` (${entry.version})` : ''}`}, ` +
      `but \`${entry.package}\` is also the local crate in ${local.map((c) => `\`${shown(c.dir)}\``).join(', ') || 'this workspace'}: ` +
      `the crate builds against an outside copy of code that lives here.`,
  );
  const tasks: string[] = [];
  const bullets: string[] = [];
  const changes: string[][] = [];
  for (const { manifest, entry, from, uses, line } of entries) {
    const file = shown(manifest.file);
    tasks.push(`Remove \`${entry.name}\` dependency from \`${file}\``);
    changes.push([code(file), `Remove the \`${entry.name}\` dependency`]);
    bullets.push(line ? `Remove line \`${line}\` from \`${file}\`` : `Remove \`${entry.name}\` dependency from \`${file}\``);
    if (uses.length > 0) {
      const root = entry.name.replace(/-/g, '_');
      tasks.push(`Update any imports in \`${from.name}\` that reference \`${root}\``);
      for (const f of [...new Set(uses.map((u) => u.file))].sort()) changes.push([code(shown(f)), `Find a new home for its uses of \`${root}\``]);
    }
  }
  tasks.push('Verify `cargo build --workspace` succeeds');
  return {
    title: 'Inverted Dependency Removal',
    sections: [
      { heading: 'Architecture Overview', paragraphs: overview },
      {
        heading: 'Current State: Inverted Dependencies',
        table: {
          columns: ['File', 'Dependency', 'Line', 'Local crate'],
          rows: entries.map(({ manifest, entry, local }) => [
            code(shown(manifest.file)),
            `\`${entry.name}\` (${entry.source}${entry.version ? ` ${entry.version}` : ''})`,
            String(entry.keyRange.start.line + 1),
            local.map((c) => code(shown(c.dir))).join(', '),
          ]),
        },
      },
      { heading: 'Target File List', table: { columns: ['File', 'Change'], rows: changes } },
      { heading: 'Implementation Checklist', tasks },
      { heading: 'Decommissioning List', bullets },
    ],
  };
}

function cycleScope(context: DraftContext, findings: Finding[]): DraftScope | undefined {
  const { index, shown } = context;
  const entries = findings.flatMap((finding) => {
    const manifest = index.manifestOf(finding.file);
    const entry = manifest?.dependencies.find((d) => sameStart(d.keyRange.start, finding.range.start));
    const cycle = /cycle among local crates: ([^.]*)\./.exec(finding.message)?.[1] ?? '';
    return manifest && entry ? [{ manifest, entry, cycle }] : [];
  });
  if (entries.length === 0) return undefined;
  return {
    title: 'Dependency Cycle Removal',
    sections: [
      {
        heading: 'Architecture Overview',
        paragraphs: [
          `${count(entries.length, 'cycle')} among local crates: Cargo cannot build crates that depend on each other. ` +
            'Each is broken here at the dependency that closes it; moving the code both sides need into a crate of its own is the other way out.',
        ],
      },
      {
        heading: 'Current State: Dependency Cycles',
        table: {
          columns: ['File', 'Dependency', 'Line', 'Cycle'],
          rows: entries.map(({ manifest, entry, cycle }) => [code(shown(manifest.file)), code(entry.name), String(entry.keyRange.start.line + 1), cell(cycle)]),
        },
      },
      {
        heading: 'Implementation Checklist',
        tasks: [...entries.map(({ manifest, entry }) => `Remove \`${entry.name}\` dependency from \`${shown(manifest.file)}\``), 'Verify `cargo build --workspace` succeeds'],
      },
    ],
  };
}

function roadmapScope(numbers: Record<Phase, number[]>): DraftScope {
  const sections: DraftSection[] = [];
  let phase = 0;
  if (numbers.dependencies.length > 0) {
    sections.push({
      heading: `Phase ${++phase}: Dependency Architecture (${scopeList(numbers.dependencies)})`,
      steps: ['Remove the dependencies that point the wrong way or close a cycle', 'Verify the workspace builds'],
    });
  }
  if (numbers.files.length > 0) {
    sections.push({
      heading: `Phase ${++phase}: File Deduplication (${scopeList(numbers.files)})`,
      steps: ['Replace each copy with a `use` of the module the crate that keeps it has', 'Delete the copies', 'Verify all tests pass'],
    });
  }
  if (numbers.items.length > 0) {
    sections.push({
      heading: `Phase ${++phase}: Items and Shared State (${scopeList(numbers.items)})`,
      steps: ['Use the item or the global the crate that keeps it provides', 'Remove the copies', 'Verify all tests pass'],
    });
  }
  sections.push({
    heading: 'Verification Steps',
    paragraphs: ['After completing all phases:'],
    tasks: ['`cargo build --workspace` succeeds', '`cargo test --workspace` passes'],
  });
  return { title: 'Implementation Roadmap', sections };
}

/** A path dependency to ask for, once in the whole plan, when `from` does not depend on `to` yet. */
function dependencyTask(context: DraftContext, from: Crate, to: Crate, tasks: string[], changes?: string[][]): void {
  if (from === to || dependsOn(context, from, to)) return;
  const manifest = context.shown(from.manifest);
  const task = `Add \`${to.name}\` as path dependency in \`${manifest}\``;
  changes?.push([code(manifest), `Add \`${to.name}\` as a path dependency`]);
  if (!context.asked.has(task)) tasks.push(task);
  context.asked.add(task);
}

/**
 * Diverged copies: a table with how alike each is to the file it came from
 * and the items that differ, then per copy "align" (by hand), the re-export
 * that replaces its `mod` and its deletion (both decided from the code).
 */
function divergedScope(context: DraftContext, findings: Finding[]): DraftScope | undefined {
  const { index, shown } = context;
  const copies = findings.flatMap((finding) => {
    const original = finding.related[0];
    const from = index.graph.crateOf(original?.file ?? '');
    const crate = index.graph.crateOf(finding.file);
    if (!original || !from || !crate) return [];
    const similarity = /(\d+)% similar/.exec(original.message)?.[1];
    return [{ finding, file: finding.file, original: original.file, from, crate, similarity, align: itemsToAlign(index, original.file, finding.file) }];
  });
  if (copies.length === 0) return undefined;
  copies.sort((a, b) => shown(a.file).localeCompare(shown(b.file)));
  const lines = copies.reduce((n, c) => n + (index.factsOf(c.file)?.lines ?? 0), 0);
  const tasks: string[] = [];
  const changes: string[][] = [];
  for (const copy of copies) {
    dependencyTask(context, copy.crate, copy.from, tasks, changes);
    const items = copy.align.length > 0 ? `: ${copy.align.map((a) => a.text).join('; ')}` : '';
    tasks.push(`Align \`${shown(copy.file)}\` with \`${shown(copy.original)}\`${items}`);
    const declared = index.moduleOf(copy.file)?.declaredBy;
    const kept = index.moduleOf(copy.original);
    if (declared && kept && kept.path.length > 0) {
      const visibility = declared.declaration.visibility || 'pub';
      const use = `${visibility} use ${[copy.from.libName, ...kept.path].join('::')};`;
      tasks.push(`Add \`${use}\` to \`${shown(declared.file)}\``);
      changes.push([code(shown(declared.file)), `Replace \`mod ${declared.declaration.name}\` with \`${use}\``]);
    }
    tasks.push(`Delete \`${shown(copy.file)}\` after aligning it with \`${shown(copy.original)}\``);
    changes.push([code(shown(copy.file)), `**DELETE** once aligned with \`${shown(copy.original)}\``]);
  }
  tasks.push(BUILD);
  return {
    title: 'Diverged Copy Alignment',
    sections: [
      {
        heading: 'Architecture Overview',
        paragraphs: [
          `${count(copies.length, 'file')} ${copies.length === 1 ? 'is a copy' : 'are copies'} of a module of another crate that diverged: ` +
            'mostly the same code, with items changed, added or removed on one side. ' +
            'Each is aligned with the file it came from (the changes worth keeping moved there), then replaced by a re-export of it.',
        ],
      },
      {
        heading: 'Current State: Diverged Copies',
        table: {
          columns: ['File', 'Lines', 'Diverged from', 'Similarity', 'Items to align'],
          rows: copies.map((c) => [
            code(shown(c.file)),
            String(index.factsOf(c.file)?.lines ?? ''),
            code(shown(c.original)),
            c.similarity !== undefined ? `${c.similarity}%` : '',
            cell(c.align.map((a) => a.text).join('; ') || 'none: they differ outside items'),
          ]),
        },
        after: [`**Total: ${count(lines, 'line')} in ${count(copies.length, 'file')}**`],
      },
      { heading: 'Target File List', table: { columns: ['File', 'Change'], rows: changes } },
      { heading: 'Implementation Checklist', tasks },
      {
        heading: 'Decommissioning List',
        paragraphs: [`Delete once aligned (${count(copies.length, 'file')}, ${count(lines, 'line')}):`],
        bullets: copies.map((c) => code(shown(c.file))),
      },
    ],
  };
}

/** The items of a diverged copy that differ from the original's: changed, missing from the copy, or only in it. */
function itemsToAlign(index: PlanSourceIndex, original: string, copy: string): { text: string }[] {
  const theirs = index.factsOf(original)?.items ?? [];
  const ours = index.factsOf(copy)?.items ?? [];
  const key = (i: ItemFact) => `${i.kind} ${i.name}`;
  const mine = new Map(ours.map((i) => [key(i), i]));
  const out: { text: string }[] = [];
  for (const item of theirs) {
    const own = mine.get(key(item));
    if (!own) {
      out.push({ text: `\`${key(item)}\` is missing here` });
    } else if (own.shapeHash !== item.shapeHash || own.members.join() !== item.members.join()) {
      const lacking = item.members.filter((m) => !own.members.includes(m));
      const extra = own.members.filter((m) => !item.members.includes(m));
      const detail = [lacking.length > 0 ? `lacks ${lacking.join(', ')}` : '', extra.length > 0 ? `adds ${extra.join(', ')}` : ''].filter(Boolean).join(', ');
      out.push({ text: `\`${key(item)}\` ${detail || 'differs'}` });
    }
  }
  const theirKeys = new Set(theirs.map(key));
  for (const item of ours) if (!theirKeys.has(key(item))) out.push({ text: `\`${key(item)}\` is only here` });
  return out;
}

const REMOVABLE = new Set(['fn', 'struct', 'enum', 'union', 'trait', 'static', 'const']);

/**
 * Copied items: per copy, "Remove `fn x` from `file`" and "Update `file` to
 * use `<crate>::<module>::x`" (both decided from the code) when the item is
 * a named item of its module; a manual item for an impl or a method.
 */
function itemScope(context: DraftContext, findings: Finding[]): DraftScope | undefined {
  const { index, shown } = context;
  const copies = findings.flatMap((finding) => {
    const item = itemAt(index, finding);
    const kept = finding.related.find((r) => r.message.startsWith('the copy to keep')) ?? finding.related[0];
    const source = kept && itemAt(index, kept);
    const crate = index.graph.crateOf(finding.file);
    const from = kept && index.graph.crateOf(kept.file);
    if (!item || !kept || !source || !crate || !from) return [];
    return [{ finding, item, kept, source, crate, from }];
  });
  if (copies.length === 0) return undefined;
  copies.sort((a, b) => shown(a.finding.file).localeCompare(shown(b.finding.file)) || a.item.range.start.line - b.item.range.start.line);
  const tasks: string[] = [];
  for (const c of copies) {
    const file = shown(c.finding.file);
    const what = `${c.item.kind} ${c.item.name}`;
    const module = index.moduleOf(c.kept.file);
    if (REMOVABLE.has(c.item.kind) && !c.item.name.includes('::') && !c.source.name.includes('::') && module) {
      dependencyTask(context, c.crate, c.from, tasks);
      tasks.push(`Remove \`${what}\` from \`${file}\``);
      tasks.push(`Update \`${file}\` to use \`${[c.from.libName, ...module.path, c.source.name].join('::')}\``);
    } else {
      tasks.push(`Replace the copy of \`${what}\` in \`${file}\` (line ${c.item.range.start.line + 1}) with the one in crate \`${c.from.name}\``);
    }
  }
  tasks.push(BUILD);
  const lines = copies.reduce((n, c) => n + c.item.lines, 0);
  return {
    title: 'Copied Item Elimination',
    sections: [
      {
        heading: 'Architecture Overview',
        paragraphs: [
          `${count(copies.length, 'item')} (functions, types, impls) ${copies.length === 1 ? 'is a copy' : 'are copies'} of an item of another crate, ` +
            `${count(lines, 'line')} in all: each copy is removed and the crate uses the one kept instead.`,
        ],
      },
      {
        heading: 'Current State: Copied Items',
        table: {
          columns: ['File', 'Item', 'Lines', 'Copy of'],
          rows: copies.map((c) => [
            code(`${shown(c.finding.file)}:${c.item.range.start.line + 1}`),
            code(`${c.item.kind} ${c.item.name}`),
            String(c.item.lines),
            `\`${c.source.kind} ${c.source.name}\` in \`${shown(c.kept.file)}:${c.source.range.start.line + 1}\``,
          ]),
        },
      },
      { heading: 'Implementation Checklist', tasks },
    ],
  };
}

/** The item a finding or related location starts at. */
function itemAt(index: PlanSourceIndex, at: Location): ItemFact | undefined {
  return index.factsOf(at.file)?.items.find((i) => i.range.start.line === at.range.start.line && i.range.start.character === at.range.start.character);
}

interface Singleton {
  file: string;
  fact: StaticFact;
  crate: Crate;
}

/** The globals each duplicate-singleton finding relates, once per group (every member carries a finding). */
function singletonGroups(index: PlanSourceIndex, findings: Finding[]): Singleton[][] {
  const groups = new Map<string, Singleton[]>();
  for (const finding of findings) {
    const members = [finding, ...finding.related].flatMap((at) => {
      const fact = index.factsOf(at.file)?.statics.find((s) => s.range.start.line === at.range.start.line);
      const crate = index.graph.crateOf(at.file);
      return fact && crate ? [{ file: at.file, fact, crate }] : [];
    });
    if (members.length < 2) continue;
    members.sort((a, b) => a.file.localeCompare(b.file) || a.fact.range.start.line - b.fact.range.start.line);
    const key = members.map((m) => `${m.file}:${m.fact.range.start.line}`).join('\0');
    if (!groups.has(key)) groups.set(key, members);
  }
  return [...groups.values()];
}

/**
 * Duplicated singletons: one global is kept, in the crate the others depend
 * on (the rule for copies); "Remove `static X` from `file`" for the others,
 * decided from the code.
 */
function singletonScope(context: DraftContext, findings: Finding[]): DraftScope | undefined {
  const { index, shown } = context;
  const groups = singletonGroups(index, findings);
  if (groups.length === 0) return undefined;
  const clones = { graph: index.graph, options: { ...DEFAULT_OPTIONS, authoritativeCrates: context.authoritativeCrates }, display: (f: string) => index.display(f) };
  const overview: string[] = [];
  const rows: string[][] = [];
  const tasks: string[] = [];
  for (const group of groups) {
    const [kept] = [...group].sort((a, b) => compareCrates(a.crate, b.crate, clones) || a.file.localeCompare(b.file));
    overview.push(
      `${count(group.length, 'lazily initialised global')} of the same type, one per crate (${group.map((m) => `\`${m.crate.name}\``).join(', ')}): ` +
        `a process that links them gets one of each. Keep \`static ${kept.fact.name}\` in \`${shown(kept.file)}\`, in crate \`${kept.crate.name}\`, and share it.`,
    );
    for (const m of group) {
      rows.push([code(`${shown(m.file)}:${m.fact.range.start.line + 1}`), code(`static ${m.fact.name}`), code(m.fact.type), `\`${m.crate.name}\`${m === kept ? ' (kept)' : ''}`]);
    }
    for (const m of group) {
      if (m === kept) continue;
      dependencyTask(context, m.crate, kept.crate, tasks);
      tasks.push(`Remove \`static ${m.fact.name}\` from \`${shown(m.file)}\``);
    }
  }
  tasks.push(BUILD);
  overview.push('The global to keep is chosen by the rule for copies: a crate named in the `authoritativeCrates` setting, then the crate more local crates depend on, then the name.');
  return {
    title: 'Duplicated Singleton Consolidation',
    sections: [
      { heading: 'Architecture Overview', paragraphs: overview },
      { heading: 'Current State: Duplicated Singletons', table: { columns: ['File', 'Static', 'Type', 'Crate'], rows } },
      { heading: 'Implementation Checklist', tasks },
    ],
  };
}

function summaryTable(context: DraftContext, findings: Finding[]): DraftTable {
  const rows = new Map<string, { from: string; to: string; files: number; lines: number }>();
  let files = 0;
  let lines = 0;
  for (const finding of findings) {
    const clone = context.index.cloneClassOf(finding.file);
    const member = clone?.members.find((m) => m.file === finding.file);
    if (!clone || !member) continue;
    const key = `${member.crate.name}\0${clone.members[0].crate.name}`;
    const row = rows.get(key) ?? { from: member.crate.name, to: clone.members[0].crate.name, files: 0, lines: 0 };
    row.files++;
    row.lines += member.facts.lines;
    rows.set(key, row);
    files++;
    lines += member.facts.lines;
  }
  return {
    columns: ['Copies in', 'Copies of', 'Files', 'Duplicated lines'],
    rows: [
      ...[...rows.values()].sort((a, b) => b.lines - a.lines).map((r) => [code(r.from), code(r.to), String(r.files), String(r.lines)]),
      ['**Total**', '', `**${files}**`, `**${lines}**`],
    ],
  };
}

// ---------------------------------------------------------------------------
// Markdown.

export function renderPlan(draft: PlanDraft): string {
  const out: string[] = [`# ${draft.title}`, '', ...paragraphs(draft.intro), '---', '', '## Table of Contents', ''];
  draft.scopes.forEach((scope, i) => out.push(`${i + 1}. [${scope.title}](#${anchor(`${i + 1}. ${scope.title}`)})`));
  out.push('', '---', '');
  draft.scopes.forEach((scope, i) => {
    out.push(`## ${i + 1}. ${scope.title}`, '');
    for (const section of scope.sections) {
      out.push(`### ${section.heading}`, '');
      if (section.paragraphs) out.push(...paragraphs(section.paragraphs));
      if (section.table) out.push(...table(section.table), '');
      if (section.after) out.push(...paragraphs(section.after));
      if (section.tasks) out.push(...section.tasks.map((t) => `- [ ] ${t}`), '');
      if (section.bullets) out.push(...section.bullets.map((b) => `- ${b}`), '');
      if (section.steps) out.push(...section.steps.map((s, n) => `${n + 1}. ${s}`), '');
    }
    out.push('---', '');
  });
  out.push('## Summary Statistics', '', ...table(draft.summary), '');
  return out.join('\n');
}

function paragraphs(texts: string[]): string[] {
  return texts.flatMap((t) => [t, '']);
}

function table({ columns, rows }: DraftTable): string[] {
  return [`| ${columns.join(' | ')} |`, `|${columns.map((c) => '-'.repeat(c.length + 2)).join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)];
}

/** GitHub's heading anchor: lower case, punctuation dropped, spaces as dashes. */
function anchor(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[^\w\- ]/g, '')
    .replace(/ /g, '-');
}

function code(text: string): string {
  return `\`${text}\``;
}

/** A table cell: a `|` would end it. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');
}

// ---------------------------------------------------------------------------

function dependsOn(context: DraftContext, from: Crate, to: Crate): boolean {
  return context.index.graph.dependencies.some((d) => d.from === from && d.to === to);
}

function moduleName(member: CloneMember): string {
  return member.module ? [member.crate.libName, ...member.module.path].join('::') : member.crate.libName;
}

function differences(message: string): string {
  return /differs only in use paths: (.*?)\.(?: It is one of|$)/s.exec(message)?.[1] ?? '';
}

function copyLines(context: DraftContext, findings: Finding[]): number {
  return findings.reduce((n, f) => n + (context.index.factsOf(f.file)?.lines ?? 0), 0);
}

function sum(copies: Copy[]): number {
  return copies.reduce((n, c) => n + c.member.facts.lines, 0);
}

function scopeList(numbers: number[]): string {
  if (numbers.length === 1) return `Scope ${numbers[0]}`;
  const contiguous = numbers.every((n, i) => i === 0 || n === numbers[i - 1] + 1);
  return contiguous ? `Scopes ${numbers[0]}-${numbers[numbers.length - 1]}` : `Scopes ${numbers.join(', ')}`;
}

function sameStart(a: { line: number; character: number }, b: { line: number; character: number }): boolean {
  return a.line === b.line && a.character === b.character;
}

function count(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}

function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    groups.set(k, [...(groups.get(k) ?? []), item]);
  }
  return groups;
}
