// The workspace index: the one owner of manifests, source fingerprints, the
// crate graph, the module tree, clone classes and findings. Every update goes
// through it and returns the files whose findings changed, so a front
// republishes only those.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import picomatch from 'picomatch';
import { copyFindings, makeCloneClass } from './clones/clones';
import type { CloneClass, CloneContext, CloneMember } from './clones/clones';
import { manifestFindings } from './cargo/dependencies';
import { fixTitles } from './fixes/fixes';
import { parseManifest } from './cargo/manifest';
import type { Manifest } from './cargo/manifest';
import { severityOf } from './model';
import type { AnalysisOptions, Finding, Location, Log, Range } from './model';
import { buildModuleTree } from './source/modules';
import { NearMissAnalysis } from './clones/nearMiss';
import { versionGroups } from './clones/versions';
import type { VersionGroup } from './clones/versions';
import type { ModuleInfo } from './source/modules';
import type { ModDeclaration, SourceFacts } from './source/rust';
import { bytesOnlyFacts } from './source/bytesOnly';
import { CrateGraph, SourceFolders, discoverFiles, unreadableReason } from './cargo/workspace';
import { TOOL_KEY, parseSharedSettings, sharedSettingsTable } from './settings';
import { applySuppressions, isReported, readSuppressionComments, redundant } from './suppressions';
import type { AllowEntry } from './model';
import type { Crate, TargetKind } from './cargo/workspace';
import { CrateScopes } from './source/resolve/scopes';

import type { IndexView, SourceAnalyzer } from './view';
export type { IndexView, SourceAnalyzer } from './view';

export interface IndexProgress {
  phase: 'discovering' | 'fingerprinting' | 'analysing';
  done: number;
  total: number;
}

export interface IndexStats {
  crates: number;
  files: number;
  lines: number;
  /** Files reported as copies of a module of another crate. */
  copies: number;
  /**
   * Lines that findings say are copied from another crate, each line once,
   * over every kind: whole-file copies, the shared lines of diverged copies,
   * copied items and copied blocks. Counted on the copies, not the kept side.
   */
  duplicatedLines: number;
  findings: number;
}

/** Progress is reported every this many files. */
const PROGRESS_STEP = 50;

export class WorkspaceIndex implements IndexView {
  private readonly manifests = new Map<string, Manifest>();
  private readonly facts = new Map<string, SourceFacts>();
  private sources = new SourceFolders(new Set());
  private vendoredDirs = new Set<string>();
  private graphValue = new CrateGraph([], this.sources, new Set());
  private modules = new Map<string, ModuleInfo>();
  /** The resolver's scopes per crate and target; cleared wherever a fact, a module, a manifest, the graph or the settings change. */
  private readonly scopes = new Map<Crate, Map<TargetKind, CrateScopes>>();
  private readonly byToken = new Map<string, Set<string>>();
  private readonly byNormalized = new Map<string, Set<string>>();
  private readonly classOf = new Map<string, CloneClass>();
  private readonly classes = new Set<CloneClass>();
  /** Findings by family; a file's findings are the three put together. */
  private readonly copyFindingsByFile = new Map<string, Finding[]>();
  private readonly nearFindingsByFile = new Map<string, Finding[]>();
  private manifestFindingsByFile = new Map<string, Finding[]>();
  private readonly findingsByFile = new Map<string, Finding[]>();
  /** Findings a suppression silenced, by file: kept apart, still counted. */
  private readonly suppressedByFile = new Map<string, Finding[]>();
  /** The shared settings' `allow` entries that silenced something, by the file they silenced it in. */
  private readonly allowUsedByFile = new Map<string, Set<AllowEntry>>();
  /** `allow` entries that silence nothing, on the manifest each is written in. */
  private redundantAllowByFile = new Map<string, Finding[]>();
  private readonly serialized = new Map<string, string>();
  private readonly settingsRead = new Map<string, { text: string; problems: ReturnType<typeof parseSharedSettings>['problems'] }>();
  /** Per file, how many of its lines its findings say are copied: kept as findings are stored. */
  private readonly copiedLineCounts = new Map<string, number>();
  private nearMiss: NearMissAnalysis;
  /** Source files read and fingerprinted since the index was made: a save should add one. */
  filesRead = 0;
  /** The near-miss state holds crates and settings: rebuilt when either changes. */
  private nearMissStale = true;
  private excluded: (relative: string) => boolean = () => false;

  constructor(
    readonly roots: string[],
    private options: AnalysisOptions,
    private readonly analyzer: SourceAnalyzer,
    private readonly log: Log,
  ) {
    this.roots = roots.map((r) => path.resolve(r)).sort((a, b) => b.length - a.length);
    this.nearMiss = this.newNearMiss();
  }

  get graph(): CrateGraph {
    return this.graphValue;
  }

