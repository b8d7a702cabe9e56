// The CLI's three outputs. JSON is a contract other tools read (see the
// README); SARIF 2.1.0 is for code scanning in CI; text is for people.
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { WorkspaceIndex } from '../core/index';
import type { PlanItemStatus, PlanStatus } from '../core/plan';
import { FINGERPRINT_KEY, findingIdentity } from '../core/baseline';
import { documentationUrl } from '../core/source/assets';
import type { BaselineSummary } from './baseline';
import { duplicationMap } from '../core/duplication';
import { duplicationSource } from './htmlReport';
import { FINDING_CODES } from '../core/model';
import type { Finding, FindingCode, Range } from '../core/model';

export interface Report {
  root: string;
  index: WorkspaceIndex;
  /** The index's findings and the plan's. */
  findings: Finding[];
  plan?: PlanStatus;
  /** Given --baseline: what it held, which the findings leave out. */
  baseline?: BaselineSummary;
  elapsedMs: number;
}

const relative = (root: string, file: string) => path.relative(root, file).split(path.sep).join('/');

export function formatJson({ root, index, findings, plan, baseline, elapsedMs }: Report): string {
  const rel = (f: string) => relative(root, f);
  const jsonFinding = (f: Finding) => ({
    code: f.code,
    severity: f.severity,
    message: f.message,
    file: rel(f.file),
    range: f.range,
    related: f.related.map((r) => ({ file: rel(r.file), range: r.range, message: r.message })),
    fixes: f.fixes,
    ...(f.declaration ? { declaration: { file: rel(f.declaration.file), range: f.declaration.range } } : {}),
  });
  const stats = index.stats();
  const json = {
    root,
    crates: index.graph.crates.map((crate) => ({
      name: crate.name,
      manifest: rel(crate.manifest),
      dependencies: index.graph.dependencies
        .filter((d) => d.from === crate)
        .map((d) => ({
          name: d.entry.name,
          package: d.entry.package,
          kind: d.entry.kind,
          source: d.source,
          range: d.entry.keyRange,
        })),
    })),
    findings: findings.map(jsonFinding),
    // Silenced by a suppression: not reported, not failing the run, still counted.
    suppressed: index.suppressedFindings().map((f) => ({
      ...jsonFinding(f),
      suppression: { file: rel(f.suppressedBy!.file), line: f.suppressedBy!.line, reason: f.suppressedBy!.reason },
    })),
    ...(plan
      ? {
          plan: {
            file: rel(plan.file),
            scopes: plan.scopes.map((scope) => ({
              title: scope.title,
              number: scope.number,
              done: scope.done,
              total: scope.total,
              items: scope.items.map(jsonItem),
            })),
            // Task items and decommissioning entries outside any numbered scope.
            other: plan.other.map(jsonItem),
          },
        }
      : {}),
    // The Duplication Map's numbers (report --html draws the same).
    duplication: (() => {
      const map = duplicationMap(findings, duplicationSource(index));
      return {
        lines: map.lines,
        byCode: map.totals,
        pairs: map.cells.map((c) => ({ crates: c.crates, lines: c.lines, byCode: c.byCode, findings: c.findings })),
      };
    })(),
    ...(baseline ? { baseline: { file: baseline.file, known: baseline.known, fixed: baseline.fixed } } : {}),
    stats: {
      crates: stats.crates,
      files: stats.files,
      lines: stats.lines,
      duplicatedLines: stats.duplicatedLines,
      elapsedMs,
    },
  };
  return JSON.stringify(json, null, 2) + '\n';
}

function jsonItem(i: PlanItemStatus) {
  return { text: i.text, line: i.line, checked: i.checked ?? null, status: i.status, evidence: i.evidence };
}

/** Done by the code, or a manual item whose box is ticked: as a scope counts it. */
function isDone(i: PlanItemStatus): boolean {
  return i.status === 'done' || (i.status === 'manual' && i.checked === true);
}

