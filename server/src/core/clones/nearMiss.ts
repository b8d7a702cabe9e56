// What a byte or token hash misses: files that diverged from a common
// original (diverged-copy), items copied on their own (duplicate-item), and a
// lazily initialised global that every crate builds for itself
// (duplicate-singleton). State is updated one file at a time; findings for a
// file are computed from that state, so a save touches only its neighbours.
import * as path from 'node:path';
import { diffArrays } from 'diff';
import picomatch from 'picomatch';
import { MAX_RELATED, compareCrates, firstLine, moduleName } from './clones';
import type { CloneClass, CloneContext, CloneMember } from './clones';
import type { Finding, FindingCode, RelatedLocation } from '../model';
import { severityOf } from '../model';
import type { ModuleInfo } from '../source/modules';
import type { ItemFact, SourceFacts, StaticFact } from '../source/rust';
import { NAMED_ITEM_LINES } from '../source/rust';
import { K, sharedCount, tokenId } from '../source/winnow';
import type { Crate } from '../cargo/workspace';
import { asDrift, sharedGroup } from './versions';
import { IdCounts, IdPostings } from './idTable';

export interface NearMissContext extends CloneContext {
  facts(file: string): SourceFacts | undefined;
  crateOf(file: string): Crate | undefined;
  moduleOf(file: string): ModuleInfo | undefined;
  /** The copy class a file is in, if its copies span crates. */
  cloneClassOf(file: string): CloneClass | undefined;
  /** Path relative to its workspace folder, `/`-separated, for the ignore globs. */
  relative(file: string): string;
}

/** A fingerprint shared by more files than this is boilerplate: it finds no candidates and weighs nothing. */
const COMMON = 64;
/**
 * A fingerprint in up to this many files (a copy in three crates) weighs fully in a similarity; one in
 * more weighs RARE / files, as clone research weights tokens by frequency:
 * code every crate repeats (entry points, error enums, metric constructors)
 * is no evidence that two files are copies.
 */
const RARE = 3;
/**
 * A file needs this many distinct fingerprints (some 15 lines of varied code)
 * for its similarity to mean something: a lib.rs of `mod` lines and
 * `x::provide(p)` calls has a score over a handful of repeated k-grams.
 */
const MEASURABLE = 32;

/**
 * Two files alike in shape are copies only if they also share this much of
 * their particular names and literals (see `particularShare`). Measured on
 * the labelled corpus (bench/precision): 23 instances of one command
 * template scored 0.008 to 0.05, the 50 true diverged copies 0.19 and up.
 */
const PARTICULAR_SHARE = 0.1;

/** A copied block is at least this long, as clone detectors count (some 10 lines, 100 tokens). */
const BLOCK_LINES = 10;
const BLOCK_TOKENS = 100;
/**
 * Fingerprints, counted with repeats, two files must share before their
 * blocks are looked for (a 100-token block has some 25), and distinct ones
 * (a table repeats a few fingerprints many times).
 */
const BLOCK_SHARED = 20;
const BLOCK_DISTINCT = 3;
/** Anchors a run may skip on either side and still be one block: an edit of a few tokens breaks some 6. */
const BLOCK_GAP = 10;
/**
 * A fingerprint repeated more often in a file seeds no run. Repeats below it
 * (the rows of a table) seed one run per offset; the run on the best diagonal
 * is the longest, and overlapping runs merge into one region.
 */
const BLOCK_REPEATS = 32;
/**
 * This share of a block's lines that say something (not blank, not a lone
 * brace) must read the same on both sides, or it is one shape with other
 * contents: two impls of one trait for two types, say.
 */
const BLOCK_SAME_LINES = 0.8;
const TRIVIAL_LINES = new Set(['', '{', '}', '},', '};', ')', ');', ']', '];', '})', '});', '})?;', '}))', 'else {', '} else {'].map(tokenId));

interface Occurrence {
  file: string;
  item: number;
}

export class NearMissAnalysis {
  /** The files that have each fingerprint, by slot (see `slotOf`): counting shared fingerprints by slot is cheap. */
  private readonly postings = new IdPostings();
  /** A small number per file seen, for the postings; `files[slot]` names it. */
  private readonly slots = new Map<string, number>();
  private readonly files: string[] = [];
  /** By slot, while the file is indexed: its fingerprints' count if it is measurable, else -1; and its crate. */
  private readonly slotPrints: number[] = [];
  private readonly slotCrates: (Crate | undefined)[] = [];
  /** By slot: the fingerprints a file shares with the one `similarFiles` asks about, zero between calls. */
  private shared = new Int32Array(0);
  /** How many files write each identifier, and each literal (see `particularShare`). */
  private readonly nameFiles = new IdCounts();
  private readonly literalFiles = new IdCounts();
  private readonly lineScores = new WeakMap<SourceFacts, WeakMap<SourceFacts, number>>();
  private readonly itemKeys = new WeakMap<SourceFacts, { keys: string[]; items: number[] }>();
  /** Files at least `similarityThreshold` alike, in different crates, both ways. */
  private readonly edges = new Map<string, Map<string, number>>();
  private readonly itemsByShape = new Map<string, Occurrence[]>();
  private readonly staticsByType = new Map<string, { file: string; index: number }[]>();
  private readonly indexed = new Map<string, SourceFacts>();
  /** Each file's anchor hashes, sorted with repeats: the multiset its similarities are measured on. */
  private readonly sortedAnchors = new Map<string, Uint32Array>();
  private readonly anchorPlaces = new Map<string, Map<number, number[]>>();
  private readonly newtypeCache = new Map<Crate, Map<string, string>>();
  /** Newtype names by the type they wrap (paths dropped), with how many files declare each. */
  private readonly newtypeNames = new Map<string, Map<string, number>>();

  constructor(private readonly context: NearMissContext) {}