  /**
   * Reads the whole workspace from disk. Returns the files whose findings changed. `authority`: the crates
   * the workspace's plans name as authoritative (see withPlanAuthority), asked once the files are handed
   * to the analysis threads and before any finding, so a caller can walk the tree for its plans while the
   * threads read; they replace the options' planAuthoritativeCrates.
   */
  async build(progress?: (p: IndexProgress) => void, authority?: () => string[]): Promise<string[]> {
    this.manifests.clear();
    this.scopes.clear();
    this.facts.clear();
    this.byToken.clear();
    this.byNormalized.clear();
    this.excluded = this.options.exclude.some((g) => g !== '') ? picomatch(this.options.exclude.filter((g) => g !== ''), { dot: true }) : () => false;
    progress?.({ phase: 'discovering', done: 0, total: this.roots.length });
    const sources = new Set<string>();
    this.vendoredDirs = new Set();
    for (const root of this.roots) {
      const found = discoverFiles(root, this.options.exclude);
      found.sources.forEach((f) => sources.add(f));
      found.vendoredDirs.forEach((d) => this.vendoredDirs.add(d));
      for (const name of found.unreadableNames) this.log.warn(`${this.display(name)}: not read: its name is not valid UTF-8, which no Rust module path can name`);
      for (const file of found.manifests) this.readManifest(file);
    }
    this.sources = new SourceFolders(sources);
    this.rebuildGraph();
    const pending = [...sources].filter((f) => this.graph.crateOf(f)).sort();
    progress?.({ phase: 'fingerprinting', done: 0, total: pending.length });
    let done = 0;
    // Facts are stored in path order once all are in, not in the order worker
    // threads finish: later passes iterate them, and ties and the near-miss
    // boilerplate cut-off would otherwise depend on thread timing.
    const reading = pending.map(async (f) => {
      const facts = await this.fingerprint(f);
      done++;
      if (done % PROGRESS_STEP === 0 || done === pending.length) {
        progress?.({ phase: 'fingerprinting', done, total: pending.length });
      }
      return facts;
    });
    if (authority) this.options = { ...this.options, planAuthoritativeCrates: authority() };
    const results = await Promise.all(reading);
    pending.forEach((f, i) => this.setFacts(f, results[i]));
    progress?.({ phase: 'analysing', done: 0, total: 1 });
    this.modules = buildModuleTree(this.graph, this.sources, (f) => this.facts.get(f));
    this.scopes.clear();
    const changed = this.recomputeAll();
    progress?.({ phase: 'analysing', done: 1, total: 1 });
    return changed;
  }

  /** A Rust source was created or changed on disk: re-fingerprint it alone. */
  async updateSource(file: string): Promise<string[]> {
    if (!this.covers(file)) return [];
    if (!this.readable(file)) return this.removeSource(file);
    const isNew = !this.sources.has(file);
    if (isNew) {
      this.sources.add(file);
      // A new file may be a target root (src/lib.rs) or a module some `mod` was waiting for (the module
      // tree, below). Only a path some crate's targets could have can change the graph.
      if (this.graph.mayBeTarget(file)) this.rebuildGraph();
    }
    const crate = this.graph.crateOf(file);
    if (!crate) return [];
    const before = this.facts.get(file);
    // An editor reports a save twice (didSave and a watched-file change): the second finds the same bytes.
    if (before && !isNew && before.normalizedFor === crate.libName && !this.oversized(file) && sameBytes(file, before.byteHash)) return [];
    const after = await this.fingerprint(file, true);
    if (before && after && before.byteHash === after.byteHash && before.normalizedFor === after.normalizedFor && !isNew) {
      return [];
    }
    const seeds = new Set([file, ...(this.classOf.get(file)?.members.map((m) => m.file) ?? [])]);
    this.setFacts(file, after);
    if (isNew || modStructure(before) !== modStructure(after)) {
      return this.refreshModulesAndRecompute([], file);
    }
    this.refreshDeclarations(file, after, seeds);
    return this.recomputeAround(seeds, this.nearMissUpdate(file));
  }

  /** A Rust source was deleted. */
  removeSource(file: string): string[] {
    if (!this.sources.has(file)) return [];
    const seeds = new Set([file, ...(this.classOf.get(file)?.members.map((m) => m.file) ?? [])]);
    const hadMods = (this.facts.get(file)?.mods.length ?? 0) > 0;
    const wasRoot = this.graph.crates.some((c) => c.targets.some((t) => t.root === file));
    this.sources.delete(file);
    this.setFacts(file, undefined);
    if (hadMods || wasRoot) {
      this.rebuildGraph();
      return this.refreshModulesAndRecompute([file], file);
    }
    this.modules.delete(file);
    this.scopes.clear();
    return this.recomputeAround(seeds, this.nearMissUpdate(file));
  }

