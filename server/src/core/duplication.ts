// The workspace's duplication at a glance: for each pair of crates, the lines
// their copies share, of every kind (whole files, near and diverged copies,
// items, singletons). The Duplication Map, `report --html` and the JSON's
// `duplication` are all made here, from the findings, so they agree.
import type { Finding, FindingCode } from './model';
import type { SourceFacts } from './source/rust';
import { tokenId } from './source/winnow';

/** The codes whose findings are duplicated code, in the order a legend lists them. */
export const DUPLICATION_CODES: readonly FindingCode[] = ['duplicate-file', 'near-duplicate-file', 'diverged-copy', 'duplicate-item', 'duplicate-block', 'duplicate-singleton'];

export interface DuplicationSource {
  factsOf(file: string): SourceFacts | undefined;
  crateOf(file: string): string | undefined;
}

export interface CratePairCell {
  /** The two crates, sorted. */
  crates: [string, string];
  /** Shared lines, all kinds together. */
  lines: number;
  byCode: Partial<Record<FindingCode, number>>;
  findings: number;
  /** The biggest finding's two files, for a click to open side by side: the copy, then the copy it points at. */
  largest: { file: string; other: string; lines: number };
}

export interface DuplicationMap {
  /** Crates that share lines with another, sorted. */
  crates: string[];
  /** Pairs with shared lines, sorted by crates. */
  cells: CratePairCell[];
  /** Lines per code over the whole workspace: the cells' sum. */
  totals: Partial<Record<FindingCode, number>>;
  lines: number;
}

/**
 * The lines one finding holds as duplicated. The one place the map counts:
 * a whole copy's lines; a diverged copy's lines found in the file it diverged
 * from; a copied item's or singleton's own lines.
 */
export function duplicatedLinesOf(finding: Finding, source: DuplicationSource): number {
  const facts = source.factsOf(finding.file);
  if (!facts) return 0;
  switch (finding.code) {
    case 'duplicate-file':
    case 'near-duplicate-file':
      return facts.lines;
    case 'diverged-copy': {
      const other = finding.related[0] && source.factsOf(finding.related[0].file);
      return other ? sharedLineCount(facts.lineHashes, other.lineHashes) : 0;
    }
    case 'duplicate-item':
      return facts.items.find((i) => i.range.start.line === finding.range.start.line)?.lines ?? 0;
    case 'duplicate-block':
      // A copied region is reported on exactly its lines.
      return finding.range.end.line - finding.range.start.line + 1;
    case 'duplicate-singleton': {
      const found = facts.statics.find((s) => s.range.start.line === finding.range.start.line);
      return found ? found.range.end.line - found.range.start.line + 1 : 0;
    }
    default:
      return 0;
  }
}

/** Lines of `a` also in `b`, each line of `b` matched once; blank lines left out. */
function sharedLineCount(a: Uint32Array, b: Uint32Array): number {
  const available = new Map<number, number>();
  for (const h of b) available.set(h, (available.get(h) ?? 0) + 1);
  let shared = 0;
  for (const h of a) {
    if (h === BLANK_LINE) continue;
    const n = available.get(h) ?? 0;
    if (n > 0) {
      available.set(h, n - 1);
      shared++;
    }
  }
  return shared;
}

/** lineHashes hash each trimmed line with tokenId (rust.ts): a blank line hashes as ''. */
const BLANK_LINE = tokenId('');

/**
 * Each finding's lines count once, for the pair of its crate and the crate of
 * the copy it points at first (the copy to keep, or the file it resembles).
 */
export function duplicationMap(findings: readonly Finding[], source: DuplicationSource): DuplicationMap {
  const cells = new Map<string, CratePairCell>();
  const totals: Partial<Record<FindingCode, number>> = {};
  let all = 0;
  for (const finding of findings) {
    if (!DUPLICATION_CODES.includes(finding.code) || finding.related.length === 0) continue;
    const own = source.crateOf(finding.file);
    const other = source.crateOf(finding.related[0].file);
    if (!own || !other || own === other) continue;
    const lines = duplicatedLinesOf(finding, source);
    if (lines === 0) continue;
    const crates = [own, other].sort() as [string, string];
    const key = JSON.stringify(crates);
    let cell = cells.get(key);
    if (!cell) cells.set(key, (cell = { crates, lines: 0, byCode: {}, findings: 0, largest: { file: finding.file, other: finding.related[0].file, lines: 0 } }));
    cell.lines += lines;
    cell.findings++;
    cell.byCode[finding.code] = (cell.byCode[finding.code] ?? 0) + lines;
    if (lines > cell.largest.lines) cell.largest = { file: finding.file, other: finding.related[0].file, lines };
    totals[finding.code] = (totals[finding.code] ?? 0) + lines;
    all += lines;
  }
  // Keys in the legend's order, so the output is the same byte for byte whatever order findings came in.
  const inOrder = <T>(byCode: Partial<Record<FindingCode, T>>) =>
    Object.fromEntries(DUPLICATION_CODES.filter((c) => byCode[c] !== undefined).map((c) => [c, byCode[c]])) as Partial<Record<FindingCode, T>>;
  for (const cell of cells.values()) cell.byCode = inOrder(cell.byCode);
  const sorted = [...cells.values()].sort((a, b) => a.crates[0].localeCompare(b.crates[0]) || a.crates[1].localeCompare(b.crates[1]));
  const crates = [...new Set(sorted.flatMap((c) => c.crates))].sort();
  return { crates, cells: sorted, totals: inOrder(totals), lines: all };
}
