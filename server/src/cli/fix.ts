// `rust-consolidate fix`: applies the editor's fixes to the files on disk and
// proves them with `cargo check`, writing every byte back when the check fails;
// or prints them as a unified diff with --dry-run.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { createTwoFilesPatch } from 'diff';
import { preconditionsOf, staleFile } from '../core/fixes/apply';
import { COPY_CODES, editedTexts, fixesTogether, mergeFixes } from '../core/fixes/fixes';
import type { FileChange, Fix } from '../core/fixes/fixes';
import { DEFAULT_CHECK, applyAndVerify, describe, uncommittedChanges } from '../core/fixes/verify';
import type { CheckSettings, CompilerError, VerifiedOutcome } from '../core/fixes/verify';
import type { WorkspaceIndex } from '../core/index';
import { workspaceRootOf } from '../core/cargo/workspace';
import { FINDING_CODES } from '../core/model';
import type { FindingCode } from '../core/model';
import { UsageError, indexWorkspace, parseCommand, write } from './workspace';

const FIXABLE: FindingCode[] = [...COPY_CODES, 'inverted-dependency'];

/** What became of one fix: the report's line, and the JSON's entry. */
interface FixOutcome {
  fix: Fix;
  outcome: 'would fix' | 'verified' | 'unverified' | 'rolled back' | 'refused';
  reason?: string;
  errors?: CompilerError[];
}

export async function fix(args: string[]): Promise<number> {
  const { root, options, values, demo } = parseCommand(args, {
    code: { type: 'string', multiple: true, default: [] },
    'dry-run': { type: 'boolean', default: false },
    format: { type: 'string', default: 'text' },
    'no-verify': { type: 'boolean', default: false },
    'allow-dirty': { type: 'boolean', default: false },
    'check-command': { type: 'string' },
    'check-arg': { type: 'string', multiple: true, default: [] },
    online: { type: 'boolean', default: false },
    features: { type: 'string', multiple: true, default: [] },
    'check-timeout': { type: 'string' },
  });
  const codes = (values.code as string[]).length > 0 ? (values.code as string[]) : FIXABLE;
  for (const code of codes) {
    if (!FINDING_CODES.includes(code as FindingCode)) throw new UsageError(`unknown code: ${code}`);
  }
  const format = values.format as string;
  if (!['text', 'json'].includes(format)) throw new UsageError(`unknown format: ${format} (text or json)`);
  const settings = checkSettings(values);
  // The bundled demo is part of the tool: show what would change, never change it.
  const dryRun = (values['dry-run'] as boolean) || demo;
  const index = await indexWorkspace(root, options);
  const rel = (f: string) => path.relative(root, f).split(path.sep).join('/');

  const fixes: Fix[] = fixesTogether(index, index.allFindings().filter((f) => codes.includes(f.code)));
  const outcomes: FixOutcome[] = fixes.filter((f) => f.refused).map((f) => ({ fix: f, outcome: 'refused', reason: f.refused }));
  const current = fixes.filter((f) => {
    if (f.refused) return false;
    const preconditions = preconditionsOf(index, f.changes);
    const stale = 'refused' in preconditions ? preconditions.refused : staleFile(preconditions, rel);
    if (stale) outcomes.push({ fix: f, outcome: 'refused', reason: stale });
    return !stale;
  });
  const { changes, merged, conflicting } = mergeFixes(current);
  for (const f of conflicting) outcomes.push({ fix: f, outcome: 'refused', reason: 'its edits overlap those of another fix; run fix again afterwards' });

  const out: string[] = [];
  let verification: VerifiedOutcome | undefined;
  if (dryRun) {
    if (format === 'text') out.push(...diff(changes, root, demo, rel));
    outcomes.unshift(...merged.map((f): FixOutcome => ({ fix: f, outcome: 'would fix' })));
  } else if (merged.length > 0) {
    verification = await applyVerified(index, root, changes, settings, values, rel);
    if (verification.outcome === 'rolled back' && verification.brokenByFix && merged.length > 1) {
      const each = await oneAtATime(index, root, merged, settings, values, rel);
      outcomes.unshift(...each.outcomes);
      verification = each.final ?? verification;
    } else {
      const each = verificationOutcome(verification);
      outcomes.unshift(...merged.map((f): FixOutcome => ({ fix: f, ...each })));
    }
  }
  if (format === 'json') {
    await write(JSON.stringify(jsonReport(outcomes, verification, rel), null, 2) + '\n');
  } else {
    for (const o of outcomes) out.push(reportLine(o, rel));
    if (verification) out.push(...verificationLines(verification, rel));
    if (fixes.length === 0) out.push('nothing to fix');
    await write(out.join('\n') + '\n');
  }
  return outcomes.some((o) => o.outcome === 'refused' || o.outcome === 'rolled back') ? 1 : 0;
}