  /** A Cargo.toml was created, changed or deleted: rebuild the crate graph, not the fingerprints. */
  async updateManifest(file: string): Promise<string[]> {
    if (!this.covers(file)) return [];
    const present = this.readable(file);
    if (present) this.readManifest(file);
    else this.manifests.delete(file);
    this.scopes.clear();
    this.rebuildGraph();
    // Fingerprints hold `crate::` written as the crate's library name: only
    // files that gained a crate, or whose crate's library name changed, are read again.
    const stale = [...this.sources.files].filter((f) => {
      const crate = this.graph.crateOf(f);
      const facts = this.facts.get(f);
      if (!crate) return facts !== undefined;
      return !facts || (facts.crateRefs > 0 && facts.normalizedFor !== crate.libName);
    });
    for (const f of stale) {
      this.setFacts(f, this.graph.crateOf(f) ? await this.fingerprint(f) : undefined);
    }
    return this.refreshModulesAndRecompute(present ? [] : [file]);
  }

  /** New settings: a change of `exclude` needs a new walk; the rest only new findings. */
  async setOptions(options: AnalysisOptions): Promise<string[]> {
    // Excluded paths change what is walked; the near-miss switch what is read from each file.
    const rewalk = JSON.stringify(options.exclude) !== JSON.stringify(this.options.exclude) || options.nearMiss !== this.options.nearMiss;
    this.options = options;
    this.scopes.clear();
    this.nearMissStale = true;
    if (rewalk) {
      const before = new Set(this.findingsByFile.keys());
      const changed = new Set(await this.build());
      before.forEach((f) => changed.add(f));
      return [...changed];
    }
    return this.recomputeAll();
  }

  findingsFor(file: string): readonly Finding[] {
    return this.findingsByFile.get(file) ?? [];
  }

  allFindings(): Finding[] {
    return [...this.findingsByFile.keys()].sort().flatMap((f) => this.findingsByFile.get(f)!);
  }

  /** The findings suppressions silenced, each with its `suppressedBy`. */
  suppressedFindings(): Finding[] {
    return [...this.suppressedByFile.keys()].sort().flatMap((f) => this.suppressedByFile.get(f)!);
  }

  filesWithFindings(): string[] {
    return [...this.findingsByFile.keys()];
  }

  cloneClasses(): readonly CloneClass[] {
    return [...this.classes];
  }

  cloneClassOf(file: string): CloneClass | undefined {
    return this.classOf.get(file);
  }

  allModules(): ReadonlyMap<string, ModuleInfo> {
    return this.modules;
  }

  allManifests(): ReadonlyMap<string, Manifest> {
    return this.manifests;
  }

  crateScopes(crate: Crate, target: TargetKind, externs: (name: string) => boolean): CrateScopes {
    let byTarget = this.scopes.get(crate);
    if (!byTarget) this.scopes.set(crate, (byTarget = new Map()));
    let scopes = byTarget.get(target);
    if (!scopes) byTarget.set(target, (scopes = new CrateScopes(this, crate, target, externs)));
    return scopes;
  }

  moduleOf(file: string): ModuleInfo | undefined {
    return this.modules.get(file);
  }

  allSourceFiles(): Iterable<string> {
    return this.facts.keys();
  }

  factsOf(file: string): SourceFacts | undefined {
    return this.facts.get(file);
  }

  manifestOf(file: string): Manifest | undefined {
    return this.manifests.get(file);
  }

  stats(): IndexStats {
    let lines = 0;
    for (const f of this.facts.values()) lines += f.lines;
    let copies = 0;
    let duplicatedLines = 0;
    let findings = 0;
    for (const [file, list] of this.findingsByFile) {
      findings += list.length;
      if (list.some((f) => f.code === 'duplicate-file' || f.code === 'near-duplicate-file')) copies++;
      duplicatedLines += this.copiedLineCounts.get(file) ?? 0;
    }
    return { crates: this.graph.crates.length, files: this.facts.size, lines, copies, duplicatedLines, findings };
  }

  /** A path shown to a person: relative to the workspace folder that holds it. */
  display(file: string): string {
    const root = this.rootOf(file);
    return root ? path.relative(root, file).split(path.sep).join('/') || '.' : file;
  }

  rootOf(file: string): string | undefined {
    return this.roots.find((r) => file === r || file.startsWith(r + path.sep));
  }

  /** Whether a path is inside a workspace folder and not excluded, so the index should follow it. */
  covers(file: string): boolean {
    const root = this.rootOf(file);
    if (!root) return false;
    const parts = path.relative(root, file).split(path.sep);
    if (parts.some((p) => p === 'target' || p === '.git' || p === 'node_modules')) return false;
    return !this.excluded(parts.join('/'));
  }

  // -------------------------------------------------------------------------

  private oversized(file: string): boolean {
    try {
      return fs.statSync(file).size > this.options.maxFileBytes;
    } catch {
      return false;
    }
  }

