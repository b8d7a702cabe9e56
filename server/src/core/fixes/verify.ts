// A fix proven by the compiler, as `cargo fix` proves its own: write the edit,
// run `cargo check` on every workspace the index holds, and write back every
// byte when the check fails, is interrupted or runs past its time limit.
// Static reasoning misses what only cargo sees (build scripts, macros,
// features); this catches it.
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { applyChanges } from './apply';
import type { Precondition, Snapshot } from './apply';
import type { FileChange } from './fixes';

export interface CheckSettings {
  /** The program, `cargo` unless told otherwise. */
  command: string;
  /** Its arguments before the ones added here (--manifest-path, --message-format, --offline, --features). */
  args: string[];
  offline: boolean;
  /** Each entry one more check with `--features <entry>`; none: one check with the default features. */
  featureSets: string[];
  timeoutSeconds: number;
}

export const DEFAULT_CHECK: CheckSettings = {
  command: 'cargo',
  args: ['check', '--workspace', '--all-targets'],
  offline: true,
  featureSets: [],
  timeoutSeconds: 600,
};

export interface CompilerError {
  /** Absolute, when the compiler named a file. */
  file?: string;
  line?: number;
  column?: number;
  message: string;
}

export type CheckResult =
  | { outcome: 'passed'; commandLine: string }
  | { outcome: 'failed'; commandLine: string; errors: CompilerError[] }
  | { outcome: 'interrupted' | 'timed out' | 'not run'; commandLine: string; reason: string };

/** Where each check starts, for a front that shows progress (and a test that waits on it). */
export type CheckStarted = (commandLine: string) => void;

let queue: Promise<unknown> = Promise.resolve();

/** Runs the checks one after another, never two at once in this process: a second waits for the first. */
function oneAtATime<T>(work: () => Promise<T>): Promise<T> {
  const run = queue.then(work, work);
  queue = run.catch(() => undefined);
  return run;
}

/**
 * Runs the check on each workspace root manifest, for each feature set, and
 * stops at the first that does not pass. `signal` interrupts it: the running
 * cargo and everything it started (rustc, build scripts) are killed.
 */
export function runChecks(manifests: string[], settings: CheckSettings, signal?: AbortSignal, started?: CheckStarted): Promise<CheckResult> {
  return oneAtATime(async () => {
    let last: CheckResult = { outcome: 'passed', commandLine: '' };
    const sets = settings.featureSets.length > 0 ? settings.featureSets : [undefined];
    for (const manifest of manifests) {
      for (const features of sets) {
        last = await runCheck(manifest, settings, features, signal, started);
        if (last.outcome !== 'passed') return last;
      }
    }
    return last;
  });
}

function runCheck(
  manifest: string,
  settings: CheckSettings,
  features: string | undefined,
  signal: AbortSignal | undefined,
  started: CheckStarted | undefined,
): Promise<CheckResult> {
  const args = [
    ...settings.args,
    '--manifest-path',
    manifest,
    '--message-format=json',
    ...(settings.offline ? ['--offline'] : []),
    ...(features === undefined ? [] : ['--features', features]),
  ];
  const commandLine = [settings.command, ...args].join(' ');
  if (signal?.aborted) return Promise.resolve({ outcome: 'interrupted', commandLine, reason: 'the check was interrupted' });
  return new Promise((resolve) => {
    // Its own process group, so that killing it kills the rustc and build scripts it runs.
    const child = spawn(settings.command, args, {
      cwd: path.dirname(manifest),
      env: { ...process.env, CARGO_TERM_COLOR: 'never', PATH: pathWithCargoHome() },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: process.platform !== 'win32',
    });
    started?.(commandLine);
    let stdout = '';
    let stderr = '';
    let stopped: 'interrupted' | 'timed out' | undefined;
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const stop = (why: 'interrupted' | 'timed out') => {
      stopped ??= why;
      killGroup(child.pid, 'SIGTERM');
      setTimeout(() => killGroup(child.pid, 'SIGKILL'), 3000).unref();
    };
    const onAbort = () => stop('interrupted');
    signal?.addEventListener('abort', onAbort);
    const timer = setTimeout(() => stop('timed out'), settings.timeoutSeconds * 1000);
    child.on('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      const reason = e.code === 'ENOENT' ? `${settings.command} was not found` : `${settings.command} could not be started: ${e.message}`;
      resolve({ outcome: 'not run', commandLine, reason });
    });
    child.on('close', (code, killedBy) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      if (stopped === 'timed out') {
        resolve({ outcome: 'timed out', commandLine, reason: `the check ran past its time limit of ${settings.timeoutSeconds} s` });
      } else if (stopped === 'interrupted' || (code === null && killedBy)) {
        resolve({ outcome: 'interrupted', commandLine, reason: `the check was interrupted${killedBy ? ` (${killedBy})` : ''}` });
      } else if (code === 0) {
        resolve({ outcome: 'passed', commandLine });
      } else {
        resolve({ outcome: 'failed', commandLine, errors: compilerErrors(stdout, stderr, path.dirname(manifest)) });
      }
    });
  });
}

