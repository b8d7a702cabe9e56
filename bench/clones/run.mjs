#!/usr/bin/env node
// Clone-detection quality benchmark: recall per kind of copy and precision of
// `rust-consolidate check` beside jscpd's, on one synthetic workspace built
// from real Rust sources with copies of known origin injected.
//
//   node bench/clones/run.mjs [--seed S] [--per-kind N] [--decoys N] [--runs N] [--similarity X] [--corpus DIR] [--dir DIR] [--keep] [--write]
//
// Defaults: seed 1, 60 copies per mutation, 30 decoys, 3 timed runs of each tool on
// the workspace (median wall time; the baseline runs once). --similarity is passed
// to `rust-consolidate check` (its diverged-copy threshold, default 0.7).
//
// 1. Picks .rs files of 40-600 lines from rust-src's library/ and compiler/
//    (no tests/benches/examples, no generated files, no out-of-line `mod`,
//    parseable, distinct once whitespace is removed) and spreads them over 8
//    origin crates, each with a Cargo.toml and a lib.rs declaring them.
// 2. Copies N origins per mutation kind into 6 copy crates (which depend on
//    every origin crate): exact; whitespace and comments; import paths; renames;
//    inserted statements; deleted statements; under another file name; a single
//    item appended to an otherwise unrelated file. Origins are all distinct.
// 3. Adds decoys: unrelated corpus files named like origin files, in copy crates.
// 4. Runs both tools twice: on the workspace without the copies (the baseline:
//    origins, decoys, and the item hosts as they were) and with them.
// 5. Scores recall per kind and precision over file pairs (see `score`).
//
// The corpus and jscpd come from bench/install-corpus.sh; dist/cli.js from
// `npm run build`. --write replaces the bench:clones section of BENCHMARKS.md.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { analyze, copyableItems, loadParser, mutateDelete, mutateImports, mutateInsert, mutateRename, mutateWhitespace } from './rust.mjs';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const JSCPD = join(ROOT, '.cache/anchor/node_modules/.bin/jscpd');
const CLI = join(ROOT, 'dist/cli.js');
const BENCH_FILE = join(ROOT, 'BENCHMARKS.md');
const START = '<!-- bench:clones:start -->';
const END = '<!-- bench:clones:end -->';

const KINDS = [
  { id: 'exact', label: 'exact copy' },
  { id: 'whitespace', label: 'whitespace and comments' },
  { id: 'imports', label: 'import paths (`use crate::` → `use <origin lib>::`)' },
  { id: 'rename', label: 'consistent renames (≤ 5 fns or `let` bindings)' },
  { id: 'insert', label: 'inserted statements (1–10% of lines)' },
  { id: 'delete', label: 'deleted statements (1–10% of lines)' },
  { id: 'renamed-file', label: 'exact copy under another file name' },
  { id: 'item', label: 'single item copied into another file' },
];
/** The order origins are drawn in: the pickiest kinds first, so they get the files that qualify. */
const DRAW_ORDER = ['item', 'delete', 'imports', 'insert', 'rename', 'whitespace', 'exact', 'renamed-file'];
const FILE_CODES = new Set(['duplicate-file', 'near-duplicate-file', 'diverged-copy']);
const CLONE_CODES = new Set([...FILE_CODES, 'duplicate-item', 'duplicate-singleton']);
const ORIGIN_CRATES = ['alder', 'birch', 'cedar', 'dogwood', 'elm', 'fir', 'ginkgo', 'hazel'].map((n) => `origin_${n}`);
const COPY_CRATES = ['arrow', 'bolt', 'crane', 'drift', 'ember', 'flint'].map((n) => `copy_${n}`);
const SKIP_DIRS = new Set(['tests', 'test', 'benches', 'examples', 'target', '.git']);
const GENERATED = /@generated|automatically generated|do not edit/i;
const RESERVED = new Set(('as break const continue crate else enum extern false fn for if impl in let loop match mod move mut pub ref return ' +
  'self super static struct trait true type unsafe use where while async await dyn abstract become box do final macro override ' +
  'priv typeof unsized virtual yield try union lib main test tests').split(' '));
/** jscpd as the brief and a user would run it, and with its Type-2/Type-3 options on. */
const JSCPD_VARIANTS = [
  { id: 'jscpd', name: 'jscpd 5.3.3', flags: [] },
  { id: 'jscpd23', name: 'jscpd 5.3.3, Type-2/3 options', flags: ['--ignore-identifiers', '--ignore-literals', '--max-gap-lines', '3'] },
];

function parseArgs(argv) {
  const opts = { seed: '1', perKind: 60, decoys: 30, runs: 3, similarity: null, corpus: join(ROOT, '.cache/corpus/rust-src'), dir: null, keep: false, write: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) usage(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--seed') opts.seed = value();
    else if (a === '--per-kind') opts.perKind = Number(value());
    else if (a === '--decoys') opts.decoys = Number(value());
    else if (a === '--similarity') opts.similarity = value();
    else if (a === '--runs') opts.runs = Number(value());
    else if (a === '--corpus') opts.corpus = resolve(value());
    else if (a === '--dir') opts.dir = resolve(value());
    else if (a === '--keep') opts.keep = true;
    else if (a === '--write') opts.write = true;
    else if (a === '-h' || a === '--help') usage();
    else usage(`unknown argument ${a}`);
  }
  if (!Number.isInteger(opts.perKind) || opts.perKind < 1) usage('--per-kind must be a positive integer');
  if (!Number.isInteger(opts.decoys) || opts.decoys < 0) usage('--decoys must be a whole number');
  if (!Number.isInteger(opts.runs) || opts.runs < 1) usage('--runs must be a positive integer');
  return opts;
}