  /** Whether a file an editor announced is one the walk would read; said in the log when it is there but is not. */
  private readable(file: string): boolean {
    const reason = unreadableReason(this.rootOf(file)!, file);
    if (reason && reason !== 'missing') this.log.warn(`${this.display(file)}: not read: ${reason}`);
    return reason === undefined;
  }

  private readManifest(file: string): void {
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (e) {
      this.log.warn(`${this.display(file)}: cannot read: ${(e as Error).message}`);
      this.manifests.delete(file);
      this.scopes.clear();
      return;
    }
    const manifest = parseManifest(file, text);
    if (manifest.error) this.log.warn(`${this.display(file)}: ${manifest.error.message}`);
    this.manifests.set(file, manifest);
    this.scopes.clear();
  }

  private rebuildGraph(): void {
    const next = new CrateGraph(this.manifests.values(), this.sources, this.vendoredDirs);
    // Crates are compared by identity downstream: keep the graph when nothing changed.
    if (graphShape(next) === graphShape(this.graphValue)) return;
    this.graphValue = next;
    this.scopes.clear();
    this.nearMissStale = true;
    for (const crate of this.graph.crates) {
      if (crate.targets.length === 0) {
        this.log.info(`crate ${crate.name} (${this.display(crate.manifest)}) has no targets: no src/lib.rs, src/main.rs, [lib] or [[bin]] file`);
      }
    }
  }

  /** `editing`: a save, not the first read: see SourceAnalyzer.analyzeFile. */
  private async fingerprint(file: string, editing = false): Promise<SourceFacts | undefined> {
    const crate = this.graph.crateOf(file);
    if (!crate) return undefined;
    try {
      this.filesRead++;
      if (this.oversized(file)) {
        this.log.warn(`${this.display(file)}: over ${this.options.maxFileBytes} bytes (the maxFileBytes setting): compared by its bytes only, not parsed`);
        return await bytesOnlyFacts(file, crate.libName);
      }
      const facts = await this.analyzer.analyzeFile(file, crate.libName, this.options.nearMiss, editing);
      if (!facts.validUtf8) this.log.warn(`${this.display(file)}: not valid UTF-8; fingerprinted with replacement characters`);
      if (facts.syntaxErrors > 0) this.log.info(`${this.display(file)}: ${facts.syntaxErrors} syntax errors; fingerprinted as written`);
      return facts;
    } catch (e) {
      this.log.warn(`${this.display(file)}: cannot be read or analysed: ${(e as Error).message}`);
      return undefined;
    }
  }

  private setFacts(file: string, facts: SourceFacts | undefined): void {
    this.scopes.clear();
    const before = this.facts.get(file);
    if (before) {
      removeFrom(this.byToken, before.tokenHash, file);
      removeFrom(this.byNormalized, before.normalizedHash, file);
    }
    if (facts) {
      this.facts.set(file, facts);
      addTo(this.byToken, facts.tokenHash, file);
      addTo(this.byNormalized, facts.normalizedHash, file);
    } else {
      this.facts.delete(file);
    }
  }

  private member(file: string): CloneMember | undefined {
    const facts = this.facts.get(file);
    const crate = this.graph.crateOf(file);
    if (!facts || !crate || facts.trivial || facts.tokens < this.options.minimumTokens) return undefined;
    return { file, crate, facts, module: this.modules.get(file) };
  }

  /** The files equal to this one by tokens or by normalised tokens, transitively. */
  private groupOf(file: string): CloneMember[] {
    const start = this.member(file);
    if (!start) return [];
    const seen = new Map<string, CloneMember>([[file, start]]);
    const queue = [start];
    while (queue.length > 0) {
      const { facts } = queue.pop()!;
      for (const bucket of [this.byToken.get(facts.tokenHash), this.byNormalized.get(facts.normalizedHash)]) {
        for (const other of bucket ?? []) {
          if (seen.has(other)) continue;
          const member = this.member(other);
          if (!member) continue;
          seen.set(other, member);
          queue.push(member);
        }
      }
    }
    return [...seen.values()];
  }

  private cloneContext(): CloneContext {
    return { graph: this.graph, options: this.options, display: (f) => this.display(f), versionGroups: this.versionGroupsOf() };
  }

  /** Crates that are versions of one another, for the graph and settings in force. */
  private versionGroupsOf(): ReadonlyMap<Crate, VersionGroup> {
    if (this.versionGroupsFor?.graph !== this.graph || this.versionGroupsFor.options !== this.options) {
      this.versionGroupsFor = { graph: this.graph, options: this.options, groups: versionGroups(this.graph, this.options, (d) => this.display(d)) };
    }
    return this.versionGroupsFor.groups;
  }
  private versionGroupsFor?: { graph: CrateGraph; options: AnalysisOptions; groups: ReadonlyMap<Crate, VersionGroup> };

  private setClass(clone: CloneClass): void {
    this.classes.add(clone);
    for (const m of clone.members) this.classOf.set(m.file, clone);
  }

