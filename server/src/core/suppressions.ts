// Suppressions: a team's decision that a finding stays, with the reason.
// Written as a comment on a file or an item,
//
//   // rust-consolidate: allow(duplicate-file) -- kept on purpose: <reason>
//
// (`#` instead of `//` in a Cargo.toml), or as an entry of the shared
// settings' `allow` list. A suppressed finding is kept apart, not dropped: the
// JSON lists it under `suppressed`. A suppression that silences nothing is
// reported, as cargo-shear reports ignores it no longer needs.
import * as path from 'node:path';
import picomatch from 'picomatch';
import { FINDING_CODES, severityOf } from './model';
import type { AllowEntry, AnalysisOptions, Finding, FindingCode, Range } from './model';

export interface SuppressionComment {
  /** The comment's own range. */
  range: Range;
  /** The codes in `allow(...)`, as written. */
  codes: string[];
  /** The text after `--`; missing when none was given. */
  reason?: string;
  /** In the file's header (before its first item): covers every finding of its codes in the file. */
  wholeFile: boolean;
  /** The last line it covers otherwise: the item after it, past doc comments and attributes. */
  reaches: number;
}

/** Codes a suppression cannot silence: they are about the tool's own input. */
export const UNSUPPRESSIBLE: ReadonlySet<FindingCode> = new Set(['settings-error', 'redundant-suppression', 'manifest-error', 'plan-item-regressed']);

