// Drift between a plan and the code, as findings on the plan: a box that is
// checked while the code says the item is not done.
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