  /** Takes a file's facts in (or out, with undefined); returns the files whose findings may change. */
  update(file: string, facts: SourceFacts | undefined): Set<string> {
    const affected = new Set<string>([file]);
    const before = this.indexed.get(file);
    if (before) {
      for (const other of this.blockCandidates(file)) affected.add(other);
      for (const other of this.edges.get(file)?.keys() ?? []) {
        affected.add(other);
        this.edges.get(other)?.delete(file);
      }
      this.edges.delete(file);
      const slot = this.slotOf(file);
      this.slotPrints[slot] = -1;
      this.slotCrates[slot] = undefined;
      for (const fp of before.fingerprints) this.postings.remove(fp, slot);
      this.nameFiles.add(before.identifiers, -1);
      this.literalFiles.add(before.literals, -1);
      this.forEachItemKey(before, (key) => {
        for (const o of this.itemsByShape.get(key) ?? []) affected.add(o.file);
        removeWhere(this.itemsByShape, key, (o) => o.file === file);
      });
      this.forEachStaticKey(before, (key) => {
        for (const o of this.singletonGroup(file, key)) affected.add(o.file);
        removeWhere(this.staticsByType, key, (o) => o.file === file);
      });
      if (before.items.some((i) => i.newtypeOf)) this.newtypeCache.clear();
      this.countNewtypes(before, -1);
      this.indexed.delete(file);
      this.sortedAnchors.delete(file);
      this.anchorPlaces.delete(file);
    }
    if (facts && this.eligible(file, facts)) this.add(file, facts, affected);
    // The file's fingerprints weigh differently now: so do the similarities of diverged pairs that have them.
    // A fingerprint in more than COMMON + 1 files weighed nothing before and nothing now.
    for (const fp of new Set([...(before?.fingerprints ?? []), ...(facts?.fingerprints ?? [])])) {
      const slots = this.postings.get(fp);
      if (slots.length > COMMON + 1) continue;
      for (const slot of slots) {
        const other = this.files[slot];
        const partners = this.edges.get(other);
        if (!partners) continue;
        affected.add(other);
        partners.forEach((_, p) => affected.add(p));
      }
    }
    // So do the file's names and literals, in the particular share of the diverged pairs that write them:
    // the pairs are few, so each is asked whether it writes one of them.
    // A name in more than COMMON + 1 files weighed nothing before and nothing now.
    const names = rareIds([before?.identifiers, facts?.identifiers], this.nameFiles);
    const literals = rareIds([before?.literals, facts?.literals], this.literalFiles);
    for (const [other, partners] of names.length + literals.length > 0 ? this.edges : []) {
      const theirs = this.indexed.get(other);
      if (!theirs || affected.has(other)) continue;
      if (sharesAny(names, theirs.identifiers) || sharesAny(literals, theirs.literals)) {
        affected.add(other);
        partners.forEach((_, p) => affected.add(p));
      }
    }
    // A newtype changed: every global's type may read differently now.
    if (newtypes(before) !== newtypes(facts)) {
      for (const list of this.staticsByType.values()) for (const o of list) affected.add(o.file);
    }
    return affected;
  }

  /**
   * Indexes the files of a whole workspace, in this order, into an empty index: the state `update` leaves
   * after each of them, without asking which files each one affects, which no caller needs then.
   */
  addAll(files: Iterable<[string, SourceFacts]>): void {
    if (this.indexed.size > 0) throw new Error('NearMissAnalysis.addAll needs an empty analysis');
    for (const [file, facts] of files) if (this.eligible(file, facts)) this.add(file, facts);
  }

  /** Indexes one file that is not indexed; with `affected`, adds the files whose findings this may change. */
  private add(file: string, facts: SourceFacts, affected?: Set<string>): void {
    this.indexed.set(file, facts);
    const slot = this.slotOf(file);
    this.slotPrints[slot] = this.measurable(facts) ? facts.fingerprints.length : -1;
    this.slotCrates[slot] = this.context.crateOf(file);
    for (const fp of facts.fingerprints) this.postings.add(fp, slot);
    this.nameFiles.add(facts.identifiers, 1);
    this.literalFiles.add(facts.literals, 1);
    if (affected) for (const other of this.blockCandidates(file)) affected.add(other);
    for (const [other, score] of this.similarFiles(file, facts)) {
      link(this.edges, file, other, score);
      link(this.edges, other, file, score);
      affected?.add(other);
    }
    this.forEachItemKey(facts, (key, item) => {
      addTo(this.itemsByShape, key, { file, item });
      if (affected) for (const o of this.itemsByShape.get(key)!) affected.add(o.file);
    });
    if (facts.items.some((i) => i.newtypeOf)) this.newtypeCache.clear();
    this.countNewtypes(facts, 1);
    this.forEachStaticKey(facts, (key, index) => {
      addTo(this.staticsByType, key, { file, index });
      if (affected) for (const o of this.singletonGroup(file, key)) affected.add(o.file);
    });
  }

  /** Files this file is related to by any near-miss finding, for callers that must refresh them too. */
  neighbours(file: string): Set<string> {
    const found = new Set<string>(this.edges.get(file)?.keys() ?? []);
    const facts = this.indexed.get(file);
    if (facts) {
      this.forEachItemKey(facts, (key) => this.itemsByShape.get(key)?.forEach((o) => found.add(o.file)));
      this.forEachStaticKey(facts, (key) => this.singletonGroup(file, key).forEach((o) => found.add(o.file)));
      this.blockCandidates(file).forEach((o) => found.add(o));
    }
    found.delete(file);
    return found;
  }

  findingsFor(file: string): Finding[] {
    if (!this.indexed.has(file)) return [];
    const items = this.itemFindings(file);
    return [...this.divergedFinding(file), ...items, ...this.singletonFindings(file), ...this.blockFindings(file, items)];
  }

  /** The lines of this file that near-miss findings say are copied, 0-based, each once: for the duplicated-lines count. */
  copiedLines(file: string, findings: Finding[]): Set<number> {
    const lines = new Set<number>();
    const facts = this.indexed.get(file);
    if (!facts) return lines;
    const addRange = (start: number, end: number) => {
      for (let l = start; l <= end; l++) lines.add(l);
    };
    for (const finding of findings) {
      if (finding.code === 'duplicate-block') addRange(finding.range.start.line, finding.range.end.line - 1);
      else if (finding.code === 'duplicate-item') {
        const item = facts.items.find((i) => i.range.start.line === finding.range.start.line && i.range.start.character === finding.range.start.character);
        if (item) addRange(item.range.start.line, item.range.end.line);
      } else if (finding.code === 'diverged-copy') {
        const original = finding.related[0]?.file;
        const theirs = original && this.indexed.get(original);
        if (theirs) for (const l of sharedLines(theirs, facts)) lines.add(l);
      }
    }
    return lines;
  }

  // -------------------------------------------------------------------------

  private eligible(file: string, facts: SourceFacts): boolean {
    const { options } = this.context;
    if (!this.context.crateOf(file)) return false;
    if (facts.generated && !options.includeGenerated) return false;
    if (!options.includeTests && (isTest(file, this.context.relative(file), this.context.moduleOf(file)) || this.testOnlyModule(file))) return false;
    return !this.ignoredPath(file);
  }

  /** A file some `#[cfg(test)] mod` brings in, directly or through its parents: a test under src/. */
  private testOnlyModule(file: string): boolean {
    const seen = new Set<string>();
    for (let module = this.context.moduleOf(file); module?.declaredBy && !seen.has(module.declaredBy.file); ) {
      if (module.declaredBy.declaration.testOnly) return true;
      seen.add(module.declaredBy.file);
      module = this.context.moduleOf(module.declaredBy.file);
    }
    return false;
  }

