#!/usr/bin/env node
// On-save latency through the protocol: starts the real language server
// (`node dist/cli.js lsp --stdio`) on a copy of a corpus, waits for the first
// index, then changes files on disk and sends textDocument/didSave, timing the
// server's reaction to each save: the publishDiagnostics for the saved file
// when its diagnostics change, otherwise the rustConsolidate/status the server
// sends after every update (its filesRead count changes with each save).
//
//   node bench/save.mjs [corpus] [--saves N] [--seed S] [--gap MS] [--timeout S] [--keep] [--dump FILE] [--write]
//
// corpus defaults to .cache/corpus/rust-src (bench/install-corpus.sh installs
// it). It is copied to a temporary directory once, since saves change files,
// and the copy is deleted at the end (--keep leaves it). --dump writes every
// save's figures, and the diagnostics that differ from the first index at the
// end, as JSON. --write replaces the marked section of BENCHMARKS.md.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  ConfigurationRequest,
  DidChangeWatchedFilesNotification,
  DidSaveTextDocumentNotification,
  FileChangeType,
  ExitNotification,
  InitializeRequest,
  InitializedNotification,
  LogMessageNotification,
  NotificationType,
  PublishDiagnosticsNotification,
  RegistrationRequest,
  RequestType0,
  ShowMessageNotification,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
  WorkDoneProgress,
  WorkDoneProgressCreateRequest,
  createProtocolConnection,
} from 'vscode-languageserver-protocol/node';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
const CLI = 'dist/cli.js';
const BENCH_FILE = join(ROOT, 'BENCHMARKS.md');
const START = '<!-- bench:save:start -->';
const END = '<!-- bench:save:end -->';
// The server's own notifications (server/src/protocol.ts), declared here so the bench needs no build of the sources.
const statusNotification = new NotificationType('rustConsolidate/status');
const planViewChangedNotification = new NotificationType('rustConsolidate/planViewChanged');
// A request the server has no handler for: it answers MethodNotFound once its
// event loop gets to it, so the answer says the server is idle again.
const pingRequest = new RequestType0('rustConsolidate/benchPing');
const COPY_CODES = new Set(['duplicate-file', 'near-duplicate-file']);
const SKIP_DIRS = new Set(['target', '.git', 'node_modules']);

const CAPABILITIES = {
  window: { workDoneProgress: true },
  workspace: {
    workspaceFolders: true,
    configuration: true,
    didChangeWatchedFiles: { dynamicRegistration: true },
  },
  textDocument: {
    synchronization: { didSave: true },
    publishDiagnostics: { relatedInformation: true },
  },
};

function parseArgs(argv) {
  const opts = { corpus: '.cache/corpus/rust-src', saves: 100, structural: 10, seed: 1, gap: 200, timeout: 600, keep: false, dump: null, write: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) usage(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--saves') opts.saves = Number(value());
    else if (a === '--seed') opts.seed = Number(value());
    else if (a === '--structural') opts.structural = Number(value());
    else if (a === '--gap') opts.gap = Number(value());
    else if (a === '--timeout') opts.timeout = Number(value());
    else if (a === '--keep') opts.keep = true;
    else if (a === '--dump') opts.dump = value();
    else if (a === '--write') opts.write = true;
    else if (a === '-h' || a === '--help') usage();
    else if (a.startsWith('-')) usage(`unknown flag ${a}`);
    else opts.corpus = a;
  }
  if (!Number.isInteger(opts.saves) || opts.saves < 1) usage('--saves must be a positive integer');
  if (!Number.isInteger(opts.seed)) usage('--seed must be an integer');
  if (!(opts.gap >= 0)) usage('--gap must be a number of milliseconds, 0 or more');
  if (!(opts.timeout > 0)) usage('--timeout must be a positive number of seconds');
  return opts;
}

function usage(error) {
  const text = 'usage: node bench/save.mjs [corpus] [--saves N] [--structural N] [--seed S] [--gap MS] [--timeout SECONDS] [--keep] [--dump FILE] [--write]';
  if (error) {
    console.error(`save.mjs: ${error}\n${text}`);
    process.exit(2);
  }
  console.log(text);
  process.exit(0);
}

