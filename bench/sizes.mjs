#!/usr/bin/env node
// `rust-consolidate check` against jscpd 5.3.3 on workspaces of every size, as
// whole processes: the bundled demo, a 50k-line and a 650k-line workspace
// assembled from Debian's librust-*-dev sources, rust-src's compiler/ and
// src/tools/ alone, and the fetched public workspaces when they are laid out
// (bench/precision/install.sh). Runs alternate jscpd, ours cold (--no-cache)
// and ours warm (a cache folder filled by one untimed run).
//
//   node bench/sizes.mjs [--runs N] [--write]
//
// --write replaces the marked section of BENCHMARKS.md.
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join, relative, resolve } from 'node:path';
import { BENCH_FILE, CLI, CLI_BUNDLE, JSCPD, ROOT, median, timed, warmUp } from './lib.mjs';

const START = '<!-- bench:sizes:start -->';
const END = '<!-- bench:sizes:end -->';

/** Each workspace, and the bound issue 15 sets for it: a ratio to jscpd's wall time, or seconds. */
const WORKSPACES = [
  { name: 'the demo', path: 'demo/rust', bound: { seconds: 0.5 } },
  { name: 'debian-small (Debian: regex, aho-corasick, memchr, log, once_cell)', path: '.cache/corpus/debian-small', bound: { seconds: 0.5 } },
  { name: 'rust-src src/tools/', path: '.cache/corpus/rust-src/src/tools', bound: { ratio: 1.5 } },
  { name: 'rust-src compiler/', path: '.cache/corpus/rust-src/compiler', bound: { ratio: 1.5 } },
  { name: 'debian-crates (46 crates of Debian)', path: '.cache/corpus/debian-crates', bound: { ratio: 1.5 } },
  { name: 'nushell 3e1172d43cab (fetched)', path: '/work/corpus/nushell', bound: { ratio: 1.5 } },
  { name: 'wasmtime e6b33de5139d (fetched)', path: '/work/corpus/wasmtime', bound: { ratio: 1.5 } },
];

function parseArgs(argv) {
  const opts = { runs: 3, write: false, timeout: 300 };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--runs') opts.runs = Number(argv[++i]);
    else if (argv[i] === '--write') opts.write = true;
    else {
      console.error('usage: node bench/sizes.mjs [--runs N] [--write]');
      process.exit(2);
    }
  }
  if (!Number.isInteger(opts.runs) || opts.runs < 1) {
    console.error('sizes.mjs: --runs must be a positive integer');
    process.exit(2);
  }
  return opts;
}

const argvOf = {
  jscpd: (corpus, tmp, i) => [JSCPD, '--format', 'rust', '--ignore', '**/target/**,**/.git/**', '--reporters', 'json',
    '--output', join(tmp, `jscpd-${i}`), '--silent', '--no-tips', '--no-colors', corpus],
  cold: (corpus) => ['node', CLI, 'check', corpus, '--format', 'json', '--no-cache'],
  warm: (corpus, tmp) => ['node', CLI, 'check', corpus, '--format', 'json', '--cache-dir', join(tmp, 'facts')],
};
// jscpd exits 0 whatever it finds; ours exits 1 when it reports findings.
const ok = { jscpd: (r) => r.exit === 0, cold: (r) => r.exit === 0 || r.exit === 1, warm: (r) => r.exit === 0 || r.exit === 1 };

