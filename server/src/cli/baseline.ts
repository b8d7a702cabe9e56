// `check --baseline <file>` and `--write-baseline <file>`: CI fails only on
// findings the baseline does not hold; writing one accepts today's findings.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { compareWithBaseline, findingIdentity, formatBaseline, parseBaseline } from '../core/baseline';
import type { Baseline } from '../core/baseline';
import type { WorkspaceIndex } from '../core/index';
import type { Finding } from '../core/model';
import { UsageError } from './workspace';

export interface BaselineOutcome {
  /** The findings to report: all of them, or those the baseline does not hold. */
  findings: Finding[];
  /** Given --baseline: what it held. */
  summary?: BaselineSummary;
  /** Given --write-baseline: the file written. */
  written?: string;
}

export interface BaselineSummary {
  file: string;
  /** Findings the baseline holds: not reported. */
  known: number;
  /** Baseline entries nothing matches now: fixed since. */
  fixed: number;
}

/** Reads the baseline before the analysis runs, so a wrong path is a usage error at once. */
export function readBaseline(file: string | undefined): { file: string; baseline: Baseline } | undefined {
  if (file === undefined) return undefined;
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read the baseline ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file (write one with --write-baseline)' : (e as Error).message}`);
  }
  try {
    return { file, baseline: parseBaseline(text) };
  } catch (e) {
    throw new UsageError(`${file}: ${(e as Error).message}`);
  }
}

export function applyBaseline(
  index: WorkspaceIndex,
  root: string,
  findings: Finding[],
  given: { file: string; baseline: Baseline } | undefined,
  writeTo: string | undefined,
): BaselineOutcome {
  const relative = (f: string) => path.relative(root, f).split(path.sep).join('/');
  const identified = findings.map((finding) => ({ finding, fingerprint: findingIdentity(finding, index, relative) }));
  const outcome: BaselineOutcome = { findings };
  if (given) {
    const { fresh, known, gone } = compareWithBaseline(identified, given.baseline);
    outcome.findings = fresh.map((f) => f.finding);
    outcome.summary = { file: given.file, known: known.length, fixed: gone.length };
  }
  if (writeTo !== undefined) {
    const entries = identified.map(({ finding, fingerprint }) => ({ fingerprint, code: finding.code, file: relative(finding.file), message: finding.message }));
    fs.writeFileSync(writeTo, formatBaseline(entries));
    outcome.written = writeTo;
  }
  return outcome;
}