  private ignoredPath(file: string): boolean {
    const globs = this.context.options.ignorePaths;
    return globs.length > 0 && picomatch(globs, { dot: true })(this.context.relative(file));
  }

  private ignoredPair(a: string, b: string): boolean {
    return this.context.options.ignorePairs.some(([x, y]) => {
      const [mx, my] = [picomatch(x, { dot: true }), picomatch(y, { dot: true })];
      const [ra, rb] = [this.context.relative(a), this.context.relative(b)];
      return (mx(ra) && my(rb)) || (mx(rb) && my(ra));
    });
  }

  /** Candidates share a fingerprint that is not boilerplate; the exact Dice score decides. */
  private similarFiles(file: string, facts: SourceFacts): Map<string, number> {
    const found = new Map<string, number>();
    const { options } = this.context;
    const crate = this.context.crateOf(file);
    if (!this.measurable(facts)) return found;
    // Counted by slot, in the order files are first met, as a Map's entries are: the order edges are made in.
    const mine = this.slotOf(file);
    if (this.shared.length < this.files.length) this.shared = new Int32Array(2 * this.files.length);
    const counts = this.shared;
    const met: number[] = [];
    let common = 0;
    for (const fp of facts.fingerprints) {
      const slots = this.postings.get(fp);
      if (slots.length > COMMON) {
        common++;
        continue;
      }
      for (const slot of slots) if (slot !== mine && counts[slot]++ === 0) met.push(slot);
    }
    // The cheap tests first, from what each slot keeps: most files met share a few fingerprints and no more.
    const candidates: number[] = [];
    for (const slot of met) {
      const shared = counts[slot];
      counts[slot] = 0;
      const prints = this.slotPrints[slot];
      if (prints < 0 || this.slotCrates[slot] === crate) continue;
      // Boilerplate fingerprints were not counted: at most `common` more can be shared.
      if ((2 * (shared + common)) / (facts.fingerprints.length + prints) < options.similarityThreshold) continue;
      candidates.push(slot);
    }
    for (const slot of candidates) {
      const other = this.files[slot];
      const theirs = this.indexed.get(other)!;
      const total = facts.fingerprints.length + theirs.fingerprints.length;
      const score = (2 * sharedCount(facts.fingerprints, theirs.fingerprints)) / total;
      if (score < options.similarityThreshold || this.ignoredPair(file, other)) continue;
      // Distinct fingerprints let a repetitive file collapse to a few: counted with repeats, the two must still be alike.
      const [mine, their] = [this.anchorsOf(file), this.anchorsOf(other)];
      // Or line for line: statements inserted here and there break more k-grams than lines.
      const alike = (2 * sharedCount(mine, their)) / (mine.length + their.length) >= options.similarityThreshold;
      if (alike || this.similarity(file, other) >= options.similarityThreshold) found.set(other, score);
    }
    return found;
  }

  /** Long and varied enough for a file similarity to mean something. */
  private measurable(facts: SourceFacts): boolean {
    return facts.tokens >= this.context.options.minimumTokens && !facts.trivial && facts.fingerprints.length >= MEASURABLE;
  }

  private member(file: string): CloneMember {
    return { file, crate: this.context.crateOf(file)!, facts: this.indexed.get(file)!, module: this.context.moduleOf(file) };
  }

  private anchorsOf(file: string): Uint32Array {
    let sorted = this.sortedAnchors.get(file);
    if (!sorted) {
      sorted = Uint32Array.from(this.indexed.get(file)!.anchors.hashes).sort();
      this.sortedAnchors.set(file, sorted);
    }
    return sorted;
  }

  /** The file's slot in the postings, given the first time it is asked for; a file keeps its slot. */
  private slotOf(file: string): number {
    let slot = this.slots.get(file);
    if (slot === undefined) {
      slot = this.files.length;
      this.slots.set(file, slot);
      this.files.push(file);
    }
    return slot;
  }

  /** How much a fingerprint says: fully when few files have it, little when many do, nothing past COMMON. */
  private weight(fp: number): number {
    const files = this.postings.get(fp).length;
    return files > COMMON ? 0 : Math.min(1, RARE / Math.max(files, 1));
  }

  /**
   * Dice similarity of two files' fingerprints counted with repeats, each
   * weighted by how rare it is: 2·Σshared / (Σa + Σb). Repetitive code keeps
   * its length, and boilerplate counts for little.
   */
  private weightedSimilarity(a: string, b: string): number {
    const [x, y] = [this.anchorsOf(a), this.anchorsOf(b)];
    let shared = 0;
    let total = 0;
    for (let i = 0, j = 0; i < x.length || j < y.length; ) {
      const fp = j >= y.length || (i < x.length && x[i] <= y[j]) ? x[i] : y[j];
      let cx = 0;
      let cy = 0;
      while (i < x.length && x[i] === fp) (i++, cx++);
      while (j < y.length && y[j] === fp) (j++, cy++);
      const w = this.weight(fp);
      shared += Math.min(cx, cy) * w;
      total += (cx + cy) * w;
    }
    return total === 0 ? 0 : (2 * shared) / total;
  }

  /**
   * How much of what is particular to two files they share: their
   * identifiers and literals, each weighted by 1 / the files that write it
   * (nothing past COMMON), as a Dice score. A copy keeps its own names and
   * strings (its functions, fields, messages); two instances of one template
   * (every command file of a CLI: name, signature, description, run) share
   * the framework's names, each with its own name and text.
   */
  private particularShare(a: string, b: string): number {
    const [x, y] = [this.indexed.get(a)!, this.indexed.get(b)!];
    const names = weighedOverlap(x.identifiers, y.identifiers, this.nameFiles);
    const literals = weighedOverlap(x.literals, y.literals, this.literalFiles);
    const shared = names.shared + literals.shared;
    const total = names.total + literals.total;
    return total === 0 ? 0 : (2 * shared) / total;
  }

  /** Alike in shape and in what is particular to them: one diverged-copy finding covers what they share. */
  private divergedPair(a: string, b: string): boolean {
    return this.edges.get(a)?.has(b) === true && this.particularShare(a, b) >= PARTICULAR_SHARE;
  }

  /**
   * How alike two files are, as a diverged-copy finding prints it: the
   * weighted token similarity, or the share of meaningful lines they have in
   * common when that is higher (a copy with statements inserted keeps its
   * lines but loses the k-grams around each insertion). Lines are not
   * weighted by how many files write them: boilerplate, which many crates
   * write each in their own words, is told apart by `particularShare`.
   */
  private similarity(a: string, b: string): number {
    return Math.max(this.weightedSimilarity(a, b), this.lineSimilarity(this.indexed.get(a)!, this.indexed.get(b)!));
  }