  private dropClass(clone: CloneClass): void {
    this.classes.delete(clone);
    for (const m of clone.members) if (this.classOf.get(m.file) === clone) this.classOf.delete(m.file);
  }

  private recomputeAll(): string[] {
    this.classes.clear();
    this.classOf.clear();
    const context = this.cloneContext();
    const copies = new Map<string, Finding[]>();
    for (const file of this.facts.keys()) {
      if (this.classOf.has(file)) continue;
      const facts = this.facts.get(file)!;
      if ((this.byToken.get(facts.tokenHash)?.size ?? 0) < 2 && (this.byNormalized.get(facts.normalizedHash)?.size ?? 0) < 2) continue;
      const clone = makeCloneClass(this.groupOf(file), context);
      if (!clone) continue;
      this.setClass(clone);
      for (const finding of copyFindings(clone, context)) push(copies, finding.file, finding);
    }
    const before = [...this.findingsByFile.keys()];
    replaceAll(this.copyFindingsByFile, copies);
    if (this.nearMissStale) {
      this.nearMiss = this.newNearMiss();
      if (this.options.nearMiss) this.nearMiss.addAll(this.facts);
      this.nearMissStale = false;
    }
    this.nearFindingsByFile.clear();
    for (const file of this.facts.keys()) this.refreshNear(file);
    this.refreshManifestFindings();
    return this.compose([
      ...before,
      ...this.suppressedByFile.keys(),
      ...this.filesWithSuppressionComments(),
      // The copies to keep: they carry kept-copy when it is turned on.
      ...[...this.classes].map((c) => c.members[0].file),
      ...this.copyFindingsByFile.keys(),
      ...this.nearFindingsByFile.keys(),
      ...this.manifestFindingsByFile.keys(),
    ]);
  }

  /** Files that carry suppression comments: one that silences nothing is reported even on a file with no findings. */
  private *filesWithSuppressionComments(): Iterable<string> {
    for (const [file, facts] of this.facts) if (facts.suppressions.length > 0) yield file;
    for (const [file, manifest] of this.manifests) if (manifest.text.includes('rust-consolidate:')) yield file;
  }

  /**
   * Recomputes the clone classes the seed files were or are now part of, the
   * near-miss findings of the files a change reached, and the manifest findings.
   */
  private recomputeAround(seeds: Set<string>, nearAffected: Set<string>): string[] {
    const context = this.cloneContext();
    const touched = new Set<string>();
    const queue = [...seeds];
    const grouped = new Set<string>();
    const built = new Set<CloneClass>();
    const next = new Map<string, Finding[]>();
    // A class a seed left or joined is rebuilt, and so is every class its
    // members were in: one edit can merge two classes or split one.
    while (queue.length > 0) {
      const file = queue.pop()!;
      touched.add(file);
      const old = this.classOf.get(file);
      if (old && !built.has(old)) {
        this.dropClass(old);
        for (const m of old.members) if (!touched.has(m.file)) queue.push(m.file);
      }
      if (grouped.has(file)) continue;
      const group = this.groupOf(file);
      for (const m of group) {
        grouped.add(m.file);
        if (!touched.has(m.file)) queue.push(m.file);
        const joined = this.classOf.get(m.file);
        if (joined && !built.has(joined)) {
          this.dropClass(joined);
          for (const other of joined.members) if (!touched.has(other.file)) queue.push(other.file);
        }
      }
      const clone = makeCloneClass(group, context);
      if (!clone) continue;
      built.add(clone);
      this.setClass(clone);
      for (const finding of copyFindings(clone, context)) push(next, finding.file, finding);
    }
    for (const file of touched) setOrDelete(this.copyFindingsByFile, file, next.get(file) ?? []);
    // A file that joined or left a copy class changes what its near-miss neighbours report.
    const near = new Set(nearAffected);
    for (const file of touched) {
      near.add(file);
      this.nearMiss.neighbours(file).forEach((n) => near.add(n));
    }
    for (const file of near) this.refreshNear(file);
    const manifestsBefore = [...this.manifestFindingsByFile.keys()];
    this.refreshManifestFindings();
    // A fix's title names the copies it brings along: the other copies of the crates touched are stored again.
    const crates = new Set([...touched].map((f) => this.graph.crateOf(f)));
    const sameCrates = [...this.copyFindingsByFile.keys()].filter((f) => crates.has(this.graph.crateOf(f)));
    return this.compose([...touched, ...near, ...sameCrates, ...manifestsBefore, ...this.manifestFindingsByFile.keys()]);
  }