function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(process.platform === 'win32' ? pid : -pid, signal);
  } catch {
    // Already gone.
  }
}

/** rustup puts cargo in ~/.cargo/bin, which an editor's environment often lacks. */
function pathWithCargoHome(): string {
  const bin = path.join(process.env.CARGO_HOME ?? path.join(os.homedir(), '.cargo'), 'bin');
  const current = process.env.PATH ?? '';
  return current.split(path.delimiter).includes(bin) ? current : [current, bin].filter((p) => p !== '').join(path.delimiter);
}

const MAX_ERRORS = 5;

/**
 * The compiler's first errors, from cargo's JSON messages; cargo's own errors
 * (a manifest it rejects, a build script that panics) are text on stderr.
 */
export function compilerErrors(stdout: string, stderr: string, root: string): CompilerError[] {
  const errors: CompilerError[] = [];
  for (const line of stdout.split('\n')) {
    if (errors.length >= MAX_ERRORS) break;
    if (!line.startsWith('{')) continue;
    let message: { reason?: string; message?: RustcMessage };
    try {
      message = JSON.parse(line) as typeof message;
    } catch {
      continue;
    }
    if (message.reason !== 'compiler-message' || message.message?.level !== 'error') continue;
    const span = message.message.spans?.find((s) => s.is_primary) ?? message.message.spans?.[0];
    errors.push({
      file: span ? path.resolve(root, span.file_name) : undefined,
      line: span?.line_start,
      column: span?.column_start,
      message: message.message.message,
    });
  }
  if (errors.length > 0) return errors;
  const text = stderr.split('\n');
  for (let i = 0; i < text.length && errors.length < MAX_ERRORS; i++) {
    if (!/^error\b/.test(text[i])) continue;
    // A build script that panics says why on the line after "panicked at".
    const panic = text.slice(i + 1, i + 16).findIndex((l) => /panicked at/.test(l));
    const why = panic >= 0 ? text[i + 2 + panic]?.trim() : undefined;
    errors.push({ message: [text[i].replace(/^error:\s*/, ''), why].filter((s) => s).join(': ') });
  }
  if (errors.length === 0) errors.push({ message: stderr.trim().split('\n').slice(-3).join(' ') || 'the check failed without a message' });
  return errors;
}

interface RustcMessage {
  level: string;
  message: string;
  spans?: { file_name: string; line_start: number; column_start: number; is_primary: boolean }[];
}

export type VerifiedOutcome =
  | { outcome: 'verified'; commandLine: string }
  | { outcome: 'unverified'; reason: string }
  /** `brokenByFix`: the check passes without the edit, so the edit is what broke it. */
  | { outcome: 'rolled back'; reason: string; errors: CompilerError[]; brokenByFix?: boolean }
  | { outcome: 'refused'; reason: string };

export interface VerifyRequest {
  changes: FileChange[];
  preconditions: Precondition[];
  /** The workspace root manifests to check. */
  manifests: string[];
  settings: CheckSettings;
  /** Skip the check (--no-verify): the edit is applied and said to be unverified. */
  skip?: boolean;
  /** Write every file back even when the check passes: a trial of one part of the edit. */
  trial?: boolean;
  /** The check is known to pass on the original files: no second check to tell why it failed. */
  baselinePasses?: boolean;
  display: (file: string) => string;
  signal?: AbortSignal;
  started?: CheckStarted;
}