  /** lineSimilarity, kept per pair of facts: a diff of two files' lines is the costly part of recomputing a diverged pair. */
  private lineSimilarity(a: SourceFacts, b: SourceFacts): number {
    let known = this.lineScores.get(a);
    if (!known) this.lineScores.set(a, (known = new WeakMap()));
    let score = known.get(b);
    if (score === undefined) known.set(b, (score = lineSimilarity(a, b)));
    return score;
  }

  /** Reported as a whole already: a copy of a file in another crate. */
  private wholeFileCopy(file: string): boolean {
    return this.context.cloneClassOf(file) !== undefined;
  }

  /** A finding between versions of one another is drift (see versions.ts). */
  private drift(mine: Crate, theirs: Crate, finding: Finding): Finding {
    return asDrift(finding, sharedGroup(this.context.versionGroups, mine, theirs));
  }

  private severity(code: FindingCode) {
    return severityOf(this.context.options, code);
  }

  // -------------------------------------------------------------------------
  // diverged-copy

  private divergedFinding(file: string): Finding[] {
    const severity = this.severity('diverged-copy');
    const edges = this.edges.get(file);
    // A file reported as a copy is reported whole already.
    if (severity === 'off' || !edges || this.wholeFileCopy(file)) return [];
    const self = this.member(file);
    const copyClass = this.context.cloneClassOf(file);
    const within = (f: string) => path.relative(this.context.crateOf(f)!.dir, f);
    const name = (f: string) => path.basename(f);
    const originals = [...edges.keys()]
      .filter((other) => !copyClass?.members.some((m) => m.file === other) && this.context.crateOf(other))
      .map((other) => ({ member: this.member(other), score: this.similarity(file, other), particular: this.particularShare(file, other) }))
      .filter(
        ({ member, score, particular }) =>
          compareCrates(member.crate, self.crate, this.context) < 0 && score >= this.context.options.similarityThreshold && particular >= PARTICULAR_SHARE,
      )
      // Among originals as alike as printed, the one at the same path in its crate, then the one of the same name.
      .sort(
        (a, b) =>
          Math.round(b.score * 100) - Math.round(a.score * 100) ||
          Number(within(b.member.file) === within(file)) - Number(within(a.member.file) === within(file)) ||
          Number(name(b.member.file) === name(file)) - Number(name(a.member.file) === name(file)) ||
          b.score - a.score ||
          compareCrates(a.member.crate, b.member.crate, this.context) ||
          a.member.file.localeCompare(b.member.file),
      );
    if (originals.length === 0) return [];
    const [best] = originals;
    const comparison = compareLines(best.member.facts, self.facts);
    const supersets = compareItems(best.member, self);
    const percent = Math.round(best.score * 100);
    const others = originals.length > 1 ? ` It also resembles ${originals.length - 1} other ${originals.length === 2 ? 'file' : 'files'}.` : '';
    const message =
      `This file has diverged from ${moduleName(best.member, this.context)} in crate ${best.member.crate.name} ` +
      `(${this.context.display(best.member.file)}): ${percent}% similar, ${comparison.shared} lines shared, ` +
      `${comparison.diverging} diverging.` +
      (supersets.messages.length > 0 ? ' ' + supersets.messages.join(' ') : '') +
      others;
    return [
      this.drift(self.crate, best.member.crate, {
        code: 'diverged-copy',
        severity,
        message,
        file,
        range: firstLine(self.facts),
        related: [
          ...originals.map(({ member, score }) => ({
            file: member.file,
            range: firstLine(member.facts),
            message: `${Math.round(score * 100)}% similar, in crate ${member.crate.name}`,
          })),
          ...supersets.related,
        ],
        fixes: [],
      }),
    ];
  }

  // -------------------------------------------------------------------------
  // duplicate-item

  /** Items worth reporting, by the key they are grouped under. */
  private forEachItemKey(facts: SourceFacts, visit: (key: string, item: number) => void): void {
    const keyed = this.itemKeysOf(facts);
    for (let i = 0; i < keyed.items.length; i++) visit(keyed.keys[i], keyed.items[i]);
  }

  /** The items of a file that count, and their shape keys: made once per file's facts (the options are fixed). */
  private itemKeysOf(facts: SourceFacts): { keys: string[]; items: number[] } {
    let keyed = this.itemKeys.get(facts);
    if (keyed) return keyed;
    keyed = { keys: [], items: [] };
    const { options } = this.context;
    for (let i = 0; i < facts.items.length; i++) {
      const item = facts.items[i];
      if (item.kind === 'macro' || item.lines < options.minimumItemLines || item.tokens < options.minimumItemTokens) continue;
      if (item.inTest && !options.includeTests) continue;
      // A type that is only a list of fields has little shape of its own: its field names are part of what it is.
      const data = item.kind === 'struct' || item.kind === 'enum' || item.kind === 'union';
      keyed.keys.push(`${item.kind}:${item.shapeHash}${data ? ':' + item.members.join(',') : ''}`);
      keyed.items.push(i);
    }
    this.itemKeys.set(facts, keyed);
    return keyed;
  }

  /** The occurrences of an item's shape in other crates that count: not in files reported whole. */
  private itemClass(key: string): (Occurrence & { member: CloneMember; fact: ItemFact })[] {
    const all = this.itemsByShape.get(key) ?? [];
    // Most shapes are one item's: no class, and nothing to sort.
    if (all.length < 2) return [];
    const occurrences = all
      .filter((o) => this.indexed.has(o.file) && !this.wholeFileCopy(o.file))
      .map((o) => ({ ...o, member: this.member(o.file), fact: this.indexed.get(o.file)!.items[o.item] }));
    const crates = new Set(occurrences.map((o) => o.member.crate));
    if (crates.size < 2) return [];
    return occurrences.sort(
      (a, b) => compareCrates(a.member.crate, b.member.crate, this.context) || a.file.localeCompare(b.file) || a.item - b.item,
    );
  }