function usage(error) {
  const text = 'usage: node bench/clones/run.mjs [--seed S] [--per-kind N] [--decoys N] [--runs N] [--similarity X] [--corpus DIR] [--dir DIR] [--keep] [--write]';
  if (error) {
    console.error(`clones: ${error}\n${text}`);
    process.exit(2);
  }
  console.log(text);
  process.exit(0);
}

// ---------------------------------------------------------------------------
// Seeded randomness (sfc32), so a seed gives the same workspace on any machine.

function makeRng(seed) {
  const h = createHash('sha256').update(String(seed)).digest();
  let a = h.readUInt32LE(0);
  let b = h.readUInt32LE(4);
  let c = h.readUInt32LE(8);
  let d = h.readUInt32LE(12);
  const next = () => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  for (let i = 0; i < 16; i++) next();
  const rng = {
    next,
    int: (n) => Math.floor(next() * n),
    uniform: (lo, hi) => lo + next() * (hi - lo),
    pick: (xs) => xs[Math.floor(next() * xs.length)],
    shuffle: (xs) => {
      const out = [...xs];
      for (let i = out.length - 1; i > 0; i--) {
        const j = Math.floor(next() * (i + 1));
        [out[i], out[j]] = [out[j], out[i]];
      }
      return out;
    },
    sample: (xs, k) => rng.shuffle(xs).slice(0, k),
  };
  return rng;
}

// ---------------------------------------------------------------------------
// The corpus: candidate files, in a fixed order before shuffling.

function listCorpus(corpus) {
  const found = [];
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((x, y) => (x.name < y.name ? -1 : 1))) {
      const p = join(dir, e.name);
      if (e.isDirectory()) {
        if (!SKIP_DIRS.has(e.name)) walk(p);
      } else if (e.isFile() && e.name.endsWith('.rs') && e.name !== 'test.rs' && e.name !== 'tests.rs') found.push(p);
    }
  };
  for (const top of ['library', 'compiler']) walk(join(corpus, top));
  const seen = new Set();
  const candidates = [];
  const decoder = new TextDecoder('utf-8', { fatal: true });
  for (const p of found) {
    let text;
    try {
      text = decoder.decode(readFileSync(p));
    } catch {
      continue;
    }
    const lines = text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
    if (lines < 40 || lines > 600 || GENERATED.test(text.slice(0, 1000))) continue;
    const key = createHash('sha1').update(text.replace(/\s+/g, '')).digest('hex');
    if (seen.has(key)) continue;
    seen.add(key);
    candidates.push({ path: relative(corpus, p), text, lines });
  }
  return { scanned: found.length, candidates };
}

function moduleBase(corpusPath) {
  let base = basename(corpusPath, '.rs');
  if (base === 'mod' || base === 'lib' || base === 'main') base = basename(dirname(corpusPath));
  base = base.toLowerCase().replace(/[^a-z0-9_]/g, '_');
  if (/^[0-9]/.test(base)) base = `m${base}`;
  if (RESERVED.has(base)) base = `${base}_rs`;
  return base;
}

// ---------------------------------------------------------------------------
// Building the workspace.

class Workspace {
  constructor() {
    this.crates = new Map();
    for (const name of ORIGIN_CRATES) this.crates.set(name, { name, deps: [], modules: new Map() });
    for (const name of COPY_CRATES) this.crates.set(name, { name, deps: ORIGIN_CRATES, modules: new Map() });
  }

  free(crate, module) {
    return !this.crates.get(crate).modules.has(module);
  }

  /** Adds a module, suffixing the name if the crate has it already; returns the workspace-relative path. */
  add(crate, module, text, { exactName = false } = {}) {
    const modules = this.crates.get(crate).modules;
    let name = module;
    for (let n = 2; modules.has(name); n++) {
      if (exactName) throw new Error(`${crate} has a module ${module} already`);
      name = `${module}_${n}`;
    }
    modules.set(name, text);
    return { path: fileOf(crate, name), module: name };
  }

  write(dir, include) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'Cargo.toml'), `[workspace]\nmembers = ["crates/*"]\nresolver = "2"\n`);
    let files = 0;
    let lines = 0;
    for (const crate of this.crates.values()) {
      const src = join(dir, 'crates', crate.name, 'src');
      mkdirSync(src, { recursive: true });
      const deps = crate.deps.map((d) => `${d} = { path = "../${d}" }\n`).join('');
      writeFileSync(join(dir, 'crates', crate.name, 'Cargo.toml'),
        `[package]\nname = "${crate.name}"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\n${deps}`);
      const mods = [];
      for (const [module, text] of [...crate.modules].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
        const path = fileOf(crate.name, module);
        const content = include(path, text);
        if (content === undefined) continue;
        writeFileSync(join(dir, path), content);
        mods.push(module);
        files++;
        lines += content.split('\n').length;
      }
      writeFileSync(join(src, 'lib.rs'), mods.map((m) => `pub mod ${m};\n`).join(''));
    }
    return { files, lines };
  }
}