/**
 * Applies the changes and checks them. On anything but a passed check every
 * file is written back (the lock files a check writes too), and the check is
 * run once more on the original files to tell a fix that breaks the build
 * from a workspace that did not build before it.
 */
export async function applyAndVerify(request: VerifyRequest): Promise<VerifiedOutcome> {
  const { changes, preconditions, manifests, settings, display } = request;
  const result = applyChanges(changes, preconditions, display);
  if ('refused' in result) return { outcome: 'refused', reason: result.refused };
  const snapshot = result.applied;
  if (request.skip) return { outcome: 'unverified', reason: 'not checked with cargo (--no-verify)' };
  const locks = lockFiles(manifests);
  locks.forEach((f) => snapshot.keep(f));
  const check = await runChecks(manifests, settings, request.signal, request.started);
  if (check.outcome === 'passed') {
    if (request.trial) rollBack(snapshot, display);
    return { outcome: 'verified', commandLine: check.commandLine };
  }
  const lost = rollBack(snapshot, display);
  if (check.outcome === 'not run') {
    return { outcome: 'rolled back', reason: `could not verify: ${check.reason}${lost}; pass --no-verify to apply it unchecked`, errors: [] };
  }
  if (check.outcome !== 'failed') return { outcome: 'rolled back', reason: `${check.reason}${lost}`, errors: [] };
  const baseline = request.baselinePasses
    ? ({ outcome: 'passed', commandLine: check.commandLine } as const)
    : await withLocksKept(locks, () => runChecks(manifests, settings, request.signal));
  const first = describe(check.errors[0], display);
  if (baseline.outcome !== 'passed') {
    return {
      outcome: 'rolled back',
      reason: `could not verify: ${check.commandLine} fails without the fix too (${first})${lost}; fix the build first, or pass --no-verify`,
      errors: check.errors,
    };
  }
  return { outcome: 'rolled back', reason: `${check.commandLine} failed with the fix: ${first}${lost}`, errors: check.errors, brokenByFix: true };
}

function rollBack(snapshot: Snapshot, display: (file: string) => string): string {
  const failures = snapshot.restore();
  return failures.length > 0 ? `; COULD NOT WRITE BACK ${failures.map(display).join(', ')}` : '';
}

async function withLocksKept<T>(locks: string[], work: () => Promise<T>): Promise<T> {
  const kept: [string, Buffer | undefined][] = locks.map((f) => [f, fs.existsSync(f) ? fs.readFileSync(f) : undefined]);
  try {
    return await work();
  } finally {
    for (const [file, bytes] of kept) {
      if (bytes === undefined) fs.rmSync(file, { force: true });
      else fs.writeFileSync(file, bytes);
    }
  }
}

/** `Cargo.lock` beside each root manifest: a check may create or update it. */
function lockFiles(manifests: string[]): string[] {
  return manifests.map((m) => path.join(path.dirname(m), 'Cargo.lock'));
}

export function describe(error: CompilerError | undefined, display: (file: string) => string): string {
  if (!error) return 'no error message';
  const at = error.file ? `${display(error.file)}${error.line ? `:${error.line}${error.column ? `:${error.column}` : ''}` : ''}: ` : '';
  return `${at}${error.message}`;
}

/**
 * Files git reports changed or untracked under `root`; undefined when `root`
 * is not in a git work tree (or git is missing): such a workspace is verified
 * and rolled back from the snapshot alone.
 */
export function uncommittedChanges(root: string): string[] | undefined {
  const inside = spawnSync('git', ['rev-parse', '--is-inside-work-tree'], { cwd: root, encoding: 'utf8' });
  if (inside.error || inside.status !== 0 || inside.stdout.trim() !== 'true') return undefined;
  const status = spawnSync('git', ['status', '--porcelain', '--untracked-files=normal', '--', '.'], { cwd: root, encoding: 'utf8' });
  if (status.error || status.status !== 0) return undefined;
  return status.stdout
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => l.slice(3));
}