export function formatText({ root, index, findings, plan, baseline, elapsedMs }: Report): string {
  const rel = (f: string) => relative(root, f);
  const at = (file: string, range: Range) => `${rel(file)}:${range.start.line + 1}:${range.start.character + 1}`;
  const lines: string[] = [];
  for (const f of findings) {
    lines.push(`${f.severity}[${f.code}]: ${f.message}`);
    lines.push(`  --> ${at(f.file, f.range)}`);
    if (f.declaration) lines.push(`  declared at ${at(f.declaration.file, f.declaration.range)}`);
    for (const r of f.related) lines.push(`  = ${r.message}: ${at(r.file, r.range)}`);
    lines.push('');
  }
  if (plan) {
    lines.push(`plan ${rel(plan.file)}: ${plan.counts.done} of ${plan.counts.total} items done (${plan.counts.manual} decided by hand)`);
    for (const scope of plan.scopes) {
      lines.push(`  ${scope.number}. ${scope.title}: ${scope.done}/${scope.total}${scope.phase ? ` (${scope.phase})` : ''}`);
    }
    if (plan.other.length > 0) {
      // Outside any numbered scope: listed one by one, as nothing else shows them.
      lines.push(`  Other items: ${plan.other.filter(isDone).length}/${plan.other.length}`);
      for (const item of plan.other) lines.push(`    ${rel(plan.file)}:${item.line + 1}: ${item.status}: ${item.text} (${item.evidence})`);
    }
    lines.push('');
  }
  if (baseline) {
    lines.push(
      `baseline ${baseline.file}: ${baseline.known} known findings not shown` +
        (baseline.fixed > 0 ? `; ${baseline.fixed} fixed since (--write-baseline ${baseline.file} drops them)` : ''),
    );
  }
  const stats = index.stats();
  const counts = countByCode(findings);
  const suppressed = index.suppressedFindings().length;
  const found = (counts.length > 0 ? counts.join(', ') : 'no findings') + (suppressed > 0 ? ` (${suppressed} suppressed)` : '');
  lines.push(
    `${root}: ${stats.crates} crates, ${stats.files} files, ${stats.lines} lines: ${found}; ` +
      `${stats.duplicatedLines} duplicated lines, ${stats.copies} files copied whole (${(elapsedMs / 1000).toFixed(2)} s)`,
  );
  return lines.join('\n') + '\n';
}

function countByCode(findings: Finding[]): string[] {
  const counts = new Map<FindingCode, number>();
  for (const f of findings) counts.set(f.code, (counts.get(f.code) ?? 0) + 1);
  return FINDING_CODES.filter((c) => counts.has(c)).map((c) => `${counts.get(c)} ${c}`);
}

const SARIF_LEVEL = { error: 'error', warning: 'warning', information: 'note', hint: 'note' } as const;

const RULE_SUMMARY: Record<FindingCode, string> = {
  'duplicate-file': 'A file identical to a module of another crate.',
  'near-duplicate-file': 'A file identical to a module of another crate once use paths are normalised.',
  'inverted-dependency': 'A registry or git dependency on a package that is also a local crate.',
  'dependency-cycle': 'A cycle among local crates through path dependencies.',
  'manifest-error': 'A Cargo.toml that does not parse.',
  'diverged-copy': 'A file of another crate that this one mostly is: a copy that diverged.',
  'duplicate-item': 'An item (function, type, impl, static, const) copied from another crate.',
  'duplicate-singleton': 'A lazily initialised global of the same type in more than one crate.',
  'duplicate-block': 'A block of lines copied from a file of another crate, inside items and files that differ around it.',
  'plan-item-regressed': 'A plan item that is checked while the code says it is not done.',
  'settings-error': 'A shared setting in Cargo.toml, or a suppression comment, that cannot be used.',
  'redundant-suppression': 'A suppression that no longer suppresses anything.',
  'kept-copy': 'The copy to keep of a module copied into other crates (off unless turned on).',
};

export function formatSarif({ root, index, findings }: Report): string {
  const rel = (f: string) => relative(root, f);
  const region = (r: Range) => ({
    startLine: r.start.line + 1,
    startColumn: r.start.character + 1,
    endLine: r.end.line + 1,
    endColumn: r.end.character + 1,
  });
  const location = (file: string, range: Range) => ({
    physicalLocation: { artifactLocation: { uri: rel(file), uriBaseId: 'ROOT' }, region: region(range) },
  });
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'rust-consolidate',
            rules: FINDING_CODES.map((id) => ({
              id,
              shortDescription: { text: RULE_SUMMARY[id] },
              helpUri: documentationUrl(id),
            })),
          },
        },
        originalUriBaseIds: { ROOT: { uri: pathToFileURL(root).href + '/' } },
        results: findings.map((f) => ({
          ruleId: f.code,
          level: SARIF_LEVEL[f.severity],
          message: { text: f.message },
          locations: [location(f.file, f.range)],
          relatedLocations: f.related.map((r, id) => ({ id, ...location(r.file, r.range), message: { text: r.message } })),
          // Positions left out: code scanning follows a finding across edits elsewhere (see core/baseline.ts).
          partialFingerprints: { [FINGERPRINT_KEY]: findingIdentity(f, index, rel) },
        })),
      },
    ],
  };
  return JSON.stringify(sarif, null, 2) + '\n';
}