const fileOf = (crate, module) => `crates/${crate}/src/${module}.rs`;
const isScaffolding = (path) => path.endsWith('/lib.rs') || path.endsWith('Cargo.toml');

function build(opts, rng, corpus) {
  const perKind = opts.perKind;
  const pool = rng.shuffle(corpus.candidates);
  const factsCache = new Map();
  const facts = (c) => {
    if (!factsCache.has(c.path)) factsCache.set(c.path, analyze(c.text));
    return factsCache.get(c.path);
  };
  const usable = (c) => {
    const f = facts(c);
    return !f.hasError && !f.outOfLineMods;
  };
  const used = new Set();
  const take = (c) => used.add(c.path);
  const injections = [];
  const byKind = Object.fromEntries(KINDS.map((k) => [k.id, []]));
  const fractions = () => rng.uniform(0.01, 0.1);

  for (const kind of DRAW_ORDER) {
    for (const c of pool) {
      if (byKind[kind].length >= perKind) break;
      if (used.has(c.path) || !usable(c)) continue;
      const f = facts(c);
      let mutated;
      if (kind === 'exact' || kind === 'renamed-file') mutated = { text: c.text, detail: 'identical bytes' };
      else if (kind === 'whitespace') mutated = mutateWhitespace(c.text, f, rng);
      else if (kind === 'imports') mutated = { pending: true }; // needs the origin's lib name: done once crates are assigned
      else if (kind === 'rename') mutated = mutateRename(c.text, f, rng);
      else if (kind === 'insert') mutated = mutateInsert(c.text, f, rng, fractions());
      else if (kind === 'delete') mutated = mutateDelete(c.text, f, rng, fractions());
      else if (kind === 'item') {
        const items = copyableItems(f, Math.min(60, Math.floor(0.3 * c.lines)));
        if (items.length === 0) continue;
        const item = rng.pick(items);
        const host = pool.find((h) => !used.has(h.path) && h !== c && item.lines <= 0.3 * h.lines && usable(h));
        if (!host) continue;
        take(host);
        mutated = { item, host, detail: `${item.kind.replace('_item', '')} ${item.name}, ${item.lines} lines, ${item.tokens} tokens` };
      }
      if (kind === 'imports' && f.useCrates.length === 0) continue;
      if (!mutated) continue;
      take(c);
      const injection = { kind, origin: c, mutated };
      byKind[kind].push(injection);
      injections.push(injection);
    }
    if (byKind[kind].length < perKind) throw new Error(`only ${byKind[kind].length} corpus files qualify for ${kind}; lower --per-kind`);
  }

  // Origin crates: the injected origins plus as many other files again as filler (up to 32 a crate), shuffled together.
  const originTarget = Math.max(injections.length, ORIGIN_CRATES.length * 32);
  const originFiles = injections.map((i) => i.origin);
  for (const c of pool) {
    if (originFiles.length >= originTarget) break;
    if (used.has(c.path) || !usable(c)) continue;
    take(c);
    originFiles.push(c);
  }
  const ws = new Workspace();
  const placed = new Map(); // corpus path → { path, module, crate }
  rng.shuffle(originFiles).forEach((c, i) => {
    const crate = ORIGIN_CRATES[i % ORIGIN_CRATES.length];
    const where = ws.add(crate, moduleBase(c.path), c.text);
    placed.set(c.path, { ...where, crate });
  });

  // Copies, each in a copy crate where its module name is free.
  const truth = [];
  for (const inj of injections) {
    const origin = placed.get(inj.origin.path);
    const o = inj.origin;
    if (inj.kind === 'imports') inj.mutated = mutateImports(o.text, facts(o), origin.crate);
    if (inj.kind === 'item') {
      const { item, host } = inj.mutated;
      const crate = rng.pick(COPY_CRATES);
      const hostText = host.text.endsWith('\n') ? host.text : `${host.text}\n`;
      const itemText = o.text.slice(item.textStart, item.textEnd);
      const text = `${hostText}\n${itemText}\n`;
      const hostRows = hostText.split('\n').length - 1; // rows before the blank line
      const itemOffsetRows = item.startRow - o.text.slice(0, item.textStart).split('\n').length + 1;
      const startRow = hostRows + 1 + itemOffsetRows;
      const where = ws.add(crate, moduleBase(host.path), text);
      truth.push({
        kind: 'item', copy: where.path, origin: origin.path, hostCorpus: host.path, originCorpus: o.path, baseText: host.text,
        copyItem: [startRow, startRow + item.lines - 1], originItem: [item.startRow, item.endRow], detail: inj.mutated.detail,
        copyLines: text.split('\n').length,
      });
      continue;
    }
    const module = inj.kind === 'renamed-file' ? `${rng.pick(['shared', 'common', 'support', 'compat', 'vendored', 'helpers', 'legacy', 'imported'])}_${rng.pick(['core', 'impl', 'ops', 'util', 'bits', 'glue'])}` : origin.module;
    // Under the origin's name in a crate where it is free; when every copy crate has it already, suffixed.
    const shuffled = rng.shuffle(COPY_CRATES);
    const crate = shuffled.find((cr) => inj.kind === 'renamed-file' || ws.free(cr, module)) ?? shuffled[0];
    const where = ws.add(crate, module, inj.mutated.text);
    truth.push({
      kind: inj.kind, copy: where.path, origin: origin.path, originCorpus: o.path, detail: inj.mutated.detail,
      copyLines: inj.mutated.text.split('\n').length - (inj.mutated.text.endsWith('\n') ? 1 : 0),
    });
  }

  // Decoys: an unrelated corpus file under an origin's file name, in a copy crate that has no module of that name.
  // A corpus file with the same file name as the origin's is preferred (rust-src has many error.rs, util.rs, mod.rs).
  const decoys = [];
  const originList = [...placed.values()];
  for (const origin of rng.sample(originList, Math.min(opts.decoys, originList.length))) {
    const originCorpus = [...placed].find(([, p]) => p === origin)[0];
    const free = (c) => !used.has(c.path) && usable(c);
    const sameName = pool.find((c) => basename(c.path) === basename(originCorpus) && free(c));
    const decoy = sameName ?? pool.find(free);
    const crate = rng.shuffle(COPY_CRATES).find((cr) => ws.free(cr, origin.module));
    if (!decoy || !crate) continue;
    take(decoy);
    const where = ws.add(crate, origin.module, decoy.text, { exactName: true });
    decoys.push({ path: where.path, corpus: decoy.path, namedAfter: origin.path, originCorpus, sameCorpusName: sameName !== undefined });
  }
  return { ws, truth, decoys, placed, originFiles };
}