function checkSettings(values: Record<string, unknown>): CheckSettings {
  const settings: CheckSettings = { ...DEFAULT_CHECK };
  if (values['check-command'] !== undefined) settings.command = values['check-command'] as string;
  if ((values['check-arg'] as string[]).length > 0) settings.args = values['check-arg'] as string[];
  settings.offline = !(values.online as boolean);
  settings.featureSets = values.features as string[];
  const timeout = values['check-timeout'] as string | undefined;
  if (timeout !== undefined) {
    const n = Number(timeout);
    if (!(n > 0)) throw new UsageError('--check-timeout needs a number of seconds above 0');
    settings.timeoutSeconds = n;
  }
  return settings;
}

/**
 * After the fixes together broke the build (and it builds without them): each
 * fix tried alone on the original files, written back after its check, then
 * the ones that built alone applied together and checked once more. Each fix
 * gets its own outcome and its own errors, as `cargo fix` keeps the fixes of
 * the crates that build.
 */
async function oneAtATime(
  index: WorkspaceIndex,
  root: string,
  fixes: Fix[],
  settings: CheckSettings,
  values: Record<string, unknown>,
  rel: (f: string) => string,
): Promise<{ outcomes: FixOutcome[]; final?: VerifiedOutcome }> {
  const outcomes = new Map<Fix, FixOutcome>();
  const passed: Fix[] = [];
  for (const fix of fixes) {
    const trial = await applyVerified(index, root, fix.changes, settings, values, rel, { trial: true, baselinePasses: true });
    if (trial.outcome === 'verified') passed.push(fix);
    else outcomes.set(fix, { fix, ...verificationOutcome(trial) });
    if (trial.outcome === 'rolled back' && !trial.brokenByFix) {
      // Interrupted, timed out or not run: no point trying the others.
      for (const f of fixes) if (!outcomes.has(f)) outcomes.set(f, { fix: f, ...verificationOutcome(trial) });
      return { outcomes: fixes.map((f) => outcomes.get(f)!), final: trial };
    }
  }
  let final: VerifiedOutcome | undefined;
  if (passed.length > 0) {
    const { changes } = mergeFixes(passed);
    const together = await applyVerified(index, root, changes, settings, values, rel, { baselinePasses: true });
    final = together;
    const each = verificationOutcome(together);
    for (const f of passed) outcomes.set(f, { fix: f, ...each, ...(together.outcome === 'rolled back' ? { reason: `with the others that built alone: ${together.reason}` } : {}) });
  }
  return { outcomes: fixes.map((f) => outcomes.get(f)!), final };
}

/** Applies the merged changes and checks them, refusing a dirty tree and a second fix on the same workspace at once. */
async function applyVerified(
  index: WorkspaceIndex,
  root: string,
  changes: FileChange[],
  settings: CheckSettings,
  values: Record<string, unknown>,
  rel: (f: string) => string,
  mode: { trial?: boolean; baselinePasses?: boolean } = {},
): Promise<VerifiedOutcome> {
  if (!(values['allow-dirty'] as boolean)) {
    // As cargo fix does: the user's own uncommitted work would be mixed with the fix's.
    const dirty = uncommittedChanges(root);
    if (dirty && dirty.length > 0) {
      const shown = dirty.slice(0, 3).join(', ') + (dirty.length > 3 ? `, and ${dirty.length - 3} more` : '');
      return { outcome: 'refused', reason: `the working tree has uncommitted changes (${shown}); commit or stash them, or pass --allow-dirty` };
    }
  }
  const preconditions = preconditionsOf(index, changes);
  if ('refused' in preconditions) return { outcome: 'refused', reason: preconditions.refused };
  const lock = takeLock(root);
  if (!lock) return { outcome: 'refused', reason: 'another rust-consolidate fix is running on this workspace' };
  const controller = new AbortController();
  const interrupt = () => controller.abort();
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);
  try {
    return await applyAndVerify({
      changes,
      preconditions,
      manifests: rootManifests(index),
      settings,
      skip: values['no-verify'] as boolean,
      ...mode,
      display: rel,
      signal: controller.signal,
      started: (commandLine) => process.stderr.write(`rust-consolidate: checking: ${commandLine}\n`),
    });
  } finally {
    process.removeListener('SIGINT', interrupt);
    process.removeListener('SIGTERM', interrupt);
    lock.release();
  }
}