  private itemFindings(file: string): Finding[] {
    const severity = this.severity('duplicate-item');
    const facts = this.indexed.get(file)!;
    if (severity === 'off' || this.wholeFileCopy(file)) return [];
    const findings: Finding[] = [];
    const reported = new Set<number>();
    this.forEachItemKey(facts, (key, index) => {
      const item = facts.items[index];
      // A function of an impl copied whole is part of that impl's finding.
      if (item.parent !== undefined && reported.has(item.parent)) {
        reported.add(index);
        return;
      }
      // Same shape for other types, or with many other literals (two tables, two `Display` impls), is a pattern, not a copy.
      const occurrences = this.itemClass(key).filter(
        (o) => o.fact.typeHash === item.typeHash && changedLiterals(o.fact, item) <= EDITED_LITERALS && (o.fact.name === item.name || copiedUnderAnotherName(o.fact, item)),
      );
      if (occurrences.length === 0) return;
      const [original] = occurrences;
      const self = occurrences.find((o) => o.file === file && o.item === index)!;
      // A pair of diverged files is one finding already; the items they share are part of it.
      const others = occurrences.filter(
        (o) => o.member.crate !== self.member.crate && !this.divergedPair(file, o.file) && !this.ignoredPair(file, o.file),
      );
      if (others.length === 0 || self.member.crate === original.member.crate) {
        reported.add(index);
        return;
      }
      const source = others[0];
      reported.add(index);
      findings.push(this.drift(self.member.crate, source.member.crate, {
        code: 'duplicate-item',
        severity,
        message:
          `${describeItem(item)} is a copy of ${source.fact.name} in crate ${source.member.crate.name} ` +
          `(${this.context.display(source.file)}:${source.fact.range.start.line + 1}), ${item.lines} lines` +
          `${item.name === source.fact.name ? '' : ', under another name'}` +
          `${literalsNote(changedLiterals(source.fact, item))}.` +
          (others.length > 1 ? ` It has ${others.length} copies in other crates.` : ''),
        file,
        range: firstLineOf(item),
        // Bounded as for whole-file copies; the message gives the count.
        related: others.slice(0, MAX_RELATED).map((o) => ({
          file: o.file,
          range: firstLineOf(o.fact),
          message: `${o === source ? 'the copy to keep' : 'another copy'}: ${o.fact.name}, in crate ${o.member.crate.name}`,
        })),
        fixes: [],
      }));
    });
    return findings;
  }

  // -------------------------------------------------------------------------
  // duplicate-block


  /** Files of other crates sharing BLOCK_DISTINCT fingerprints, not boilerplate, with this one: cheaply, from the postings. */
  private blockCandidates(file: string): string[] {
    // Off by default: then no file is a block candidate of another, and the postings need not be walked.
    if (this.severity('duplicate-block') === 'off') return [];
    const facts = this.indexed.get(file);
    const crate = this.context.crateOf(file);
    if (!facts || !crate) return [];
    const distinct = new Map<string, number>();
    const mine = this.slotOf(file);
    for (const fp of facts.fingerprints) {
      const slots = this.postings.get(fp);
      if (slots.length > COMMON) continue;
      for (const slot of slots) if (slot !== mine) distinct.set(this.files[slot], (distinct.get(this.files[slot]) ?? 0) + 1);
    }
    return [...distinct]
      .filter(([other, n]) => n >= BLOCK_DISTINCT && this.context.crateOf(other) !== crate)
      .map(([other]) => other)
      .sort();
  }

  /** Where each fingerprint sits among a file's anchors, in order. */
  private placesOf(file: string): Map<number, number[]> {
    let places = this.anchorPlaces.get(file);
    if (!places) {
      places = new Map();
      this.indexed.get(file)!.anchors.hashes.forEach((h, i) => addTo(places!, h, i));
      this.anchorPlaces.set(file, places);
    }
    return places;
  }

  /**
   * Runs of anchors the two files have in the same order, a few edits apart
   * at most: seeds are fingerprints not repeated past BLOCK_REPEATS in either
   * file, chained while both sides advance by at most BLOCK_GAP anchors,
   * each to the run nearest its diagonal. Each run is a region of both files.
   */
  private matchingRuns(a: string, b: string): { a: [number, number]; b: [number, number] }[] {
    const [x, y] = [this.indexed.get(a)!.anchors, this.indexed.get(b)!.anchors];
    const [inX, inY] = [this.placesOf(a), this.placesOf(b)];
    type Run = { first: [number, number]; last: [number, number] };
    const runs: Run[] = [];
    let active: Run[] = [];
    for (let i = 0; i < x.hashes.length; i++) {
      const h = x.hashes[i];
      const places = inY.get(h);
      if (!places || places.length > BLOCK_REPEATS || inX.get(h)!.length > BLOCK_REPEATS || this.weight(h) === 0) continue;
      const stillOpen: Run[] = [];
      for (const run of active) (i - run.last[0] <= BLOCK_GAP ? stillOpen : runs).push(run);
      active = stillOpen;
      for (const j of places) {
        let best: Run | undefined;
        for (const run of active) {
          const [li, lj] = run.last;
          if (li >= i || lj >= j || j - lj > BLOCK_GAP) continue;
          if (!best || Math.abs(i - li - (j - lj)) < Math.abs(i - best.last[0] - (j - best.last[1]))) best = run;
        }
        if (best) best.last = [i, j];
        else active.push({ first: [i, j], last: [i, j] });
      }
    }
    runs.push(...active);
    const big = (anchors: SourceFacts['anchors'], first: number, last: number) =>
      anchors.endLines[last] - anchors.startLines[first] + 1 >= BLOCK_LINES && anchors.tokens[last] + K - anchors.tokens[first] >= BLOCK_TOKENS;
    return runs
      .filter((r) => big(x, r.first[0], r.last[0]) && big(y, r.first[1], r.last[1]))
      .map((r) => ({ a: [x.startLines[r.first[0]], x.endLines[r.last[0]]], b: [y.startLines[r.first[1]], y.endLines[r.last[1]]] }));
  }