// ---------------------------------------------------------------------------
// Running the tools.

function runTimed(argv, { cwd, stdoutFile }) {
  const out = openSync(stdoutFile, 'w');
  const t0 = performance.now();
  const r = spawnSync(argv[0], argv.slice(1), { cwd, stdio: ['ignore', out, 'pipe'], maxBuffer: 1 << 28 });
  const wall = (performance.now() - t0) / 1000;
  closeSync(out);
  if (r.error) throw r.error;
  return { wall, status: r.status, stderr: r.stderr?.toString() ?? '' };
}

function runOurs(ws, tmp, label, opts) {
  const stdoutFile = join(tmp, `ours-${label}.json`);
  const r = runTimed(['node', CLI, 'check', ws, '--format', 'json', ...oursFlags(opts)], { cwd: ROOT, stdoutFile });
  if (r.status !== 0 && r.status !== 1) throw new Error(`rust-consolidate check exited ${r.status}: ${r.stderr.slice(-2000)}`);
  const report = JSON.parse(readFileSync(stdoutFile, 'utf8'));
  const findings = (report.findings ?? []).filter((f) => CLONE_CODES.has(f.code));
  const pairs = new Map();
  for (const f of findings) {
    for (const r of f.related ?? []) {
      if (r.file === f.file || isScaffolding(f.file) || isScaffolding(r.file)) continue;
      const key = pairKey(f.file, r.file);
      if (!pairs.has(key)) pairs.set(key, new Set());
      pairs.get(key).add(f.code);
    }
  }
  return { wall: r.wall, findings, pairs, stats: report.stats };
}