/** The manifest of each workspace the index's crates belong to (a package's own when it has no workspace). */
export function rootManifests(index: WorkspaceIndex): string[] {
  const roots = new Set<string>();
  for (const crate of index.graph.crates) {
    if (crate.vendored) continue;
    const manifest = index.manifestOf(crate.manifest);
    if (!manifest) continue;
    roots.add((workspaceRootOf(manifest, index.allManifests()) ?? manifest).file);
  }
  return [...roots].sort();
}

/**
 * One fix at a time per workspace, across processes: a lock file in the
 * temporary folder (never in the workspace, which would make it dirty),
 * taken over when the process that holds it is gone.
 */
function takeLock(root: string): { release(): void } | undefined {
  const file = path.join(os.tmpdir(), `rust-consolidate-fix-${createHash('sha1').update(root).digest('hex').slice(0, 16)}.lock`);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(file, String(process.pid), { flag: 'wx' });
      return { release: () => fs.rmSync(file, { force: true }) };
    } catch {
      const holder = Number(fs.readFileSync(file, 'utf8'));
      if (Number.isInteger(holder) && holder > 0 && alive(holder)) return undefined;
      fs.rmSync(file, { force: true });
    }
  }
  return undefined;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function verificationOutcome(v: VerifiedOutcome): Omit<FixOutcome, 'fix'> {
  switch (v.outcome) {
    case 'verified':
      return { outcome: 'verified' };
    case 'unverified':
      return { outcome: 'unverified', reason: v.reason };
    case 'rolled back':
      return { outcome: 'rolled back', reason: v.reason, errors: v.errors };
    case 'refused':
      return { outcome: 'refused', reason: v.reason };
  }
}

function reportLine(o: FixOutcome, rel: (f: string) => string): string {
  const head = `${rel(o.fix.file)}: ${o.fix.title}`;
  switch (o.outcome) {
    case 'would fix':
      return `would fix ${head}`;
    case 'verified':
    case 'unverified':
      return `fixed ${head}`;
    case 'rolled back':
      return `rolled back ${head}: ${o.reason}`;
    case 'refused':
      return `refused ${head}: ${o.reason}`;
  }
}

/** After the per-copy lines: whether the edit was checked, and the compiler's errors when it failed. */
function verificationLines(v: VerifiedOutcome, rel: (f: string) => string): string[] {
  if (v.outcome === 'verified') return [`verified: ${v.commandLine} passed`];
  if (v.outcome === 'unverified') return [`unverified: ${v.reason}`];
  if (v.outcome === 'rolled back') {
    const lines = ['every file the fix touched was written back as it was'];
    if (v.errors.length > 0) lines.push('first errors:', ...v.errors.map((e) => `  ${describe(e, rel)}`));
    return lines;
  }
  return [];
}

function jsonReport(outcomes: FixOutcome[], verification: VerifiedOutcome | undefined, rel: (f: string) => string) {
  return {
    verification: verification
      ? { outcome: verification.outcome, ...(verification.outcome === 'verified' ? { command: verification.commandLine } : { reason: verification.reason }) }
      : { outcome: 'not run' },
    fixes: outcomes.map((o) => ({
      outcome: o.outcome,
      code: o.fix.code,
      file: rel(o.fix.file),
      title: o.fix.title,
      ...(o.reason !== undefined ? { reason: o.reason } : {}),
      ...(o.outcome === 'refused' ? {} : { changes: o.fix.changes.map((c) => ({ kind: c.kind, file: rel(c.kind === 'deleteFolder' ? c.dir : c.file) })) }),
      ...(o.errors && o.errors.length > 0
        ? { errors: o.errors.map((e) => ({ file: e.file ? rel(e.file) : undefined, line: e.line, column: e.column, message: e.message })) }
        : {}),
    })),
  };
}

function diff(changes: FileChange[], root: string, demo: boolean, rel: (f: string) => string): string[] {
  const out: string[] = [];
  if (demo) out.push(`(the bundled demo is never changed: showing what fix would do to ${root})`, '');
  for (const [file, { before, after }] of editedTexts(changes)) {
    out.push(createTwoFilesPatch(`a/${rel(file)}`, `b/${rel(file)}`, before, after, '', '', { context: 3 }).replace(/^=+\n/, ''));
  }
  for (const change of changes) {
    if (change.kind === 'delete') {
      out.push(createTwoFilesPatch(`a/${rel(change.file)}`, '/dev/null', fs.readFileSync(change.file, 'utf8'), '', '', '').replace(/^=+\n/, ''));
    }
    if (change.kind === 'deleteFolder') out.push(`delete folder ${rel(change.dir)}/\n`);
  }
  return out;
}