  /**
   * Blocks of at least BLOCK_LINES lines and BLOCK_TOKENS tokens that a file
   * of a more authoritative crate has too, inside items and files that differ
   * around them; one finding per maximal region, relating every counterpart.
   * Not between files reported whole or as diverged copies (that finding
   * holds them), not inside an item reported as a duplicate-item, and not for
   * regions whose lines mostly differ in text (same shape, other contents:
   * a pattern, not a copy).
   */
  private blockFindings(file: string, items: Finding[]): Finding[] {
    const severity = this.severity('duplicate-block');
    if (severity === 'off' || this.wholeFileCopy(file)) return [];
    const facts = this.indexed.get(file)!;
    const crate = this.context.crateOf(file)!;
    const itemLines = this.copiedLines(file, items);
    type Counterpart = { file: string; start: number; end: number; changed: number };
    const regions: { start: number; end: number; counterparts: Counterpart[] }[] = [];
    for (const other of this.blockCandidates(file)) {
      if (this.divergedPair(file, other) || this.wholeFileCopy(other) || this.ignoredPair(file, other)) continue;
      // The finding goes on the copy: the side whose crate is less authoritative.
      if (compareCrates(this.context.crateOf(other)!, crate, this.context) >= 0) continue;
      // The costly test last: enough fingerprints shared, with repeats, to hold a block.
      if (sharedCount(this.anchorsOf(file), this.anchorsOf(other)) < BLOCK_SHARED) continue;
      const theirs = this.indexed.get(other)!;
      for (const run of this.matchingRuns(file, other)) {
        const [start, end] = run.a;
        const lines = end - start + 1;
        let inItems = 0;
        for (let l = start; l <= end; l++) if (itemLines.has(l)) inItems++;
        if (inItems * 2 > lines) continue;
        const { diverging } = compareLineRange(theirs, run.b, facts, run.a);
        // Braces and blank lines read alike in any two blocks of code: the lines that say something decide.
        const meaningful = compareLineRange(theirs, run.b, facts, run.a, true);
        if (meaningful.shared < BLOCK_SAME_LINES * (meaningful.shared + meaningful.diverging / 2)) continue;
        regions.push({ start, end, counterparts: [{ file: other, start: run.b[0], end: run.b[1], changed: Math.ceil(diverging / 2) }] });
      }
    }
    regions.sort((p, q) => p.start - q.start || q.end - p.end);
    const merged: typeof regions = [];
    for (const r of regions) {
      const last = merged[merged.length - 1];
      if (last && r.start <= last.end) {
        last.end = Math.max(last.end, r.end);
        last.counterparts.push(...r.counterparts);
      } else merged.push({ ...r, counterparts: [...r.counterparts] });
    }
    return merged.map((region) => {
      // A repetitive region matches its counterpart at several offsets: the longest match stands for that file.
      const longest = new Map<string, Counterpart>();
      for (const c of region.counterparts) {
        const kept = longest.get(c.file);
        if (!kept || c.end - c.start > kept.end - kept.start || (c.end - c.start === kept.end - kept.start && c.changed < kept.changed)) longest.set(c.file, c);
      }
      const counterparts = [...longest.values()].sort(
        (p, q) => compareCrates(this.context.crateOf(p.file)!, this.context.crateOf(q.file)!, this.context) || p.file.localeCompare(q.file) || p.start - q.start,
      );
      const [source] = counterparts;
      const sourceCrate = this.context.crateOf(source.file)!;
      const lines = region.end - region.start + 1;
      const inside = enclosingItem(facts, region.start, region.end);
      const how = source.changed === 0 ? 'identical line for line' : `${source.changed} ${source.changed === 1 ? 'line' : 'lines'} changed`;
      const others = new Set(counterparts.map((c) => c.file)).size - 1;
      return this.drift(crate, sourceCrate, {
        code: 'duplicate-block' as const,
        severity,
        message:
          `Lines ${region.start + 1}-${region.end + 1}${inside ? ` (${inside})` : ''} are a copy of lines ${source.start + 1}-${source.end + 1} of ` +
          `${this.context.display(source.file)} in crate ${sourceCrate.name}, ${lines} lines, ${how}.` +
          (others > 0 ? ` ${others === 1 ? 'One other file has' : `${others} other files have`} it too.` : ''),
        file,
        range: { start: { line: region.start, character: 0 }, end: { line: region.end + 1, character: 0 } },
        related: counterparts.map((c) => ({
          file: c.file,
          range: { start: { line: c.start, character: 0 }, end: { line: c.end + 1, character: 0 } },
          message: `${c === source ? 'the copy to keep' : 'another copy'}: lines ${c.start + 1}-${c.end + 1}, in crate ${this.context.crateOf(c.file)!.name}`,
        })),
        fixes: [],
      });
    });
  }

  // -------------------------------------------------------------------------
  // duplicate-singleton

  /** Lazily initialised globals by the type they hold, as written (paths dropped). */
  private forEachStaticKey(facts: SourceFacts, visit: (key: string, index: number) => void): void {
    facts.statics.forEach((s, i) => {
      // A regex or a table built from a literal is a constant, not a service each crate starts for itself.
      if (s.fromLiteral) return;
      const key = heldType(s);
      if (key) visit(key, i);
    });
  }

  /** Newtypes of a crate by name (`struct TokioRuntime(Runtime)`): the type they wrap. */
  private newtypes(crate: Crate): Map<string, string> {
    let found = this.newtypeCache.get(crate);
    if (!found) {
      found = new Map();
      for (const [file, facts] of this.indexed) {
        if (this.context.crateOf(file) !== crate) continue;
        for (const item of facts.items) if (item.kind === 'struct' && item.newtypeOf) found.set(item.name, stripPaths(item.newtypeOf));
      }
      this.newtypeCache.set(crate, found);
    }
    return found;
  }

  /** The type a global holds, seen through its crate's newtypes: TokioRuntime(Runtime) holds a Runtime. */
  private canonical(file: string, key: string): string {
    return this.newtypes(this.context.crateOf(file)!).get(key) ?? key;
  }

  /** Every global holding the same type as this one, in any crate. */
  private countNewtypes(facts: SourceFacts, delta: 1 | -1): void {
    for (const item of facts.items) {
      if (item.kind !== 'struct' || !item.newtypeOf) continue;
      const inner = stripPaths(item.newtypeOf);
      const names = this.newtypeNames.get(inner) ?? new Map<string, number>();
      const count = (names.get(item.name) ?? 0) + delta;
      if (count > 0) names.set(item.name, count);
      else names.delete(item.name);
      if (names.size > 0) this.newtypeNames.set(inner, names);
      else this.newtypeNames.delete(inner);
    }
  }

  private singletonGroup(file: string, key: string): { file: string; index: number }[] {
    const type = this.canonical(file, key);
    // The type itself, and the newtypes around it (each read against its own crate below).
    const keys = new Set([type, ...(this.newtypeNames.get(type)?.keys() ?? [])]);
    const group: { file: string; index: number }[] = [];
    for (const k of keys) {
      for (const o of this.staticsByType.get(k) ?? []) {
        if (this.indexed.has(o.file) && !this.wholeFileCopy(o.file) && this.canonical(o.file, k) === type) group.push(o);
      }
    }
    // In path order, so a message reads the same whatever order the files were saved in.
    return group.sort((a, b) => a.file.localeCompare(b.file) || a.index - b.index);
  }

  private singletonFindings(file: string): Finding[] {
    const severity = this.severity('duplicate-singleton');
    const facts = this.indexed.get(file)!;
    // A global in a copied file is part of that copy's finding.
    if (severity === 'off' || this.wholeFileCopy(file)) return [];
    const findings: Finding[] = [];
    const crate = this.context.crateOf(file)!;
    this.forEachStaticKey(facts, (key, index) => {
      const held = this.canonical(file, key);
      // A lazily computed value (a number, a flag, an init guard, a name) is the same in every crate that computes it.
      if (!ownsSharedState(held)) return;
      const self = facts.statics[index];
      // One per crate is the harm: globals of this crate are its own business.
      const others = this.singletonGroup(file, key).filter(
        (o) => this.context.crateOf(o.file) !== crate && sameConstruction(self, this.indexed.get(o.file)!.statics[o.index]) && !this.ignoredPair(file, o.file),
      );
      if (others.length === 0) return;
      const names = [...new Set(others.map((o) => this.context.crateOf(o.file)!.name))].sort((a, b) => a.localeCompare(b));
      findings.push(this.drift(crate, this.context.crateOf(others[0].file)!, {
        code: 'duplicate-singleton',
        severity,
        message:
          `static ${self.name}: ${self.type} is one of ${others.length + 1} lazily initialised ${held} globals, in crates ` +
          `${[crate.name, ...names].join(', ')}: a process that links them gets one per crate. Keep one, in a crate the others depend on.`,
        file,
        range: { start: self.range.start, end: { line: self.range.start.line, character: self.range.start.line === self.range.end.line ? self.range.end.character : self.range.start.character } },
        related: others.slice(0, MAX_RELATED).map((o): RelatedLocation => {
          const other = this.indexed.get(o.file)!.statics[o.index];
          return { file: o.file, range: other.range, message: `static ${other.name}: ${other.type}, in crate ${this.context.crateOf(o.file)!.name}` };
        }),
        fixes: [],
      }));
    });
    return findings;
  }
}