const MARK = 'rust-consolidate:';
const COMMENT = /^(\s*)(\/\/+!?|#)\s*rust-consolidate:\s*allow\(([^)]*)\)\s*(?:--\s*(.*?))?\s*$/;

/** The suppression comments of a Rust file (`//`) or a manifest (`#`). */
export function readSuppressionComments(text: string, kind: 'rust' | 'toml'): SuppressionComment[] {
  if (!text.includes(MARK)) return [];
  const lines = text.split('\n').map((l) => l.replace(/\r$/, ''));
  const isComment = (l: string) => (kind === 'rust' ? /^\s*(\/\/|\/\*|\*)/.test(l) : /^\s*#/.test(l));
  // Lines that go with the item below them: comments, doc comments, attributes.
  const isPreamble = (l: string) => isComment(l) || (kind === 'rust' && /^\s*#\[/.test(l));
  const isHeader = (l: string) => l.trim() === '' || isComment(l) || (kind === 'rust' && /^\s*#!\[/.test(l));
  const found: SuppressionComment[] = [];
  let inHeader = kind === 'rust';
  lines.forEach((line, i) => {
    if (inHeader && !isHeader(line)) inHeader = false;
    const match = COMMENT.exec(line);
    if (!match || (kind === 'rust' && match[2] === '#') || (kind === 'toml' && match[2] !== '#')) return;
    let reaches = i + 1;
    while (reaches < lines.length - 1 && isPreamble(lines[reaches])) reaches++;
    found.push({
      range: { start: { line: i, character: match[1].length }, end: { line: i, character: line.length } },
      codes: match[3].split(',').map((c) => c.trim()).filter(Boolean),
      reason: match[4] ? match[4] : undefined,
      wholeFile: inHeader,
      reaches,
    });
  });
  return found;
}

export interface SuppressionResult {
  /** The findings still reported, with any problems of the file's suppressions. */
  reported: Finding[];
  suppressed: Finding[];
  /** The `allow` entries that silenced something here. */
  allowUsed: Set<AllowEntry>;
}

/**
 * Splits one file's findings into the reported and the suppressed, by the
 * file's comments and the `allow` list; adds a finding for each comment that
 * is malformed or silences nothing.
 */
export function applySuppressions(
  file: string,
  findings: Finding[],
  comments: readonly SuppressionComment[],
  options: AnalysisOptions,
): SuppressionResult {
  const result: SuppressionResult = { reported: [], suppressed: [], allowUsed: new Set() };
  const valid = comments.map((c) => ({ comment: c, problem: commentProblem(c) }));
  const used = new Map<SuppressionComment, Set<string>>();
  const allow = options.allow.filter((a) => a.code && matchesGlob(a, file));
  for (const finding of findings) {
    if (UNSUPPRESSIBLE.has(finding.code)) {
      result.reported.push(finding);
      continue;
    }
    const line = finding.range.start.line;
    const comment = valid.find(
      ({ comment: c, problem }) =>
        !problem && c.codes.includes(finding.code) && (c.wholeFile || (line > c.range.start.line && line <= c.reaches) || line === c.range.start.line),
    )?.comment;
    if (comment) {
      if (!used.has(comment)) used.set(comment, new Set());
      used.get(comment)!.add(finding.code);
      result.suppressed.push({ ...finding, suppressedBy: { file, line: comment.range.start.line, reason: comment.reason! } });
      continue;
    }
    const entry = allow.find((a) => a.code === finding.code);
    if (entry) {
      result.allowUsed.add(entry);
      result.suppressed.push({ ...finding, suppressedBy: { file: entry.written.file, line: entry.written.range.start.line, reason: entry.reason } });
      continue;
    }
    result.reported.push(finding);
  }
  for (const { comment, problem } of valid) {
    if (problem) {
      const severity = severityOf(options, 'settings-error');
      if (severity !== 'off') {
        result.reported.push({ code: 'settings-error', severity, message: problem, file, range: comment.range, related: [], fixes: [] });
      }
      continue;
    }
    const idle = comment.codes.filter((c) => !used.get(comment)?.has(c) && isReported(options, c as FindingCode));
    const finding = idle.length > 0 ? redundant(file, comment.range, idle, options) : undefined;
    if (finding) result.reported.push(finding);
  }
  return result;
}

/** The finding for a suppression (a comment, or an `allow` entry) that silences nothing; none while the code is off. */
export function redundant(file: string, range: Range, codes: string[], options: AnalysisOptions, entry?: AllowEntry): Finding | undefined {
  const severity = severityOf(options, 'redundant-suppression');
  if (severity === 'off') return undefined;
  const what = codes.map((c) => `\`${c}\``).join(', ');
  return {
    code: 'redundant-suppression',
    severity,
    message: entry
      ? `This \`allow\` entry (${what} on ${entry.path}) no longer suppresses anything: remove it.`
      : `This suppression of ${what} no longer suppresses anything: remove it${codes.length > 1 ? ', or the codes it does not need' : ''}.`,
    file,
    range,
    related: [],
    fixes: [],
  };
}

/** Whether a code can be reported at all in this run: a suppression of a code that is off is not idle. */
export function isReported(options: AnalysisOptions, code: FindingCode): boolean {
  if (severityOf(options, code) === 'off') return false;
  if (!options.nearMiss && ['diverged-copy', 'duplicate-item', 'duplicate-singleton'].includes(code)) return false;
  return true;
}

function commentProblem(c: SuppressionComment): string | undefined {
  if (c.codes.length === 0) return 'This suppression names no code: write allow(<code>) -- <reason>; it suppresses nothing.';
  const unknown = c.codes.filter((code) => !(FINDING_CODES as readonly string[]).includes(code));
  if (unknown.length > 0) return `This suppression names an unknown code ${unknown.map((u) => `\`${u}\``).join(', ')}; it suppresses nothing.`;
  const fixed = c.codes.filter((code) => UNSUPPRESSIBLE.has(code as FindingCode));
  if (fixed.length > 0) return `${fixed.map((u) => `\`${u}\``).join(', ')} cannot be suppressed: fix what it reports instead.`;
  if (!c.reason) return 'This suppression gives no reason: write `-- <why the copy stays>` after allow(...); until then it suppresses nothing.';
  return undefined;
}

const matchers = new Map<string, (p: string) => boolean>();

function matchesGlob(entry: AllowEntry, file: string): boolean {
  const relative = path.relative(entry.base, file).split(path.sep).join('/');
  if (relative.startsWith('../')) return false;
  let match = matchers.get(entry.path);
  if (!match) matchers.set(entry.path, (match = picomatch(entry.path, { dot: true })));
  return match(relative);
}

/** Codes whose finding covers the whole file: their suppression goes at the top of it. */
const WHOLE_FILE_CODES: ReadonlySet<FindingCode> = new Set(['duplicate-file', 'near-duplicate-file', 'diverged-copy']);

export interface SuppressionInsert {
  file: string;
  /** Inserted at the start of this 0-based line. */
  line: number;
  text: string;
}

/**
 * The comment that suppresses one finding, and where it goes: the top of the
 * file for a whole-file finding, else above the item (past its doc comments
 * and attributes), indented like it. A manifest gets a `#` comment above the
 * dependency. Undefined for a code no suppression can silence.
 */
export function suppressionFor(finding: Finding, text: string, reason: string): SuppressionInsert | undefined {
  if (UNSUPPRESSIBLE.has(finding.code)) return undefined;
  const oneLine = reason.replace(/\s+/g, ' ').trim();
  if (oneLine === '') return undefined;
  const lines = text.split('\n').map((l) => l.replace(/\r$/, ''));
  const toml = finding.file.endsWith('.toml');
  const wholeFile = !toml && WHOLE_FILE_CODES.has(finding.code);
  let line = wholeFile ? 0 : finding.range.start.line;
  if (!wholeFile && !toml) while (line > 0 && /^\s*(\/\/\/|#\[)/.test(lines[line - 1])) line--;
  const indent = wholeFile ? '' : (/^\s*/.exec(lines[line] ?? '')?.[0] ?? '');
  const newline = text.includes('\r\n') ? '\r\n' : '\n';
  return { file: finding.file, line, text: `${indent}${toml ? '#' : '//'} rust-consolidate: allow(${finding.code}) -- ${oneLine}${newline}` };
}