  /**
   * The module tree again, after `changed` added, removed or moved a `mod` (or was created or deleted).
   * With the crate graph unchanged, only the files whose place in the tree changed are analysed again,
   * with that file: a `mod` line of one crate does not move the modules of the 700 others.
   */
  private refreshModulesAndRecompute(gone: string[] = [], changed?: string): string[] {
    const before = this.modules;
    this.modules = buildModuleTree(this.graph, this.sources, (f) => this.facts.get(f));
    this.scopes.clear();
    let result: string[];
    if (changed && !this.nearMissStale) {
      const { moved, shifted } = movedModules(before, this.modules);
      // A module whose `mod` line only moved keeps its near-miss findings; its copy findings name the line.
      const seeds = new Set([changed, ...moved, ...shifted, ...gone]);
      for (const file of [...seeds]) for (const m of this.classOf.get(file)?.members ?? []) seeds.add(m.file);
      const near = new Set<string>();
      if (this.options.nearMiss) for (const file of [changed, ...moved]) this.nearMiss.update(file, this.facts.get(file)).forEach((f) => near.add(f));
      result = this.recomputeAround(seeds, near);
    } else {
      result = this.recomputeAll();
    }
    for (const file of gone) if (this.store(file, []) && !result.includes(file)) result.push(file);
    return result;
  }

  /** Takes a changed file into the near-miss state; returns the files whose near-miss findings may change. */
  private nearMissUpdate(file: string): Set<string> {
    if (!this.options.nearMiss) return new Set();
    return this.nearMissStale ? new Set([file]) : this.nearMiss.update(file, this.facts.get(file));
  }

  private refreshNear(file: string): void {
    setOrDelete(this.nearFindingsByFile, file, this.facts.has(file) ? this.nearMiss.findingsFor(file) : []);
  }

  private newNearMiss(): NearMissAnalysis {
    // Getters: the graph, modules and settings are replaced over the index's life.
    const index = this;
    return new NearMissAnalysis({
      get graph() {
        return index.graph;
      },
      get options() {
        return index.options;
      },
      display: (f) => this.display(f),
      get versionGroups() {
        return index.versionGroupsOf();
      },
      relative: (f) => this.display(f),
      facts: (f) => this.facts.get(f),
      crateOf: (f) => this.graph.crateOf(f),
      moduleOf: (f) => this.modules.get(f),
      cloneClassOf: (f) => this.classOf.get(f),
    });
  }

  /** Puts each file's findings together from the families and stores them; returns the files that changed. */
  private compose(files: Iterable<string>): string[] {
    const changed = new Set<string>();
    const composeOne = (file: string) => {
      const found = [
        ...this.keptCopyFindings(file),
        ...(this.copyFindingsByFile.get(file) ?? []),
        ...(this.nearFindingsByFile.get(file) ?? []),
        ...(this.manifestFindingsByFile.get(file) ?? []),
      ];
      const { reported, suppressed, allowUsed } = applySuppressions(file, found, this.suppressionComments(file), this.options);
      setOrDelete(this.suppressedByFile, file, suppressed);
      if (allowUsed.size > 0) this.allowUsedByFile.set(file, allowUsed);
      else this.allowUsedByFile.delete(file);
      if (this.store(file, [...reported, ...(this.redundantAllowByFile.get(file) ?? [])])) changed.add(file);
    };
    for (const file of new Set(files)) composeOne(file);
    // Whether an `allow` entry is needed depends on every file: its manifest is composed again when that changes.
    const before = this.redundantAllowByFile;
    this.redundantAllowByFile = this.redundantAllowEntries();
    for (const file of new Set([...before.keys(), ...this.redundantAllowByFile.keys()])) {
      if (JSON.stringify(before.get(file) ?? []) !== JSON.stringify(this.redundantAllowByFile.get(file) ?? [])) composeOne(file);
    }
    return [...changed];
  }

  /** On the copy to keep, when `kept-copy` is turned on: the other direction of its copies' warnings. */
  private keptCopyFindings(file: string): Finding[] {
    const severity = severityOf(this.options, 'kept-copy');
    const clone = this.classOf.get(file);
    if (severity === 'off' || !clone || clone.members[0].file !== file) return [];
    const keeper = clone.members[0].crate;
    const copies = clone.members.slice(1).filter((m) => m.crate !== keeper);
    if (copies.length === 0) return [];
    const crates = [...new Set(copies.map((m) => m.crate.name))];
    const firstLine = { start: { line: 0, character: 0 }, end: { line: 0, character: this.facts.get(file)?.firstLineLength ?? 0 } };
    return [
      {
        code: 'kept-copy',
        severity,
        message: `This file is the copy to keep of a module copied in ${crates.length} ${crates.length === 1 ? 'crate' : 'crates'}: ${crates.join(', ')}.`,
        file,
        range: firstLine,
        related: copies.map((m) => ({ file: m.file, range: { start: { line: 0, character: 0 }, end: { line: 0, character: m.facts.firstLineLength } }, message: `a copy, in crate ${m.crate.name}` })),
        fixes: [],
      },
    ];
  }