/**
 * A type that owns a resource or state shared by its users: a runtime, a
 * pool, a client, a registry, a cache, or anything behind a lock or atomic.
 * Two crates that each build one run two of them; two crates that each
 * compute a `u64` or a `bool` merely agree.
 */
const SHARED_STATE =
  /^(?:Mutex|RwLock|ReentrantMutex|Condvar|Barrier|Semaphore|Notify|Atomic[A-Z]\w*|\w*Runtime|Handle|\w*ThreadPool|\w*Pool|\w*Client|\w*Registry|\w*Cache|\w*Connection|Sender|SyncSender|Receiver|UnboundedSender|DashMap|ArcSwap\w*|\w*Executor|\w*Subscriber|File|Stdout|Stderr)$/;

function ownsSharedState(type: string): boolean {
  return (type.match(/[A-Za-z_][A-Za-z0-9_]*/g) ?? []).some((name) => SHARED_STATE.test(name));
}

/** Two globals built by different constructors (`Builder::new_current_thread` and `Runtime::new`) are different services. */
function sameConstruction(a: StaticFact, b: StaticFact): boolean {
  return a.builtBy === undefined || b.builtBy === undefined || a.builtBy === b.builtBy;
}

// ---------------------------------------------------------------------------

/** Files of tests, benches and examples: their copies are usually on purpose. */
function isTest(file: string, relative: string, module: ModuleInfo | undefined): boolean {
  if (module && (module.target === 'test' || module.target === 'bench' || module.target === 'example')) return true;
  if (module?.path.some((p) => p === 'tests' || p === 'test')) return true;
  const parts = relative.split('/');
  const name = parts[parts.length - 1];
  return name === 'tests.rs' || name === 'test.rs' || parts.slice(0, -1).some((p) => p === 'tests' || p === 'benches' || p === 'examples');
}

/** Lines the two files share and lines only one has, from their line hashes: no file is read again. */
function compareLines(original: SourceFacts, copy: SourceFacts): { shared: number; diverging: number } {
  let shared = 0;
  let diverging = 0;
  for (const change of diffArrays(Array.from(original.lineHashes), Array.from(copy.lineHashes))) {
    if (change.added || change.removed) diverging += change.count ?? change.value.length;
    else shared += change.count ?? change.value.length;
  }
  return { shared, diverging };
}

/** Dice of two files' meaningful lines (not blank, not a lone brace), in order, from their line hashes. */
function lineSimilarity(a: SourceFacts, b: SourceFacts): number {
  const { shared, diverging } = compareLineRange(a, [0, a.lineHashes.length - 1], b, [0, b.lineHashes.length - 1], true);
  return shared === 0 ? 0 : (2 * shared) / (2 * shared + diverging);
}

/** Lines shared and diverging (both sides counted) between a range of lines of each file, from their line hashes. */
function compareLineRange(original: SourceFacts, [os, oe]: [number, number], copy: SourceFacts, [cs, ce]: [number, number], meaningfulOnly = false) {
  let shared = 0;
  let diverging = 0;
  const keep = (h: number) => !meaningfulOnly || !TRIVIAL_LINES.has(h);
  const theirs = Array.from(original.lineHashes.subarray(os, oe + 1)).filter(keep);
  const mine = Array.from(copy.lineHashes.subarray(cs, ce + 1)).filter(keep);
  for (const change of diffArrays(theirs, mine)) {
    if (change.added || change.removed) diverging += change.count ?? change.value.length;
    else shared += change.count ?? change.value.length;
  }
  return { shared, diverging };
}

/** The 0-based lines of the copy that its original has too, from their line hashes. */
function sharedLines(original: SourceFacts, copy: SourceFacts): number[] {
  const lines: number[] = [];
  let line = 0;
  for (const change of diffArrays(Array.from(original.lineHashes), Array.from(copy.lineHashes))) {
    const n = change.count ?? change.value.length;
    if (change.removed) continue;
    if (!change.added) for (let i = 0; i < n; i++) lines.push(line + i);
    line += n;
  }
  return lines;
}

/** `fn x`, `impl T`: the innermost item holding a range of lines, for a message. */
function enclosingItem(facts: SourceFacts, start: number, end: number): string | undefined {
  let best: ItemFact | undefined;
  for (const item of facts.items) {
    if (item.range.start.line <= start && item.range.end.line >= end && (!best || item.range.start.line >= best.range.start.line)) best = item;
  }
  return best && `inside ${describeItem(best)}`;
}

/**
 * For items both files have, which side has members the other lacks, over
 * every block of the item (a type's members are the union of its `impl`
 * blocks); and which items kept their shape but changed literals or types.
 */