/** mulberry32: a small seeded generator, so the same seed picks the same files. */
function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffle(list, rand) {
  const out = [...list];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/** Nearest-rank percentile. */
function percentile(xs, p) {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}

const shellQuote = (s) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const load = () => os.loadavg().map((x) => x.toFixed(2)).join(', ');

/** CPU seconds the whole machine has been busy since boot (/proc/stat counts in USER_HZ, 100 on Linux). */
function machineBusyS() {
  const [, user, nice, system, , , irq, softirq, steal] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).map(Number);
  return (user + nice + system + irq + softirq + steal) / 100;
}

/** CPU seconds (user + system) a process has used, from /proc/<pid>/stat. */
function processCpuS(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** A field of /proc/<pid>/status in MB (VmHWM is the peak resident set, worker threads included). */
function procStatusMB(pid, field) {
  const m = readFileSync(`/proc/${pid}/status`, 'utf8').match(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm'));
  return m ? Number(m[1]) / 1024 : NaN;
}

/** The .rs files under a directory, outside target/, .git/ and node_modules/. */
function rustFiles(dir, out = []) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) {
      if (!SKIP_DIRS.has(e.name)) rustFiles(p, out);
    } else if (e.isFile() && e.name.endsWith('.rs')) out.push(p);
  }
  return out;
}

/** The folder of the nearest Cargo.toml above a file: the package the server says it belongs to. */
function packageDirOf(file, stopAt) {
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'Cargo.toml'))) return dir;
    if (dir === stopAt || dirname(dir) === dir) return undefined;
  }
}

/** The edit a save makes: a small function of its own, under the item thresholds, so it is no copy of anything. */
function appended(original, n) {
  const nl = original.length === 0 || original[original.length - 1] === 10 ? '' : '\n';
  const fn = `${nl}\n// rust-consolidate bench:save edit ${n}\n#[allow(dead_code)]\nfn rust_consolidate_bench_save_${n}() -> u32 {\n    ${n}\n}\n`;
  return Buffer.concat([original, Buffer.from(fn)]);
}

