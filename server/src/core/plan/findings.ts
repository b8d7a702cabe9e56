// Drift between a plan and the code, as findings on the plan: a box that is
// checked while the code says the item is not done.
import * as path from 'node:path';
import type { AnalysisOptions, Finding } from '../model';
import { severityOf } from '../model';
import type { PlanStatus } from './model';

export function planFindings(status: PlanStatus, options: AnalysisOptions): Finding[] {
  const severity = severityOf(options, 'plan-item-regressed');
  if (severity === 'off') return [];
  return [...status.scopes.flatMap((s) => s.items), ...status.other]
    .filter((item) => item.regressed && item.checkbox)
    .map((item) => ({
      code: 'plan-item-regressed' as const,
      severity,
      message: `Checked, but the code says this is not done: ${item.evidence}.`,
      file: status.file,
      range: item.checkbox!,
      related: item.at ? [{ ...item.at, message: 'the evidence' }] : [],
      fixes: [],
    }));
}

const COPY_CODES = new Set(['duplicate-file', 'near-duplicate-file']);

/**
 * The copy findings (duplicate-file, near-duplicate-file) that have a file
 * in a folder: the finding's own file, or a file it relates, since the copy
 * kept may be the one in that folder (an authoritative crate there). Each
 * with its file in the folder.
 */
export function copiesIn(findings: readonly Finding[], dir: string, codes: ReadonlySet<string> = COPY_CODES): { finding: Finding; file: string }[] {
  const inside = (file: string) => file.startsWith(dir + path.sep);
  return findings.flatMap((finding) => {
    if (!codes.has(finding.code)) return [];
    const file = inside(finding.file) ? finding.file : finding.related.find((r) => inside(r.file))?.file;
    return file ? [{ finding, file }] : [];
  });
}