function runJscpd(variant, ws, tmp, label) {
  const output = join(tmp, `${variant.id}-${label}`);
  const argv = [JSCPD, '--format', 'rust', '--reporters', 'json', '--output', output, '--silent', '--no-tips', '--no-colors',
    '--no-gitignore', '--min-tokens', '50', ...variant.flags, '.'];
  const r = runTimed(argv, { cwd: ws, stdoutFile: join(tmp, `${variant.id}-${label}.out`) });
  if (r.status !== 0) throw new Error(`jscpd exited ${r.status}: ${r.stderr.slice(-2000)}`);
  const report = JSON.parse(readFileSync(join(output, 'jscpd-report.json'), 'utf8'));
  const name = (n) => (isAbsolute(n) ? relative(ws, n) : n).split('\\').join('/').replace(/^\.\//, '');
  const clones = report.duplicates.map((d) => ({
    a: { file: name(d.firstFile.name), start: d.firstFile.start, end: d.firstFile.end },
    b: { file: name(d.secondFile.name), start: d.secondFile.start, end: d.secondFile.end },
  }));
  const pairs = new Map();
  for (const c of clones) {
    if (c.a.file === c.b.file || isScaffolding(c.a.file) || isScaffolding(c.b.file)) continue;
    const key = pairKey(c.a.file, c.b.file);
    if (!pairs.has(key)) pairs.set(key, new Set(['clone']));
  }
  return { wall: r.wall, clones, pairs };
}

const oursFlags = (opts) => (opts.similarity ? ['--similarity', opts.similarity] : []);
const pairKey = (a, b) => (a < b ? `${a}\u0000${b}` : `${b}\u0000${a}`);

// ---------------------------------------------------------------------------
// Scoring.

/**
 * Who may stand for the origin in a detection: the origin itself, or a file the
 * same tool already linked to it in the baseline (an exact copy in rust-src
 * itself: jscpd links a block to one earlier occurrence only, and it may be that one).
 */
function standIns(t, baseline) {
  const found = new Set([t.origin]);
  for (const key of baseline.pairs.keys()) {
    const [a, b] = key.split('\u0000');
    if (a === t.origin) found.add(b);
    else if (b === t.origin) found.add(a);
  }
  found.delete(t.copy);
  return found;
}

/** Ours: a file-level finding on the copy relating the origin, or on the origin relating the copy. */
function oursDetects(t, run, baseline) {
  return oursFinding(t, run, baseline) !== undefined;
}

function oursFinding(t, run, baseline) {
  const origins = standIns(t, baseline);
  const within = (line, [a, b]) => line >= a && line <= b;
  return run.findings.find((f) => {
    if (t.kind === 'item') {
      if (f.code !== 'duplicate-item') return false;
      // On the copied item and relating the original item, or the other way round.
      if (f.file === t.copy && within(f.range.start.line, t.copyItem)) {
        return f.related.some((r) => (r.file === t.origin && within(r.range.start.line, t.originItem)) || (r.file !== t.origin && origins.has(r.file)));
      }
      return f.file === t.origin && within(f.range.start.line, t.originItem) && f.related.some((r) => r.file === t.copy && within(r.range.start.line, t.copyItem));
    }
    if (!FILE_CODES.has(f.code)) return false;
    const related = new Set(f.related.map((r) => r.file));
    return (f.file === t.copy && [...origins].some((o) => related.has(o))) || (origins.has(f.file) && related.has(t.copy));
  });
}

/** jscpd: clone pairs between copy and origin covering half the copy's lines, or overlapping the copied item on both sides. */
function jscpdDetects(t, run, baseline) {
  const origins = standIns(t, baseline);
  const linking = run.clones.filter((c) => (c.a.file === t.copy && origins.has(c.b.file)) || (c.b.file === t.copy && origins.has(c.a.file)));
  const sides = linking.map((c) => (c.a.file === t.copy ? [c.a, c.b] : [c.b, c.a]));
  if (t.kind === 'item') {
    // jscpd lines are 1-based; ours 0-based. The origin side is checked only when it is the origin itself.
    const overlaps = (s, [a, b]) => s.start <= b + 1 && s.end >= a + 1;
    return sides.some(([copy, origin]) => overlaps(copy, t.copyItem) && (origin.file !== t.origin || overlaps(origin, t.originItem)));
  }
  const covered = new Set();
  for (const [copy] of sides) for (let l = copy.start; l <= copy.end; l++) covered.add(l);
  return covered.size >= 0.5 * t.copyLines;
}

/**
 * Precision over file pairs: every (file, related file) of our clone findings,
 * every (first, second) file of jscpd's clone pairs, lib.rs scaffolding left
 * out. A pair is true when both files come from one origin (the origin, its
 * copy, the file its item was copied into). A pair that is not true is excused
 * when the corpus files behind it were already reported as a pair by the same
 * tool in the baseline run, directly or through a third file linked to both
 * (they are alike in rust-src itself); any other pair is a false positive.
 */
function score(run, baseline, truth) {
  const neighbours = new Map();
  for (const key of baseline.pairs.keys()) {
    const [a, b] = key.split('\u0000');
    for (const [x, y] of [[a, b], [b, a]]) {
      if (!neighbours.has(x)) neighbours.set(x, new Set());
      neighbours.get(x).add(y);
    }
  }
  // Linked in the baseline directly, or through one file both are linked to (jscpd pairs each block with one other copy only).
  const alike = (x, y) => {
    const nx = neighbours.get(x);
    const ny = neighbours.get(y);
    return !!nx && !!ny && (nx.has(y) || [...nx].some((z) => ny.has(z)));
  };
  const families = new Map(); // file → origin it derives from
  const bases = new Map(); // file → the baseline files it stands for
  for (const t of truth) {
    families.set(t.copy, t.origin);
    families.set(t.origin, t.origin);
    bases.set(t.copy, t.kind === 'item' ? [t.copy, t.origin] : [t.origin]);
  }
  let truePairs = 0;
  let excused = 0;
  const falsePairs = [];
  for (const [key, codes] of run.pairs) {
    const [a, b] = key.split('\u0000');
    if (families.has(a) && families.get(a) === families.get(b)) {
      truePairs++;
      continue;
    }
    const ba = bases.get(a) ?? [a];
    const bb = bases.get(b) ?? [b];
    if (ba.some((x) => bb.some((y) => x === y || alike(x, y)))) {
      excused++;
      continue;
    }
    falsePairs.push({ a, b, codes: [...codes] });
  }
  const reported = truePairs + falsePairs.length;
  return { reported: run.pairs.size, truePairs, excused, falsePairs, precision: reported ? truePairs / reported : 1, alike };
}

// ---------------------------------------------------------------------------
// The tool's own similarity of each copy to its origin, for the misses: computed
// with the compiled analyser (out/, written by `tsc -b`), when it is there.

async function toolSimilarity() {
  const rustJs = join(ROOT, 'out/server/src/core/source/rust.js');
  const winnowJs = join(ROOT, 'out/server/src/core/source/winnow.js');
  if (!existsSync(rustJs) || !existsSync(winnowJs)) return undefined;
  const require = createRequire(import.meta.url);
  const { RustParser } = require(rustJs);
  const { similarity } = require(winnowJs);
  const parser = await RustParser.load();
  const stale = statSync(winnowJs).mtimeMs < statSync(join(ROOT, 'server/src/core/source/winnow.ts')).mtimeMs;
  return {
    stale,
    of(textA, libA, textB, libB) {
      const a = parser.analyze(Buffer.from(textA), libA, true);
      const b = parser.analyze(Buffer.from(textB), libB, true);
      return similarity(a.fingerprints, b.fingerprints);
    },
    dispose: () => parser.dispose(),
  };
}

// ---------------------------------------------------------------------------

const shellQuote = (s) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);
const f2 = (x) => x.toFixed(2);

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  for (const [what, p, how] of [['corpus', opts.corpus, 'bash bench/install-corpus.sh'], ['jscpd', JSCPD, 'bash bench/install-corpus.sh'], ['CLI', CLI, 'npm run build']]) {
    if (!existsSync(p)) {
      console.error(`clones: no ${what} at ${p}; run ${how}`);
      process.exit(2);
    }
  }
  const started = new Date();
  const load = () => os.loadavg().map((x) => x.toFixed(2)).join(', ');
  const loadBefore = load();
  await loadParser();
  const rng = makeRng(opts.seed);
  process.stderr.write(`reading ${opts.corpus}/{library,compiler} ... `);
  const corpus = listCorpus(opts.corpus);
  process.stderr.write(`${corpus.scanned} .rs files, ${corpus.candidates.length} candidates\n`);
  const { ws, truth, decoys, originFiles } = build(opts, rng, corpus);

  const tmp = opts.dir ?? mkdtempSync(join(os.tmpdir(), 'bench-clones-'));
  mkdirSync(tmp, { recursive: true });
  const baseDir = join(tmp, 'baseline');
  const wsDir = join(tmp, 'workspace');
  const injectedPaths = new Set(truth.filter((t) => t.kind !== 'item').map((t) => t.copy));
  const hostBase = new Map(truth.filter((t) => t.kind === 'item').map((t) => [t.copy, t.baseText]));
  const baseSize = ws.write(baseDir, (path, text) => (injectedPaths.has(path) ? undefined : hostBase.get(path) ?? text));
  const wsSize = ws.write(wsDir, (_, text) => text);
  writeFileSync(join(tmp, 'truth.json'), JSON.stringify({ seed: opts.seed, truth: truth.map(({ baseText, ...t }) => t), decoys }, null, 1));
  process.stderr.write(`workspace ${wsDir}: ${wsSize.files} files, ${wsSize.lines} lines; baseline ${baseSize.files} files\n`);

  const runs = {};
  const baselines = {};
  process.stderr.write('baseline: rust-consolidate ... ');
  baselines.ours = runOurs(baseDir, tmp, 'baseline', opts);
  process.stderr.write(`${baselines.ours.findings.length} findings, ${f2(baselines.ours.wall)} s\n`);
  for (const v of JSCPD_VARIANTS) {
    process.stderr.write(`baseline: ${v.name} ... `);
    baselines[v.id] = runJscpd(v, baseDir, tmp, 'baseline');
    process.stderr.write(`${baselines[v.id].clones.length} clones, ${f2(baselines[v.id].wall)} s\n`);
  }
  // The workspace runs are repeated for the timings (median wall); the reports are the same each time.
  const walls = { ours: [], ...Object.fromEntries(JSCPD_VARIANTS.map((v) => [v.id, []])) };
  for (let i = 0; i < opts.runs; i++) {
    process.stderr.write(`workspace, run ${i + 1}/${opts.runs}: rust-consolidate ... `);
    runs.ours = runOurs(wsDir, tmp, 'workspace', opts);
    walls.ours.push(runs.ours.wall);
    process.stderr.write(`${runs.ours.findings.length} findings, ${f2(runs.ours.wall)} s`);
    for (const v of JSCPD_VARIANTS) {
      runs[v.id] = runJscpd(v, wsDir, tmp, 'workspace');
      walls[v.id].push(runs[v.id].wall);
      process.stderr.write(`; ${v.name} ${runs[v.id].clones.length} clones, ${f2(runs[v.id].wall)} s`);
    }
    process.stderr.write('\n');
  }
  const median = (xs) => {
    const sorted = [...xs].sort((a, b) => a - b);
    const m = sorted.length >> 1;
    return sorted.length % 2 ? sorted[m] : (sorted[m - 1] + sorted[m]) / 2;
  };
  for (const id of Object.keys(walls)) runs[id].wall = median(walls[id]);

  const tools = [{ id: 'ours', name: 'rust-consolidate', detects: oursDetects }, ...JSCPD_VARIANTS.map((v) => ({ id: v.id, name: v.name, detects: jscpdDetects }))];
  for (const t of truth) t.found = Object.fromEntries(tools.map((tool) => [tool.id, tool.detects(t, runs[tool.id], baselines[tool.id])]));

  // The tool's similarity for every file-level copy (what decides diverged-copy).
  const sim = await toolSimilarity().catch((e) => {
    process.stderr.write(`similarity diagnostics unavailable: ${e.message}\n`);
    return undefined;
  });
  if (sim) {
    const crateOf = (p) => p.split('/')[1];
    for (const t of truth) {
      if (t.kind === 'item') continue;
      t.similarity = sim.of(readFileSync(join(wsDir, t.origin), 'utf8'), crateOf(t.origin), readFileSync(join(wsDir, t.copy), 'utf8'), crateOf(t.copy));
    }
    sim.dispose();
  }

  // Tables.
  const recall = (kind, id) => {
    const ts = truth.filter((t) => t.kind === kind);
    return ts.filter((t) => t.found[id]).length / ts.length;
  };
  const rows = [
    `| mutation | N | ${tools.map((t) => `${t.name} recall`).join(' | ')} |`,
    `| --- | --- | ${tools.map(() => '---').join(' | ')} |`,
  ];
  for (const k of KINDS) {
    const n = truth.filter((t) => t.kind === k.id).length;
    rows.push(`| ${k.label} | ${n} | ${tools.map((tool) => f2(recall(k.id, tool.id))).join(' | ')} |`);
  }
  const all = (id) => truth.filter((t) => t.found[id]).length / truth.length;
  rows.push(`| **all** | ${truth.length} | ${tools.map((tool) => `**${f2(all(tool.id))}**`).join(' | ')} |`);

  const scores = Object.fromEntries(tools.map((tool) => [tool.id, score(runs[tool.id], baselines[tool.id], truth)]));
  const precisionRows = [
    `| tool | file pairs reported | true | false positives | excused (alike in the baseline) | precision | wall s, workspace (median of ${opts.runs}) | wall s, baseline |`,
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...tools.map((tool) => {
      const s = scores[tool.id];
      return `| ${tool.name} | ${s.reported} | ${s.truePairs} | ${s.falsePairs.length} | ${s.excused} | ${f2(s.precision)} | ${f2(runs[tool.id].wall)} | ${f2(baselines[tool.id].wall)} |`;
    }),
  ];

  // Details: how ours found each kind, the similarity spread, the misses.
  const details = [];
  for (const k of KINDS) {
    const ts = truth.filter((t) => t.kind === k.id);
    const codes = {};
    for (const t of ts) {
      const c = oursFinding(t, runs.ours, baselines.ours)?.code ?? 'missed';
      codes[c] = (codes[c] ?? 0) + 1;
    }
    const sims = ts.map((t) => t.similarity).filter((x) => x !== undefined).sort((a, b) => a - b);
    const spread = sims.length ? `; similarity min ${f2(sims[0])}, median ${f2(sims[sims.length >> 1])}` : '';
    details.push(`- ${k.label}: ${Object.entries(codes).map(([c, n]) => `${c} ${n}`).join(', ')}${spread}`);
  }
  for (const kind of ['insert', 'delete']) {
    const ts = truth.filter((t) => t.kind === kind);
    const hi = ts.filter((t) => Number(t.detail.match(/\(([\d.]+)% of/)[1]) >= 5);
    if (hi.length) details.push(`- ${kind === 'insert' ? 'inserted' : 'deleted'} statements, the ${hi.length} copies changed at 5–10% of their lines: ` +
      tools.map((tool) => `${tool.name} ${f2(hi.filter((t) => t.found[tool.id]).length / hi.length)}`).join(', '));
  }
  // The tool reports copies across crates only: a finding relating a file of its own crate breaks that promise.
  const crateOf = (p) => p.split('/')[1];
  const sameCrate = runs.ours.findings.filter((f) => f.code !== 'duplicate-singleton' && f.related.some((r) => crateOf(r.file) === crateOf(f.file)));
  if (sameCrate.length) {
    details.push(`- ${sameCrate.length} rust-consolidate findings relate a location in their own crate (not counted above; the tool reports copies across crates): ` +
      sameCrate.slice(0, 3).map((f) => `${f.code} on \`${f.file}:${f.range.start.line + 1}\` relating ` +
        f.related.filter((r) => crateOf(r.file) === crateOf(f.file)).map((r) => `\`${r.file}:${r.range.start.line + 1}\``).join(', ')).join('; '));
  }
  // Decoys: reported with the origin they are named after, and whether that is excused (alike in rust-src itself).
  details.push(`- decoys (${decoys.length}) reported with the origin they are named after: ` + tools.map((tool) => {
    const named = decoys.filter((d) => runs[tool.id].pairs.has(pairKey(d.path, d.namedAfter)));
    const excusedDecoys = named.filter((d) => scores[tool.id].alike(d.path, d.namedAfter));
    return `${tool.name} ${named.length}${named.length ? ` (${excusedDecoys.length} of them alike in rust-src itself, in its baseline)` : ''}`;
  }).join(', '));
  const misses = truth.filter((t) => !t.found.ours);
  const missLines = misses.map((t) => `- ${t.kind}: \`${t.copy}\` from \`${t.origin}\` (rust-src \`${t.originCorpus}\`): ${t.detail}` +
    (t.similarity !== undefined ? `; similarity ${f2(t.similarity)}` : ''));
  const fpLines = scores.ours.falsePairs.map((p) => `- \`${p.a}\` and \`${p.b}\` (${p.codes.join(', ')})`);
  const jscpdFp = JSCPD_VARIANTS.filter((v) => scores[v.id].falsePairs.length).map((v) =>
    `- ${v.name}: ${scores[v.id].falsePairs.slice(0, 3).map((p) => `\`${p.a}\` and \`${p.b}\``).join('; ')}` +
    (scores[v.id].falsePairs.length > 3 ? ` and ${scores[v.id].falsePairs.length - 3} more` : ''));

  const report = [
    ...rows,
    '',
    ...precisionRows,
    '',
    'How rust-consolidate reported the copies it found, and the similarity its fingerprints give each file-level copy:',
    '',
    ...details,
    '',
    misses.length ? `rust-consolidate missed ${misses.length}:` : 'rust-consolidate missed none.',
    ...(misses.length ? ['', ...missLines] : []),
    '',
    fpLines.length ? `rust-consolidate's false positives (${fpLines.length}):` : 'rust-consolidate reported no false positive.',
    ...(fpLines.length ? ['', ...fpLines] : []),
    ...(jscpdFp.length ? ['', 'jscpd\'s false positives:', '', ...jscpdFp] : []),
  ].join('\n');
  console.log(report);
  if (sim?.stale) process.stderr.write('note: out/ is older than server/src/core/source/winnow.ts; the similarity column may not match dist/cli.js\n');

  if (opts.write) {
    const cliInfo = `\`dist/cli.js\` built ${statSync(CLI).mtime.toISOString().slice(0, 16).replace('T', ' ')} UTC, ` +
      `sha256 ${createHash('sha256').update(readFileSync(CLI)).digest('hex').slice(0, 12)}`;
    const sameName = decoys.filter((d) => d.sameCorpusName).length;
    const section = [
      START,
      '## Clone detection quality (`npm run bench:clones`)',
      '',
      `Measured ${started.toISOString().slice(0, 10)} by \`node bench/clones/run.mjs ${process.argv.slice(2).map(shellQuote).join(' ')}\` (seed ${opts.seed}) ` +
        `on ${os.cpus().length} cores (${os.cpus()[0]?.model.trim()}), Node ${process.version}; ${cliInfo}. ` +
        `Load average (1, 5, 15 min) before: ${loadBefore}; after: ${load()}. Wall times are measured by the harness around each process.`,
      '',
      `The workspace is built from rust-src 1.63 (\`.cache/corpus/rust-src\`): of ${corpus.scanned} \`.rs\` files under \`library/\` and \`compiler/\`, ` +
        `the ${corpus.candidates.length} of 40–600 lines outside \`tests/\`, \`test/\`, \`benches/\` and \`examples/\`, not generated and distinct once whitespace is removed; ` +
        'files that do not parse or declare out-of-line `mod`s are skipped. ' +
        `${originFiles.length} of them are spread over ${ORIGIN_CRATES.length} origin crates; ${truth.length} copies (${opts.perKind} per mutation, each of a different origin) ` +
        `go to ${COPY_CRATES.length} copy crates that depend on every origin crate, with ${decoys.length} decoys: unrelated corpus files named like an origin file ` +
        `(${sameName} of them a rust-src file of that same name), in a copy crate. ` +
        `The workspace has ${wsSize.files} \`.rs\` files and ${wsSize.lines} lines; the baseline (no copies, item hosts as they were) ${baseSize.files} files.`,
      '',
      'Mutations: whitespace = indentation rewritten (tabs, 2 or 8 spaces), half the comment lines dropped, comment and blank lines added at 5% of lines; ' +
        'renames = up to 5 function or `let` names renamed at every use; inserted = `let _unused_N = ...;` lines before statements of function bodies; ' +
        'deleted = `let` and expression statements of function bodies removed; the changed share of lines is drawn uniformly in 1–10%; ' +
        'single item = a top-level fn, impl, struct, enum or trait of at least 6 lines and 50 tokens appended to an unrelated corpus file.',
      '',
      'Detected: by rust-consolidate, a `duplicate-file`, `near-duplicate-file` or `diverged-copy` finding on the copy relating the origin, or on the origin relating the copy ' +
        '(a `duplicate-item` finding on the item\'s lines, for single items); by jscpd, clone pairs between copy and origin covering at least half the copy\'s lines ' +
        '(overlapping the item\'s lines on both sides, for single items). Precision counts file pairs: (file, related file) of every clone finding, (first, second) of every jscpd clone. ' +
        'A pair is true when both files derive from one origin; a pair the same tool already reported between the underlying corpus files in the baseline run is excused (they are alike in rust-src itself); any other is a false positive.',
      '',
      report,
      '',
      'Commands (from the repository, $REPO; each tool ran on the baseline, then on the workspace):',
      '',
      '```sh',
      ['node dist/cli.js check $WS --format json', ...oursFlags(opts), '> ours.json'].join(' '),
      ...JSCPD_VARIANTS.map((v) => `(cd $WS && $REPO/${relative(ROOT, JSCPD)} ${['--format', 'rust', '--reporters', 'json', '--output', '$OUT', '--silent', '--no-tips', '--no-colors', '--no-gitignore', '--min-tokens', '50', ...v.flags, '.'].join(' ')})`),
      '```',
      END,
    ].join('\n');
    let doc = existsSync(BENCH_FILE) ? readFileSync(BENCH_FILE, 'utf8') : '# Benchmarks\n';
    const a = doc.indexOf(START);
    const b = doc.indexOf(END);
    doc = a !== -1 && b > a ? doc.slice(0, a) + section + doc.slice(b + END.length) : `${doc.trimEnd()}\n\n${section}\n`;
    writeFileSync(BENCH_FILE, doc);
    process.stderr.write(`wrote ${relative(ROOT, BENCH_FILE)}\n`);
  }
  if (opts.keep || opts.dir) process.stderr.write(`kept ${tmp} (workspace/, baseline/, truth.json, tool reports)\n`);
  else rmSync(tmp, { recursive: true, force: true });
}

await main();
