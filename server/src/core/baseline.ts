// Baselines: the findings a team has accepted for now, so CI fails only on
// new ones. A finding's identity leaves out positions, so an edit elsewhere
// (a line added above a copied item) keeps it; a clone's identity is its
// content and the set of its occurrences, so one more copy of a baselined
// clone is a new finding. The same identity is SARIF's partialFingerprints.
import { createHash } from 'node:crypto';
import type { Manifest } from './cargo/manifest';
import type { Finding } from './model';
import type { SourceFacts } from './source/rust';

/** What an identity reads from the index. */
export interface IdentitySource {
  factsOf(file: string): SourceFacts | undefined;
  manifestOf(file: string): Manifest | undefined;
}

/** The key partialFingerprints carry it under; a new scheme gets a new key. */
export const FINGERPRINT_KEY = 'rustConsolidate/v1';

const CLONE_CODES = new Set(['duplicate-file', 'near-duplicate-file', 'diverged-copy', 'duplicate-item', 'duplicate-singleton']);

/**
 * A finding's identity, as a hex sha1. `relative` turns paths into the
 * workspace-relative, `/`-separated form, so the identity is the same on every
 * machine and checkout.
 */
export function findingIdentity(finding: Finding, source: IdentitySource, relative: (file: string) => string): string {
  const parts: string[] = [finding.code];
  const facts = source.factsOf(finding.file);
  if (CLONE_CODES.has(finding.code)) {
    parts.push(...new Set([finding.file, ...finding.related.map((r) => r.file)].map(relative).sort()));
    const line = finding.range.start.line;
    switch (finding.code) {
      case 'duplicate-file':
        parts.push(facts?.tokenHash ?? '');
        break;
      case 'near-duplicate-file':
        parts.push(facts?.normalizedHash ?? '');
        break;
      case 'duplicate-item': {
        // The item that starts on the finding's line: its shape, not its place.
        const item = facts?.items.find((i) => i.range.start.line === line);
        parts.push(item ? `${item.kind} ${item.name} ${item.shapeHash}` : finding.message);
        break;
      }
      case 'duplicate-singleton': {
        const found = facts?.statics.find((s) => s.range.start.line === line);
        parts.push(found ? `${found.name}: ${found.type}` : finding.message);
        break;
      }
      // diverged-copy: the pair of files alone; its content changes by nature.
    }
  } else if (finding.code === 'inverted-dependency' || finding.code === 'dependency-cycle') {
    // The dependency's key as written, not the message: it counts shared modules, which change elsewhere.
    const manifest = source.manifestOf(finding.file);
    const line = manifest?.text.split('\n')[finding.range.start.line] ?? '';
    parts.push(relative(finding.file), line.slice(finding.range.start.character, finding.range.end.character), finding.code === 'dependency-cycle' ? finding.message : '');
  } else {
    parts.push(relative(finding.file), finding.message);
  }
  return createHash('sha1').update(parts.join('\u0000')).digest('hex');
}

export interface BaselineEntry {
  fingerprint: string;
  code: string;
  /** For a person reading the file; matching uses the fingerprint alone. */
  file: string;
  message: string;
}

export interface Baseline {
  version: 1;
  findings: BaselineEntry[];
}

/** The baseline of these findings, as the file `--write-baseline` writes: sorted, no dates, byte for byte the same for the same findings. */
export function formatBaseline(entries: BaselineEntry[]): string {
  const sorted = [...entries].sort((a, b) => a.fingerprint.localeCompare(b.fingerprint) || a.file.localeCompare(b.file) || a.message.localeCompare(b.message));
  const baseline: Baseline = { version: 1, findings: sorted };
  return JSON.stringify(baseline, null, 2) + '\n';
}

/** Reads a baseline file's text; throws with a message that says what is wrong. */
export function parseBaseline(text: string): Baseline {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new Error(`not JSON: ${(e as Error).message}`);
  }
  const v = value as Partial<Baseline> | null;
  if (!v || typeof v !== 'object' || v.version !== 1 || !Array.isArray(v.findings)) {
    throw new Error('not a rust-consolidate baseline (expected { "version": 1, "findings": [...] }, as --write-baseline writes)');
  }
  for (const entry of v.findings) {
    if (!entry || typeof entry.fingerprint !== 'string') throw new Error('a finding without a "fingerprint"');
  }
  return v as Baseline;
}

export interface BaselineComparison<T> {
  /** Not in the baseline: these fail the run. */
  fresh: T[];
  /** In the baseline. */
  known: T[];
  /** Baseline entries no finding matches any more: fixed, and the baseline can shrink. */
  gone: BaselineEntry[];
}

/** Matches findings to baseline entries by fingerprint, each entry at most once. */
export function compareWithBaseline<T extends { fingerprint: string }>(findings: T[], baseline: Baseline): BaselineComparison<T> {
  const waiting = new Map<string, BaselineEntry[]>();
  for (const entry of baseline.findings) {
    const list = waiting.get(entry.fingerprint);
    if (list) list.push(entry);
    else waiting.set(entry.fingerprint, [entry]);
  }
  const result: BaselineComparison<T> = { fresh: [], known: [], gone: [] };
  for (const finding of findings) {
    const match = waiting.get(finding.fingerprint)?.pop();
    (match ? result.known : result.fresh).push(finding);
  }
  for (const rest of waiting.values()) result.gone.push(...rest);
  return result;
}