  private suppressionComments(file: string) {
    if (file.endsWith('.rs')) return this.facts.get(file)?.suppressions ?? [];
    const manifest = this.manifests.get(file);
    return manifest ? readSuppressionComments(manifest.text, 'toml') : [];
  }

  private redundantAllowEntries(): Map<string, Finding[]> {
    const used = new Set<AllowEntry>();
    for (const entries of this.allowUsedByFile.values()) entries.forEach((e) => used.add(e));
    const idle = new Map<string, Finding[]>();
    for (const entry of this.options.allow) {
      if (used.has(entry) || !isReportedCode(this.options, entry)) continue;
      const finding = redundant(entry.written.file, entry.written.range, [entry.code], this.options, entry);
      if (finding) push(idle, entry.written.file, finding);
    }
    return idle;
  }

  /** Same `mod` structure, new positions: point module infos at the new declarations. */
  private refreshDeclarations(file: string, facts: SourceFacts | undefined, seeds: Set<string>): void {
    if (!facts || facts.mods.length === 0) return;
    for (const [child, info] of this.modules) {
      if (info.declaredBy?.file !== file) continue;
      const old = info.declaredBy.declaration;
      const now = facts.mods.find((d) => d.name === old.name && d.inlineParents.join('::') === old.inlineParents.join('::'));
      if (now && JSON.stringify(now.range) !== JSON.stringify(old.range)) {
        info.declaredBy = { file, declaration: now };
        this.scopes.clear();
        seeds.add(child);
      }
    }
  }

  private manifestFindings(): Finding[] {
    return manifestFindings({
      graph: this.graph,
      options: this.options,
      manifests: [...this.manifests.values()],
      cloneClasses: this.classes,
      useSites: (crate, root) => this.useSites(crate, root),
      display: (f) => this.display(f),
    });
  }

  private useSites(crate: Crate, root: string): Location[] {
    const sites: Location[] = [];
    for (const [file, facts] of this.facts) {
      for (const site of facts.useSites) {
        if (site.root === root && this.graph.crateOf(file) === crate) sites.push({ file, range: site.range });
      }
    }
    return sites.sort((a, b) => a.file.localeCompare(b.file) || a.range.start.line - b.range.start.line);
  }

  private refreshManifestFindings(): void {
    const next = new Map<string, Finding[]>();
    for (const finding of [...this.manifestFindings(), ...this.settingsFindings()]) push(next, finding.file, finding);
    this.manifestFindingsByFile = next;
  }

  /** Problems in the shared settings of each workspace folder's Cargo.toml, on their lines. */
  private settingsFindings(): Finding[] {
    const severity = severityOf(this.options, 'settings-error');
    if (severity === 'off') return [];
    const findings: Finding[] = [];
    const problem = (file: string, message: string, range: Range) =>
      findings.push({ code: 'settings-error', severity, message, file, range, related: [], fixes: [] });
    for (const manifest of [...this.manifests.values()].sort((a, b) => a.file.localeCompare(b.file))) {
      if (manifest.error) continue;
      if (this.roots.includes(path.dirname(manifest.file))) {
        for (const p of this.settingsProblems(manifest.file, manifest.text)) problem(manifest.file, p.message, p.range);
      } else if (manifest.text.includes(TOOL_KEY)) {
        // Settings anywhere else would be read by nobody: say so rather than ignore them.
        const written = sharedSettingsTable(manifest.text);
        if (written) {
          problem(
            manifest.file,
            `[${written.table}] is read only from the Cargo.toml at the top of the workspace folder (${this.display(this.rootOf(manifest.file) ?? manifest.file)}): these settings are ignored`,
            written.range,
          );
        }
      }
    }
    return findings;
  }

  /** The shared settings' problems, read again only when the manifest's text changed (every save recomputes the manifest findings). */
  private settingsProblems(file: string, text: string): ReturnType<typeof parseSharedSettings>['problems'] {
    const known = this.settingsRead.get(file);
    if (known?.text === text) return known.problems;
    const { problems } = parseSharedSettings(file, text);
    this.settingsRead.set(file, { text, problems });
    return problems;
  }

  private store(file: string, findings: Finding[]): boolean {
    for (const finding of findings) finding.fixes = fixTitles(this, finding);
    const text = JSON.stringify(findings);
    if ((this.serialized.get(file) ?? '[]') === text) return false;
    if (findings.length === 0) {
      this.findingsByFile.delete(file);
      this.serialized.delete(file);
      this.copiedLineCounts.delete(file);
    } else {
      this.findingsByFile.set(file, findings);
      this.serialized.set(file, text);
      const whole = findings.some((f) => f.code === 'duplicate-file' || f.code === 'near-duplicate-file');
      this.copiedLineCounts.set(file, whole ? this.facts.get(file)?.lines ?? 0 : this.nearMiss.copiedLines(file, findings).size);
    }
    return true;
  }
}

function isReportedCode(options: AnalysisOptions, entry: AllowEntry): boolean {
  return isReported(options, entry.code);
}