function compareItems(original: CloneMember, copy: CloneMember): { messages: string[]; related: RelatedLocation[] } {
  const messages: string[] = [];
  const related: RelatedLocation[] = [];
  const word = (kind: ItemFact['kind'], n: number) => {
    const noun = kind === 'struct' || kind === 'union' ? 'field' : kind === 'enum' ? 'variant' : 'item';
    return `${n} ${noun}${n === 1 ? '' : 's'}`;
  };
  const byName = (items: ItemFact[]) => {
    const found = new Map<string, ItemFact[]>();
    for (const item of items) {
      const key = `${item.kind} ${item.name}`;
      found.set(key, [...(found.get(key) ?? []), item]);
    }
    return found;
  };
  const theirsByName = byName(original.facts.items);
  const relabelled: string[] = [];
  const relabelledItems = new Set<ItemFact>();
  for (const [key, mine] of byName(copy.facts.items)) {
    const theirs = theirsByName.get(key);
    if (!theirs) continue;
    const [first] = mine;
    if (
      mine.length === 1 &&
      theirs.length === 1 &&
      first.shapeHash === theirs[0].shapeHash &&
      (first.typeHash !== theirs[0].typeHash || changedLiterals(first, theirs[0]) > 0)
    ) {
      relabelledItems.add(first);
      // A function of an impl named already is part of it.
      if (first.parent === undefined || !relabelledItems.has(copy.facts.items[first.parent])) relabelled.push(first.name);
    }
    if (mine.every((i) => i.members.length === 0) && first.kind !== 'struct' && first.kind !== 'enum') continue;
    const ours = new Set(mine.flatMap((i) => i.members));
    const other = new Set(theirs.flatMap((i) => i.members));
    const missing = [...other].filter((m) => !ours.has(m));
    const extra = [...ours].filter((m) => !other.has(m));
    if (missing.length === 0 && extra.length === 0) continue;
    if (missing.length > 0) {
      messages.push(`${first.name} in ${original.crate.name} has ${word(first.kind, missing.length)} this copy lacks: ${missing.join(', ')}.`);
    }
    if (extra.length > 0) {
      messages.push(`${first.name} here has ${word(first.kind, extra.length)} that ${original.crate.name}'s lacks: ${extra.join(', ')}.`);
    }
    related.push({ file: original.file, range: firstLineOf(theirs[0]), message: `${theirs[0].name} in crate ${original.crate.name}` });
  }
  if (relabelled.length > 0) {
    const shown = relabelled.slice(0, 5).join(', ') + (relabelled.length > 5 ? ` and ${relabelled.length - 5} more` : '');
    messages.push(`${relabelled.length === 1 ? 'One item keeps its shape' : `${relabelled.length} items keep their shape`} with other literals or types: ${shown}.`);
  }
  return { messages, related };
}

/** ...and with this many lines of its own inside function bodies, beyond the signatures a trait dictates. */
const RENAMED_BODY_LINES = 6;

/**
 * Under another name (another function, or the same method of another type),
 * one shape is weak evidence: every `Iterator` for a wrapper forwards
 * `next` to its field, every `TypeRelation` writes `binders` alike. Such an
 * item is a copy only when every identifier but its own name is the same
 * (no field, call or variant renamed) and its bodies hold code of their own,
 * not one forwarding line under a long signature.
 */
function copiedUnderAnotherName(a: ItemFact, b: ItemFact): boolean {
  if (Math.min(a.lines, b.lines) < NAMED_ITEM_LINES) return false;
  if (a.nameHash === undefined || a.nameHash !== b.nameHash) return false;
  return Math.min(a.bodyLines ?? 0, b.bodyLines ?? 0) >= RENAMED_BODY_LINES;
}

/** A copy edited in a place or two: more changed literals than this make a same-shaped item a pattern. */
const EDITED_LITERALS = 2;

/** How many literals differ between two items of one shape, which line up one for one. */
function changedLiterals(a: ItemFact, b: ItemFact): number {
  const [x, y] = [a.literals ?? [], b.literals ?? []];
  let changed = Math.abs(x.length - y.length);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) changed++;
  return changed;
}

function literalsNote(changed: number): string {
  return changed === 0 ? '' : changed === 1 ? ', with one literal changed' : `, with ${changed} literals changed`;
}

function describeItem(item: ItemFact): string {
  return item.kind === 'impl' ? `impl ${item.name}` : `${item.kind} ${item.name}`;
}

function firstLineOf(item: ItemFact) {
  return { start: item.range.start, end: item.range.start.line === item.range.end.line ? item.range.end : { line: item.range.start.line, character: item.range.start.character } };
}

/** The type a `static` of a lazy cell holds (OnceLock<T>, LazyLock<T>, Lazy<T>, OnceCell<T>), paths dropped. */
function heldType(declared: StaticFact): string | undefined {
  const type = declared.type.replace(/\s+/g, '');
  const match = /^(?:[A-Za-z_][A-Za-z0-9_]*::)*(OnceLock|LazyLock|Lazy|OnceCell|SyncOnceCell|SyncLazy)<(.+)>$/.exec(type);
  return match ? stripPaths(firstTypeArgument(match[2])) : undefined;
}

/** `Runtime` of `tokio::runtime::Runtime`, and `Mutex<HashMap<K, V>>` of `std::sync::Mutex<std::collections::HashMap<K, V>>`. */
function stripPaths(type: string): string {
  return type.replace(/(?:[A-Za-z_][A-Za-z0-9_]*::)+/g, '');
}

/** `T` of `T, F` (LazyLock<T, F>), minding nested generics. */
function firstTypeArgument(args: string): string {
  let depth = 0;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '<' || args[i] === '(' || args[i] === '[') depth++;
    else if (args[i] === '>' || args[i] === ')' || args[i] === ']') depth--;
    else if (args[i] === ',' && depth === 0) return args.slice(0, i);
  }
  return args;
}

function newtypes(facts: SourceFacts | undefined): string {
  return JSON.stringify(facts?.items.filter((i) => i.newtypeOf).map((i) => [i.name, i.newtypeOf]) ?? []);
}

/** Of two sorted id sets, the weight both hold (counted twice, once per side) and the weight of all. */
function weighedOverlap(x: Uint32Array, y: Uint32Array, filesOf: IdCounts): { shared: number; total: number } {
  const weight = (id: number) => {
    // An id no file has (none of two files not indexed) weighs as one file's.
    const files = filesOf.get(id) || 1;
    return files > COMMON ? 0 : 1 / files;
  };
  let shared = 0;
  let total = 0;
  for (let i = 0, j = 0; i < x.length || j < y.length; ) {
    if (j >= y.length || (i < x.length && x[i] < y[j])) total += weight(x[i++]);
    else if (i >= x.length || y[j] < x[i]) total += weight(y[j++]);
    else {
      const w = weight(x[i]);
      shared += w;
      total += 2 * w;
      i++;
      j++;
    }
  }
  return { shared, total };
}

/** The ids of these sets written in at most COMMON + 1 files, sorted without repeats. */
function rareIds(sets: (Uint32Array | undefined)[], filesOf: IdCounts): Uint32Array {
  const rare = new Set<number>();
  for (const ids of sets) for (const id of ids ?? []) if (filesOf.get(id) <= COMMON + 1) rare.add(id);
  return Uint32Array.from(rare).sort();
}

/** Whether two sorted id sets have one in common. */
function sharesAny(x: Uint32Array, y: Uint32Array): boolean {
  for (let i = 0, j = 0; i < x.length && j < y.length; ) {
    if (x[i] === y[j]) return true;
    if (x[i] < y[j]) i++;
    else j++;
  }
  return false;
}

function addTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function removeWhere<K, V>(map: Map<K, V[]>, key: K, test: (value: V) => boolean): void {
  const list = map.get(key);
  if (!list) return;
  const kept = list.filter((v) => !test(v));
  if (kept.length === 0) map.delete(key);
  else map.set(key, kept);
}

function link(edges: Map<string, Map<string, number>>, a: string, b: string, score: number): void {
  if (!edges.has(a)) edges.set(a, new Map());
  edges.get(a)!.set(b, score);
}