/** The language server on one folder, with what it sent recorded in order and timed. */
class Server {
  constructor(root, timeoutMs) {
    this.root = root;
    this.timeoutMs = timeoutMs;
    this.events = [];
    this.waiters = new Set();
    this.output = [];
    this.diagnostics = new Map();
    this.lastStatus = undefined;
    this.child = spawn(process.execPath, [join(ROOT, CLI), 'lsp', '--stdio'], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    this.exited = new Promise((r) => this.child.on('exit', (code, signal) => {
      this.exitedWith = { code, signal };
      for (const w of [...this.waiters]) {
        this.waiters.delete(w);
        clearTimeout(w.timer);
        w.reject(this.failure(`server exited (code ${code}, signal ${signal}) while waiting for ${w.description}`));
      }
      r();
    }));
    this.child.stderr.setEncoding('utf8');
    this.child.stderr.on('data', (chunk) => this.output.push(...chunk.split('\n').filter(Boolean).map((l) => `[stderr] ${l}`)));
    const c = createProtocolConnection(new StreamMessageReader(this.child.stdout), new StreamMessageWriter(this.child.stdin));
    this.connection = c;
    c.onRequest(WorkDoneProgressCreateRequest.type, ({ token }) => {
      c.onProgress(WorkDoneProgress.type, token, (value) => this.record({ kind: 'progress', value }));
    });
    c.onRequest(RegistrationRequest.type, () => undefined);
    // No settings: the server uses its defaults.
    c.onRequest(ConfigurationRequest.type, ({ items }) => items.map(() => null));
    c.onNotification(PublishDiagnosticsNotification.type, ({ uri, diagnostics }) => {
      this.diagnostics.set(uri, diagnostics);
      this.record({ kind: 'publish', uri, diagnostics });
    });
    c.onNotification(statusNotification, (status) => {
      this.lastStatus = status;
      this.record({ kind: 'status', status });
    });
    c.onNotification(planViewChangedNotification, ({ changed }) => this.record({ kind: 'plan-view', changed }));
    c.onNotification(LogMessageNotification.type, ({ message }) => this.output.push(`[log] ${message}`));
    c.onNotification(ShowMessageNotification.type, ({ message }) => this.output.push(`[show] ${message}`));
    c.onError(([error]) => this.output.push(`[connection] ${error.message}`));
    c.listen();
  }

  get pid() {
    return this.child.pid;
  }

  record(event) {
    const full = { ...event, seq: this.events.length, at: performance.now() };
    this.events.push(full);
    for (const w of [...this.waiters]) {
      if (!w.test(full)) continue;
      this.waiters.delete(w);
      clearTimeout(w.timer);
      w.resolve(full);
    }
  }

  mark() {
    return this.events.length;
  }

  /** The first event at or after `since` that passes the test. */
  waitFor(description, test, since = this.mark(), timeoutMs = this.timeoutMs) {
    const seen = this.events.slice(since).find(test);
    if (seen) return Promise.resolve(seen);
    if (this.exitedWith) return Promise.reject(this.failure(`server had exited before ${description}`));
    return new Promise((resolveWait, reject) => {
      const waiter = {
        description,
        test,
        resolve: resolveWait,
        reject,
        timer: setTimeout(() => {
          this.waiters.delete(waiter);
          reject(this.failure(`timed out after ${timeoutMs} ms waiting for ${description}`));
        }, timeoutMs),
      };
      this.waiters.add(waiter);
    });
  }

  async initialize() {
    const result = await this.connection.sendRequest(InitializeRequest.type, {
      processId: process.pid,
      rootUri: pathToFileURL(this.root).href,
      capabilities: CAPABILITIES,
      workspaceFolders: [{ uri: pathToFileURL(this.root).href, name: this.root.split(sep).pop() }],
    });
    await this.connection.sendNotification(InitializedNotification.type, {});
    return result;
  }

  watched(file, type) {
    return this.connection.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri: pathToFileURL(file).href, type }] });
  }

  didSave(file) {
    return this.connection.sendNotification(DidSaveTextDocumentNotification.type, { textDocument: { uri: pathToFileURL(file).href } });
  }

  /** Resolves when the server has answered a request it has no handler for: it was idle at that point. */
  async ping() {
    try {
      await this.connection.sendRequest(pingRequest);
    } catch {
      // MethodNotFound is the expected answer.
    }
  }

  async stop() {
    if (this.exitedWith) return;
    const guard = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    try {
      await this.connection.sendRequest(ShutdownRequest.type);
      await this.connection.sendNotification(ExitNotification.type);
      await this.exited;
    } catch {
      this.child.kill('SIGKILL');
      await this.exited;
    } finally {
      clearTimeout(guard);
      this.connection.dispose();
    }
  }

  kill() {
    if (!this.exitedWith) this.child.kill('SIGKILL');
  }

  failure(message) {
    return new Error(`${message}\n  server output (last 20 lines):\n    ${this.output.slice(-20).join('\n    ') || '(none)'}`);
  }
}

/** The files the server process loads, hashed: a rebuild during the run shows as a change. */
function distHash() {
  const hash = createHash('sha256');
  for (const f of [CLI, 'dist/cli.bundle.js', 'dist/worker.js', 'dist/worker.bundle.js']) if (existsSync(join(ROOT, f))) hash.update(readFileSync(join(ROOT, f)));
  return hash.digest('hex');
}