function sameBytes(file: string, byteHash: string): boolean {
  try {
    return createHash('sha1').update(fs.readFileSync(file)).digest('base64') === byteHash;
  } catch {
    return false;
  }
}

/** A graph's shape, kept per graph: a graph is never changed once built, and every rebuild compares with the last. */
const shapes = new WeakMap<CrateGraph, string>();

/** What the rest of the index depends on in a crate graph. */
function graphShape(graph: CrateGraph): string {
  const known = shapes.get(graph);
  if (known !== undefined) return known;
  const shape = JSON.stringify([
    graph.crates.map((c) => [c.name, c.libName, c.manifest, c.vendored, c.targets]),
    graph.dependencies.map((d) => [d.from.manifest, d.entry.name, d.entry.package, d.entry.kind, d.source, d.to?.manifest, d.entry.keyRange]),
  ]);
  shapes.set(graph, shape);
  return shape;
}

function setOrDelete<K, V>(map: Map<K, V[]>, key: K, value: V[]): void {
  if (value.length > 0) map.set(key, value);
  else map.delete(key);
}

function replaceAll<K, V>(target: Map<K, V>, source: Map<K, V>): void {
  target.clear();
  for (const [k, v] of source) target.set(k, v);
}

/**
 * A file's `mod` declarations without their positions: what the module tree and the modules' place in
 * it (test-only, visibility, attributes) depend on. A change here re-reads the tree; a declaration
 * that only moved is taken up by refreshDeclarations.
 */
function modStructure(facts: SourceFacts | undefined): string {
  return JSON.stringify(facts?.mods.map(declarationSemantics) ?? []);
}

/** What a `mod` declaration says, without where it is written. */
function declarationSemantics(d: ModDeclaration): unknown[] {
  return [d.name, d.visibility, d.inlineParents, d.pathAttribute, d.inline, d.testOnly ?? false, d.attributes.map((a) => a.name)];
}

function addTo(map: Map<string, Set<string>>, key: string, file: string): void {
  const set = map.get(key);
  if (set) set.add(file);
  else map.set(key, new Set([file]));
}

function removeFrom(map: Map<string, Set<string>>, key: string, file: string): void {
  const set = map.get(key);
  if (!set) return;
  set.delete(file);
  if (set.size === 0) map.delete(key);
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

export type { Crate };

/**
 * The files whose place in the module tree differs between two trees (`moved`): their crate, target,
 * module path, the file and `mod` declaration that bring them in (its positions aside), or the place of
 * any module above (`#[cfg(test)]` on a parent makes every module below it test-only); files in one
 * tree only count too. `shifted`: the other files whose declaration only moved within its file.
 */
function movedModules(before: ReadonlyMap<string, ModuleInfo>, after: ReadonlyMap<string, ModuleInfo>): { moved: Set<string>; shifted: Set<string> } {
  const memo = new Map<string, boolean>();
  const moved = (file: string, depth = 0): boolean => {
    const known = memo.get(file);
    if (known !== undefined) return known;
    const [was, is] = [before.get(file), after.get(file)];
    let result = !samePlace(was, is);
    // A module tree has no cycles; the bound keeps a malformed one from overflowing the stack.
    if (!result && depth < 64) {
      const parents = new Set([was?.declaredBy?.file, is?.declaredBy?.file]);
      for (const parent of parents) if (parent !== undefined && moved(parent, depth + 1)) result = true;
    }
    memo.set(file, result);
    return result;
  };
  const result = { moved: new Set<string>(), shifted: new Set<string>() };
  for (const file of new Set([...before.keys(), ...after.keys()])) {
    if (moved(file)) result.moved.add(file);
    else if (!sameText(before.get(file)?.declaredBy?.declaration, after.get(file)?.declaredBy?.declaration)) result.shifted.add(file);
  }
  return result;
}

function samePlace(a: ModuleInfo | undefined, b: ModuleInfo | undefined): boolean {
  if (!a || !b) return a === b;
  return (
    a.crate === b.crate &&
    a.target === b.target &&
    a.path.length === b.path.length &&
    a.path.every((segment, i) => segment === b.path[i]) &&
    a.declaredBy?.file === b.declaredBy?.file &&
    sameDeclaration(a.declaredBy?.declaration, b.declaredBy?.declaration)
  );
}

/** Two `mod` declarations written alike and in the same place: a file read again has new objects for the same lines. */
function sameText(a: ModDeclaration | undefined, b: ModDeclaration | undefined): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}

/** Two `mod` declarations alike but for where they are written: a file's facts are new objects after each read. */
function sameDeclaration(a: ModDeclaration | undefined, b: ModDeclaration | undefined): boolean {
  if (a === b) return true;
  if (!a || !b) return false;
  return JSON.stringify(declarationSemantics(a)) === JSON.stringify(declarationSemantics(b));
}