async function measure(workspace, opts) {
  const tmp = mkdtempSync(join(os.tmpdir(), 'bench-sizes-'));
  try {
    const tree = warmUp(resolve(ROOT, workspace.path));
    await timed(argvOf.warm(workspace.path, tmp), { stdoutFile: join(tmp, 'prime.out'), timeoutS: opts.timeout });
    const runs = { jscpd: [], cold: [], warm: [] };
    let report;
    for (let i = 0; i < opts.runs; i++) {
      for (const tool of ['jscpd', 'cold', 'warm']) {
        const run = await timed(argvOf[tool](workspace.path, tmp, i), { stdoutFile: join(tmp, `${tool}-${i}.out`), timeoutS: opts.timeout });
        if (run.timedOut || !ok[tool](run)) throw new Error(`${tool} on ${workspace.path} failed (exit ${run.exit}, signal ${run.signal}):\n${run.stderrTail}`);
        runs[tool].push(run);
        if (tool === 'cold') report = JSON.parse(readFileSync(run.stdoutFile, 'utf8'));
      }
    }
    const med = (tool, f) => median(runs[tool].map((r) => r[f]));
    const row = {
      ...workspace,
      tree,
      crates: report.stats.crates,
      files: report.stats.files,
      lines: report.stats.lines,
      findings: report.findings.length,
      jscpd: { wall: med('jscpd', 'wall'), rss: med('jscpd', 'rssMB') },
      cold: { wall: med('cold', 'wall'), cpu: med('cold', 'cpu'), rss: med('cold', 'rssMB') },
      warm: { wall: med('warm', 'wall'), rss: med('warm', 'rssMB') },
    };
    process.stderr.write(`${workspace.name}: jscpd ${row.jscpd.wall.toFixed(2)} s, ours cold ${row.cold.wall.toFixed(2)} s, warm ${row.warm.wall.toFixed(2)} s\n`);
    return row;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

function verdict(row) {
  const ratio = row.cold.wall / row.jscpd.wall;
  if (row.bound.seconds !== undefined) return row.cold.wall <= row.bound.seconds ? `met (≤ ${row.bound.seconds} s)` : `not met (≤ ${row.bound.seconds} s)`;
  return ratio <= row.bound.ratio ? `met (≤ ${row.bound.ratio}×)` : `not met (≤ ${row.bound.ratio}×)`;
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (!existsSync(join(ROOT, JSCPD)) || !existsSync(join(ROOT, CLI))) {
    console.error(`sizes.mjs: needs ${JSCPD} (bash bench/install-corpus.sh) and ${CLI} (npm run build)`);
    process.exit(2);
  }
  const started = new Date();
  const rows = [];
  const skipped = [];
  for (const workspace of WORKSPACES) {
    if (!existsSync(resolve(ROOT, workspace.path))) skipped.push(workspace);
    else rows.push(await measure(workspace, opts));
  }
  const lines = [
    '| workspace | crates | files (ours) | lines (ours) | `.rs` lines (all) | jscpd wall s | ours cold wall s | ours/jscpd | ours cold CPU s | ours warm wall s | peak RSS MB jscpd / ours | findings | issue 15 bound |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows.map((r) => `| ${r.name} | ${r.crates} | ${r.files} | ${r.lines} | ${r.tree.lines} | ${r.jscpd.wall.toFixed(2)} | ${r.cold.wall.toFixed(2)} | ` +
      `${(r.cold.wall / r.jscpd.wall).toFixed(2)}× | ${r.cold.cpu.toFixed(2)} | ${r.warm.wall.toFixed(2)} | ${r.jscpd.rss.toFixed(0)} / ${r.cold.rss.toFixed(0)} | ${r.findings} | ${verdict(r)} |`),
  ];
  if (skipped.length > 0) lines.push('', `Not laid out on this machine, so not measured: ${skipped.map((w) => `${w.name} (\`${w.path}\`)`).join(', ')}.`);
  const table = lines.join('\n');
  console.log(table);
  if (!opts.write) return;
  const build = `\`${CLI_BUNDLE}\` built ${statSync(join(ROOT, CLI_BUNDLE)).mtime.toISOString().slice(0, 16).replace('T', ' ')} UTC, ` +
    `sha256 ${createHash('sha256').update(readFileSync(join(ROOT, CLI_BUNDLE))).digest('hex').slice(0, 12)}`;
  const section = [
    START,
    '## `check` on workspaces of every size',
    '',
    `Measured ${started.toISOString().slice(0, 10)} by \`node bench/sizes.mjs --runs ${opts.runs} --write\` on ${os.cpus().length} cores (${os.cpus()[0]?.model.trim()}), ` +
      `Node ${process.version}; ${build}. Whole processes under \`/usr/bin/time -v\`, medians of ${opts.runs} runs alternating jscpd, ours cold (\`--no-cache\`) and ours warm ` +
      '(a cache folder one untimed run filled); every file was read once before, so all runs see the page cache. ' +
      'jscpd reads every `.rs` file under the folder; ours, those that belong to a crate.',
    '',
    table,
    END,
  ].join('\n');
  let doc = readFileSync(BENCH_FILE, 'utf8');
  const a = doc.indexOf(START);
  const b = doc.indexOf(END);
  doc = a !== -1 && b > a ? doc.slice(0, a) + section + doc.slice(b + END.length) : doc.replace('<!-- bench:check:end -->', `<!-- bench:check:end -->\n\n${section}`);
  writeFileSync(BENCH_FILE, doc);
  process.stderr.write(`wrote ${relative(ROOT, BENCH_FILE)}\n`);
}

await main();