/** The commit the build comes from, and the server sources that differ from it. */
function sourceState() {
  const git = (...args) => spawnSync('git', args, { cwd: ROOT, encoding: 'utf8' });
  const head = git('rev-parse', '--short', 'HEAD');
  if (head.status !== 0) return '';
  const dirty = git('status', '--porcelain', '--', 'server', 'scripts', 'package.json').stdout.split('\n').filter(Boolean).map((l) => l.slice(3));
  return `, from commit ${head.stdout.trim()}` + (dirty.length ? ` with uncommitted changes to ${dirty.map((f) => `\`${f}\``).join(', ')}` : '');
}

function summarise(xs) {
  return { n: xs.length, p50: percentile(xs, 50), p95: percentile(xs, 95), max: xs.length ? Math.max(...xs) : NaN };
}

const ms = (x) => (Number.isNaN(x) ? '–' : x < 10 ? x.toFixed(1) : x.toFixed(0));

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const corpusAbs = resolve(opts.corpus);
  if (!existsSync(corpusAbs)) {
    console.error(`save.mjs: no corpus at ${corpusAbs}; run bash bench/install-corpus.sh`);
    process.exit(2);
  }
  if (!existsSync(join(ROOT, CLI))) {
    console.error(`save.mjs: no ${CLI}; run npm run build`);
    process.exit(2);
  }
  const rel = relative(ROOT, corpusAbs);
  const corpus = rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : corpusAbs;
  const buildHash = distHash();
  // dist/cli.js is the loader of the bundle beside it, which holds the code (see server/src/boot/codeCache.ts).
  const bundle = 'dist/cli.bundle.js';
  const build = `\`${bundle}\` built ${statSync(join(ROOT, bundle)).mtime.toISOString().slice(0, 16).replace('T', ' ')} UTC, ` +
    `sha256 ${createHash('sha256').update(readFileSync(join(ROOT, bundle))).digest('hex').slice(0, 12)}${sourceState()}.`;
  const started = new Date();
  const loadBefore = load();
  process.stderr.write(`load average ${loadBefore}\n`);

  const tmp = mkdtempSync(join(os.tmpdir(), 'bench-save-'));
  const work = join(tmp, corpus.split('/').pop());
  let server;
  /** Original contents of the files a save changed, to put back whatever happens. */
  const originals = new Map();
  const cleanUp = () => {
    server?.kill();
    if (opts.keep) {
      for (const [file, text] of originals) writeFileSync(file, text);
      process.stderr.write(`kept the copy at ${work}\n`);
    } else rmSync(tmp, { recursive: true, force: true });
  };
  const onSignal = () => {
    cleanUp();
    process.exit(130);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  try {
    process.stderr.write(`copying ${corpus} to ${work} ... `);
    const t = performance.now();
    const cp = spawnSync('cp', ['-r', corpusAbs, work], { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
    if (cp.status !== 0) throw new Error(`cp -r failed: ${cp.stderr}`);
    process.stderr.write(`${((performance.now() - t) / 1000).toFixed(1)} s\n`);

    // ---- cold index -------------------------------------------------------
    const spawnedAt = performance.now();
    server = new Server(work, opts.timeout * 1000);
    await server.initialize();
    const initializedAt = performance.now();
    const ready = await server.waitFor('the first rustConsolidate/status with state ready', (e) => e.kind === 'status' && e.status.state === 'ready', 0);
    const progressEnd = await server.waitFor('the end of the indexing progress', (e) => e.kind === 'progress' && e.value.kind === 'end', 0);
    await server.ping();
    const idleAt = performance.now();
    const cold = {
      readyMs: ready.at - initializedAt,
      progressEndMs: progressEnd.at - initializedAt,
      idleMs: idleAt - initializedAt,
      fromSpawnMs: ready.at - spawnedAt,
      status: ready.status,
      hwmAfterIndex: procStatusMB(server.pid, 'VmHWM'),
    };
    process.stderr.write(`indexed: ready ${(cold.readyMs / 1000).toFixed(2)} s after initialized (progress end ${(cold.progressEndMs / 1000).toFixed(2)} s, ` +
      `${(cold.fromSpawnMs / 1000).toFixed(2)} s after spawn); ${JSON.stringify(ready.status)}; VmHWM ${cold.hwmAfterIndex.toFixed(0)} MB\n`);

    // ---- the files to save ----------------------------------------------------
    const withDiagnostics = [...server.diagnostics].filter(([, d]) => d.length > 0).map(([uri, d]) => [fileURLToPath(uri), d]);
    const copies = withDiagnostics.filter(([, d]) => d.some((x) => COPY_CODES.has(x.code))).map(([f]) => f).sort();
    const copySet = new Set(copies);
    const others = withDiagnostics.map(([f]) => f).filter((f) => !copySet.has(f)).sort();
    const withSet = new Set(withDiagnostics.map(([f]) => f));
    // Files without diagnostics that the server indexes: those of the packages the
    // files with diagnostics belong to (a file belongs to its nearest package folder).
    const packages = new Set(withDiagnostics.map(([f]) => packageDirOf(f, work)).filter(Boolean));
    const quiet = [...packages].flatMap((dir) => rustFiles(dir).filter((f) => packageDirOf(f, work) === dir && !withSet.has(f))).sort();
    const rand = random(opts.seed);
    // Files over 100 KB among those the server indexes (issue 15 asks for saves of such files too).
    const large = [...new Set([...copies, ...others, ...quiet])].filter((f) => statSync(f).size > 100 * 1024).sort();
    const pools = [
      { name: 'a whole-file copy (duplicate-file or near-duplicate-file)', key: 'copy', files: shuffle(copies, rand) },
      { name: 'a file with other diagnostics (near-miss findings, declaration hints)', key: 'other', files: shuffle(others, rand) },
      { name: 'a file without diagnostics, in a package with some', key: 'quiet', files: shuffle(quiet, rand) },
      { name: 'a file over 100 KB, of any of the kinds above', key: 'large', files: shuffle(large, rand) },
    ].filter((p) => p.files.length > 0);
    process.stderr.write(`pools: ${pools.map((p) => `${p.key} ${p.files.length}`).join(', ')}\n`);

    // Saves go in pairs on one file: append a function, then restore the original.
    const plan = [];
    for (let pair = 0; plan.length < opts.saves; pair++) {
      const pool = pools[pair % pools.length];
      const file = pool.files[Math.floor(pair / pools.length) % pool.files.length];
      plan.push({ pool: pool.key, file, action: 'append' });
      if (plan.length < opts.saves) plan.push({ pool: pool.key, file, action: 'restore' });
    }

    // ---- saves ---------------------------------------------------------------
    const initialDiagnostics = new Map([...server.diagnostics].map(([uri, d]) => [uri, JSON.stringify(d)]));
    const cpuBefore = processCpuS(server.pid);
    const busyBefore = machineBusyS();
    const clientBefore = process.cpuUsage();
    const savesStarted = performance.now();
    const saves = [];
    for (let i = 0; i < plan.length; i++) {
      const step = plan[i];
      const uri = pathToFileURL(step.file).href;
      // Bytes, not text: a file that is not valid UTF-8 is put back as it was.
      if (!originals.has(step.file)) originals.set(step.file, readFileSync(step.file));
      const original = originals.get(step.file);
      const written = step.action === 'append' ? appended(original, i) : original;
      writeFileSync(step.file, written);
      const filesReadBefore = server.lastStatus.filesRead;
      const mark = server.mark();
      const t0 = performance.now();
      await server.didSave(step.file);
      // A save the server does not re-read (a file outside every crate) would send nothing: fail after a while.
      const status = await server.waitFor(`the rustConsolidate/status after saving ${relative(work, step.file)}`,
        (e) => e.kind === 'status' && e.status.filesRead > filesReadBefore, mark, Math.min(opts.timeout, 60) * 1000);
      const publishes = server.events.slice(mark, status.seq).filter((e) => e.kind === 'publish');
      const own = publishes.find((e) => e.uri === uri);
      await server.ping();
      const idle = performance.now();
      const planViews = server.events.slice(mark).filter((e) => e.kind === 'plan-view').length;
      const save = {
        ...step,
        relative: relative(work, step.file),
        bytes: written.length,
        planViews,
        ownChanged: own !== undefined,
        othersChanged: publishes.filter((e) => e.uri !== uri).length,
        // The reaction: the saved file's diagnostics when they changed, else the status.
        reactionMs: (own ?? status).at - t0,
        statusMs: status.at - t0,
        idleMs: idle - t0,
        filesReadDelta: status.status.filesRead - filesReadBefore,
      };
      saves.push(save);
      process.stderr.write(`save ${String(i + 1).padStart(3)}/${plan.length} ${save.action.padEnd(7)} ${save.relative}: ` +
        `${save.reactionMs.toFixed(1)} ms${save.ownChanged ? ' (its diagnostics changed)' : ''}` +
        `${save.othersChanged ? `, ${save.othersChanged} other files republished` : ''}; idle after ${save.idleMs.toFixed(1)} ms; ` +
        `filesRead +${save.filesReadDelta}\n`);
      if (opts.gap > 0) await sleep(opts.gap);
    }
    const savesWall = (performance.now() - savesStarted) / 1000;
    const serverCpu = processCpuS(server.pid) - cpuBefore;
    const clientUsage = process.cpuUsage(clientBefore);
    const clientCpu = (clientUsage.user + clientUsage.system) / 1e6;
    const othersCpu = Math.max(0, machineBusyS() - busyBefore - serverCpu - clientCpu);
    const savesOpen = plan.length % 2 === 1;

    // ---- structural saves: a module file created, the `mod` line that adds it, and both undone -------------
    // In crates with diagnostics: a file the watcher reports created, then the crate root saved with `mod` for it.
    const structural = [];
    const roots = shuffle([...packages].map((dir) => join(dir, 'src', 'lib.rs')).filter((f) => existsSync(f)).sort(), rand).slice(0, opts.structural);
    const react = async (kind, file, send) => {
      const mark = server.mark();
      const t0 = performance.now();
      await send();
      // The server sends its status after every update; a change it ignores would send nothing.
      let status;
      try {
        status = await server.waitFor(`the status after: ${kind} ${relative(work, file)}`, (e) => e.kind === 'status', mark, 10_000);
      } catch {
        status = undefined;
      }
      await server.ping();
      structural.push({ kind, relative: relative(work, file), ms: status ? status.at - t0 : undefined, idleMs: performance.now() - t0 });
      process.stderr.write(`${kind} ${relative(work, file)}: ${status ? `${(status.at - t0).toFixed(1)} ms` : 'no status within 10 s'}\n`);
      if (opts.gap > 0) await sleep(opts.gap);
    };
    for (const [n, root] of roots.entries()) {
      const name = `consolidate_bench_${n}`;
      const created = join(dirname(root), `${name}.rs`);
      if (!originals.has(root)) originals.set(root, readFileSync(root));
      const original = originals.get(root);
      writeFileSync(created, `pub fn ${name}() -> usize {\n    ${n}\n}\n`);
      await react('create a file (watched-file event)', created, () => server.watched(created, FileChangeType.Created));
      writeFileSync(root, Buffer.concat([original, Buffer.from(`\nmod ${name};\n`)]));
      await react('add a mod line for it (didSave)', root, () => server.didSave(root));
      writeFileSync(root, original);
      await react('remove the mod line (didSave)', root, () => server.didSave(root));
      unlinkSync(created);
      await react('delete the file (watched-file event)', created, () => server.watched(created, FileChangeType.Deleted));
    }
    const restored = [...server.diagnostics].filter(([uri, d]) => (initialDiagnostics.get(uri) ?? '[]') !== JSON.stringify(d)).map(([uri]) => uri);
    if (opts.dump) {
      const differ = restored.map((uri) => ({ uri, before: JSON.parse(initialDiagnostics.get(uri) ?? '[]'), after: server.diagnostics.get(uri) }));
      writeFileSync(resolve(opts.dump), JSON.stringify({ cold, saves, differ }, null, 1));
    }
    const hwm = procStatusMB(server.pid, 'VmHWM');
    const rssEnd = procStatusMB(server.pid, 'VmRSS');
    await server.stop();
    const loadAfter = load();
    process.stderr.write(`load average ${loadAfter}\n`);

    // ---- report ----------------------------------------------------------------
    const rows = [
      ['saves that changed the saved file\'s diagnostics: didSave → its publishDiagnostics', saves.filter((s) => s.ownChanged).map((s) => s.reactionMs)],
      ['saves that left its diagnostics as they were: didSave → rustConsolidate/status', saves.filter((s) => !s.ownChanged).map((s) => s.reactionMs)],
      ['all saves: didSave → the reaction above', saves.map((s) => s.reactionMs)],
      ['all saves: didSave → the server idle again (a request after the reaction answered)', saves.map((s) => s.idleMs)],
    ];
    const byPool = pools.map((p) => [`saves of ${p.name}`, saves.filter((s) => s.pool === p.key).map((s) => s.reactionMs)]);
    const KB = 1024;
    const bySize = [[0, 10 * KB, 'under 10 KB'], [10 * KB, 40 * KB, '10–40 KB'], [40 * KB, 100 * KB, '40–100 KB'], [100 * KB, Infinity, 'over 100 KB']]
      .map(([lo, hi, label]) => [`saves of a file of ${label}`, saves.filter((s) => s.bytes >= lo && s.bytes < hi).map((s) => s.reactionMs)])
      .filter(([, xs]) => xs.length > 0);
    const byKind = [...new Set(structural.map((s) => s.kind))].map((kind) => {
      const of = structural.filter((s) => s.kind === kind);
      return [`${kind}: → rustConsolidate/status${of.some((s) => s.ms === undefined) ? ` (${of.filter((s) => s.ms === undefined).length} without one)` : ''}`, of.filter((s) => s.ms !== undefined).map((s) => s.ms)];
    });
    const table = [
      '| saves | n | p50 ms | p95 ms | max ms |',
      '| --- | --- | --- | --- | --- |',
      ...[...rows, ...byPool, ...bySize, ...byKind].map(([name, xs]) => {
        const s = summarise(xs);
        return `| ${name} | ${s.n} | ${ms(s.p50)} | ${ms(s.p95)} | ${ms(s.max)} |`;
      }),
    ];
    const deltas = new Map();
    for (const s of saves) deltas.set(s.filesReadDelta, (deltas.get(s.filesReadDelta) ?? 0) + 1);
    const allOne = deltas.size === 1 && deltas.has(1);
    const changedSaves = saves.filter((s) => s.ownChanged);
    const p50Changed = percentile(changedSaves.map((s) => s.reactionMs), 50);
    const p95Changed = percentile(changedSaves.map((s) => s.reactionMs), 95);
    const slowest = [...saves].sort((a, b) => b.reactionMs - a.reactionMs).slice(0, 5);
    const slow = saves.filter((s) => s.reactionMs >= 50);
    const facts = [
      `- cold index: the first \`rustConsolidate/status\` with state \`ready\` (all first diagnostics published) ${(cold.readyMs / 1000).toFixed(2)} s after ` +
        `\`initialized\` (${(cold.fromSpawnMs / 1000).toFixed(2)} s after the process started); the indexing progress ended at ${(cold.progressEndMs / 1000).toFixed(2)} s. ` +
        `Index: ${cold.status.crates} crates, ${cold.status.files} files, ${cold.status.findings} findings, ${cold.status.filesRead} files read; ` +
        `${withDiagnostics.length} files with diagnostics.`,
      `- server peak RSS (VmHWM of the server process, worker threads included): ${cold.hwmAfterIndex.toFixed(0)} MB after the index, ` +
        `${hwm.toFixed(0)} MB at the end of the saves (RSS then ${rssEnd.toFixed(0)} MB).`,
      `- filesRead grew by ${[...deltas].sort((a, b) => a[0] - b[0]).map(([d, n]) => `${d} on ${n} save${n === 1 ? '' : 's'}`).join(', ')}` +
        (allOne ? ': each save re-read one file, not the workspace.' : ': NOT exactly one per save.'),
      `- saves that changed the saved file's diagnostics: ${changedSaves.length} of ${saves.length}; ` +
        `saves that republished other files: ${saves.filter((s) => s.othersChanged > 0).length} (${saves.reduce((n, s) => n + s.othersChanged, 0)} publishes).`,
      `- after the last save, ${restored.length === 0 ? 'every file\'s diagnostics were as after the first index' : `${restored.length} files' diagnostics differed from after the first index: ${restored.slice(0, 5).map((uri) => `\`${relative(work, fileURLToPath(uri))}\``).join(', ')}${restored.length > 5 ? ', ...' : ''}`}` +
        (savesOpen ? ' (the last save was an append, not restored through the server)' : '') + '.',
      '- target, under 50 ms from a save to its diagnostics: ' +
        (changedSaves.length === 0
          ? 'no save changed the saved file\'s diagnostics. '
          : `${p95Changed < 50 ? 'met' : 'not met'} at p95 by the saves that changed the saved file's diagnostics ` +
            `(p50 ${ms(p50Changed)} ms, p95 ${ms(p95Changed)} ms; their files have a median size of ${(percentile(changedSaves.map((s) => s.bytes), 50) / KB).toFixed(1)} KB). `) +
        (slow.length === 0
          ? 'No save took 50 ms or more.'
          : `${slow.length} of ${saves.length} saves took 50 ms or more: ${slow.map((s) => `\`${s.relative}\` (${(s.bytes / KB).toFixed(0)} KB) ${s.action} ${s.reactionMs.toFixed(0)} ms`).join('; ')}.`),
      `- the ${saves.length} saves took ${savesWall.toFixed(1)} s of wall time with ${opts.gap} ms pauses; the server used ${serverCpu.toFixed(1)} CPU s, ` +
        `this client ${clientCpu.toFixed(1)} CPU s and other processes ${othersCpu.toFixed(1)} CPU s meanwhile (of ${(savesWall * os.cpus().length).toFixed(0)} CPU s the machine had).`,
      `- the slowest saves: ${slowest.map((s) => `\`${s.relative}\` (${(s.bytes / KB).toFixed(0)} KB) ${s.action} ${s.reactionMs.toFixed(0)} ms`).join('; ')}.`,
      `- ${saves.filter((s) => s.planViews > 0).length} saves were followed by a \`rustConsolidate/planViewChanged\` (the whole plan and copies view).`,
      ...(distHash() !== buildHash ? [`- \`dist/\` was rebuilt during the run: the figures are of the build the server loaded at the start, described above.`] : []),
    ];
    const report = [...table, '', ...facts].join('\n');
    console.log(report);

    if (opts.write) {
      const args = process.argv.slice(2).map(shellQuote).join(' ');
      const section = [
        START,
        `## On-save latency on ${corpus.split('/').pop()} (\`npm run bench:save\`)`,
        '',
        `Measured ${started.toISOString().slice(0, 10)} by \`node bench/save.mjs${args ? ` ${args}` : ''}\` on ${os.cpus().length} cores ` +
          `(${os.cpus()[0]?.model.trim()}), ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB of memory, Node ${process.version}. ${build} ` +
          `Load average (1, 5, 15 min) before: ${loadBefore}; after: ${loadAfter}.`,
        '',
        `The bench copies \`${corpus}\` to a temporary folder (saves change files), starts \`node ${CLI} lsp --stdio\` on it as a client would ` +
          '(work-done progress, `workspace/configuration` answered with no settings, dynamic registration of watched files, didSave, workspace folders) ' +
          `and waits for the first index. Then ${saves.length} saves in pairs on one file each, chosen with seed ${opts.seed} in turn among ` +
          `whole-file copies (${copies.length}), files with other diagnostics (${others.length}), files without diagnostics in the same packages (${quiet.length}) ` +
          `and the files of these over 100 KB (${large.length}): ` +
          'append a small function to the file on disk and send `textDocument/didSave`, then write the original back and send it again. ' +
          'A save\'s time runs from didSave to the `publishDiagnostics` for the saved file when its diagnostics changed, otherwise to the ' +
          '`rustConsolidate/status` the server sends after every update (its `filesRead` grows with each save); ' +
          `the next save waits until the server answers a request again, then ${opts.gap} ms. No file-watcher events are sent, so each save is one update. ` +
          `Then, in ${roots.length} crates with diagnostics, four structural changes each: a module file created and reported by a watched-file event, ` +
          'a `mod` line for it appended to the crate\'s src/lib.rs and saved, that line removed and saved, the file deleted and reported; ' +
          'each timed from its notification to the next `rustConsolidate/status`. ' +
          'Percentiles are nearest-rank.',
        '',
        report,
        '',
        'Command (from the repository root; the server is `node dist/cli.js lsp --stdio` on the copy):',
        '',
        '```sh',
        `node bench/save.mjs${args ? ` ${args}` : ''}`,
        '```',
        END,
      ].join('\n');
      let doc = readFileSync(BENCH_FILE, 'utf8');
      const a = doc.indexOf(START);
      const b = doc.indexOf(END);
      doc = a !== -1 && b > a ? doc.slice(0, a) + section + doc.slice(b + END.length) : `${doc.trimEnd()}\n\n${section}\n`;
      writeFileSync(BENCH_FILE, doc);
      process.stderr.write(`wrote ${relative(ROOT, BENCH_FILE)}\n`);
    }
    process.exitCode = allOne ? 0 : 1;
  } catch (e) {
    console.error(`save.mjs: ${e.stack ?? e}`);
    process.exitCode = 1;
  } finally {
    cleanUp();
  }
}

await main();
