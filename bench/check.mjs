#!/usr/bin/env node
// Whole-process benchmark of `rust-consolidate check` against the anchor,
// jscpd 5.3.3, on one corpus. Each run is wrapped in `/usr/bin/time -v` (wall
// time, peak RSS); runs alternate anchor/ours so both see the same page cache.
//
//   node bench/check.mjs [corpus] [--runs N] [--only anchor|ours|wholeFiles] [--timeout S] [--write]
//
// corpus defaults to .cache/corpus/rust-src (bench/install-corpus.sh installs
// it and the anchor). --write replaces the marked section of BENCHMARKS.md.
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { BENCH_FILE, CLI, CLI_BUNDLE, JSCPD, ROOT, median, shellQuote, timed, warmUp } from './lib.mjs';

const START = '<!-- bench:check:start -->';
const END = '<!-- bench:check:end -->';

function parseArgs(argv) {
  const opts = { corpus: '.cache/corpus/rust-src', runs: 3, only: null, timeout: 300, write: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) usage(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--runs') opts.runs = Number(value());
    else if (a === '--only') opts.only = value();
    else if (a === '--timeout') opts.timeout = Number(value());
    else if (a === '--write') opts.write = true;
    else if (a === '-h' || a === '--help') usage();
    else if (a.startsWith('-')) usage(`unknown flag ${a}`);
    else opts.corpus = a;
  }
  if (!Number.isInteger(opts.runs) || opts.runs < 1) usage('--runs must be a positive integer');
  if (!(opts.timeout > 0)) usage('--timeout must be a positive number of seconds');
  if (opts.only && !['anchor', 'ours', 'wholeFiles', 'warm'].includes(opts.only)) usage('--only takes anchor, ours, wholeFiles or warm');
  return opts;
}

function usage(error) {
  const text = 'usage: node bench/check.mjs [corpus] [--runs N] [--only anchor|ours|wholeFiles|warm] [--timeout SECONDS] [--write]';
  if (error) {
    console.error(`check.mjs: ${error}\n${text}`);
    process.exit(2);
  }
  console.log(text);
  process.exit(0);
}

function tools(corpus, tmp) {
  const table = {
    anchor: {
      name: 'jscpd 5.3.3',
      argv: (i) => [JSCPD, '--format', 'rust', '--ignore', '**/target/**,**/.git/**', '--reporters', 'json',
        '--output', join(tmp, `jscpd-${i}`), '--silent', '--no-tips', '--no-colors', corpus],
      // jscpd exits 0 whatever it finds (no --exit-code).
      ok: (r) => r.exit === 0,
      found: (i) => {
        const t = JSON.parse(readFileSync(join(tmp, `jscpd-${i}`, 'jscpd-report.json'), 'utf8')).statistics.total;
        return `${t.clones} clones (block pairs), ${t.duplicatedLines} duplicated lines of ${t.lines} in ${t.sources} files analysed`;
      },
    },
    ours: {
      name: 'rust-consolidate',
      // Cold: no fact cache read or written.
      argv: () => ['node', CLI, 'check', corpus, '--format', 'json', '--no-cache'],
      // 1 means "findings reported", as for a linter.
      ok: (r) => r.exit === 0 || r.exit === 1,
      found: (i, run) => {
        const report = JSON.parse(readFileSync(run.stdoutFile, 'utf8'));
        const s = report.stats ?? {};
        const findings = report.findings ?? report.diagnostics ?? [];
        const byCode = {};
        for (const f of findings) byCode[f.code] = (byCode[f.code] ?? 0) + 1;
        const codes = Object.entries(byCode).sort((a, b) => b[1] - a[1]).map(([c, n]) => `${c} ${n}`).join(', ');
        return `${s.crates} crates, ${s.files} files, ${s.lines} lines, ${s.duplicatedLines} duplicated lines; ` +
          `${findings.length} findings${codes ? ` (${codes})` : ''}` +
          (s.elapsedMs !== undefined ? `; its own stats.elapsedMs ${s.elapsedMs}` : '');
      },
    },
  };
  // The same check without the near-miss analysis (diverged copies, items,
  // singletons): what that analysis costs is the ratio of the two.
  const ours = table.ours;
  table.wholeFiles = { ...ours, name: 'rust-consolidate --no-near-miss', argv: () => [...ours.argv(), '--no-near-miss'] };
  // A restart: the fact cache filled by one untimed run before the first (see main).
  const cache = join(tmp, 'facts');
  table.warm = { ...ours, name: 'rust-consolidate, warm cache', prime: true, argv: () => ['node', CLI, 'check', corpus, '--format', 'json', '--cache-dir', cache] };
  return table;
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const corpusAbs = resolve(opts.corpus);
  if (!existsSync(corpusAbs)) {
    console.error(`check.mjs: no corpus at ${corpusAbs}; run bash bench/install-corpus.sh`);
    process.exit(2);
  }
  // Commands run from the repository root; show the corpus relative to it when inside.
  const rel = relative(ROOT, corpusAbs);
  const corpus = rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : corpusAbs;
  const which = opts.only ? [opts.only] : ['anchor', 'ours', 'wholeFiles', 'warm'];
  if (which.includes('anchor') && !existsSync(join(ROOT, JSCPD))) {
    console.error(`check.mjs: no ${JSCPD}; run bash bench/install-corpus.sh`);
    process.exit(2);
  }
  if ((which.includes('ours') || which.includes('wholeFiles')) && !existsSync(join(ROOT, CLI))) {
    console.error(`check.mjs: no ${CLI}; run npm run build`);
    process.exit(2);
  }

  // The CLI is rebuilt often: say which build was measured.
  const build = which.some((k) => k !== 'anchor')
    ? ` \`${CLI_BUNDLE}\` built ${statSync(join(ROOT, CLI_BUNDLE)).mtime.toISOString().slice(0, 16).replace('T', ' ')} UTC, ` +
      `sha256 ${createHash('sha256').update(readFileSync(join(ROOT, CLI_BUNDLE))).digest('hex').slice(0, 12)}.`
    : '';
  const tmp = mkdtempSync(join(os.tmpdir(), 'bench-check-'));
  const all = tools(corpus, tmp);
  const started = new Date();
  // Other processes on a 2-core machine skew every figure: keep the load beside them.
  const load = () => os.loadavg().map((x) => x.toFixed(2)).join(', ');
  const loadBefore = load();
  process.stderr.write(`load average ${loadBefore}\nwarm-up: reading every .rs file and Cargo.toml under ${corpus} once ... `);
  const tree = warmUp(corpusAbs);
  process.stderr.write(`${tree.files} files, ${tree.lines} lines\n`);

  for (const key of which.filter((k) => all[k].prime)) {
    process.stderr.write(`priming ${all[key].name} (untimed) ... `);
    const run = await timed(all[key].argv('prime'), { stdoutFile: join(tmp, `${key}-prime.out`), timeoutS: opts.timeout });
    process.stderr.write(`${run.wall.toFixed(2)} s\n`);
  }
  const runs = Object.fromEntries(which.map((k) => [k, []]));
  const failures = {};
  for (let i = 0; i < opts.runs; i++) {
    for (const key of which) {
      if (failures[key]) continue;
      const tool = all[key];
      const run = await timed(tool.argv(i), { stdoutFile: join(tmp, `${key}-${i}.out`), timeoutS: opts.timeout });
      const how = run.timedOut ? `killed after ${opts.timeout} s` : run.signal !== null ? `signal ${run.signal}` : `exit ${run.exit}`;
      process.stderr.write(`run ${i + 1}/${opts.runs} ${tool.name}: ${run.wall.toFixed(2)} s, ${run.rssMB.toFixed(0)} MB, ${how}; ` +
        `other processes used ${run.othersCpu.toFixed(1)} CPU s meanwhile\n`);
      if (run.timedOut || !tool.ok(run)) {
        failures[key] = { run: i + 1, how, stderrTail: run.stderrTail };
        process.stderr.write(`${run.stderrTail}\n`);
        continue;
      }
      try {
        run.found = tool.found(i, run);
      } catch (e) {
        run.found = `unreadable report: ${e.message}`;
      }
      runs[key].push(run);
    }
  }

  const summary = {};
  for (const key of which) {
    const rs = runs[key];
    if (!rs.length) continue;
    const walls = rs.map((r) => r.wall);
    summary[key] = {
      n: rs.length, wall: median(walls), min: Math.min(...walls), max: Math.max(...walls),
      cpu: median(rs.map((r) => r.cpu)), others: median(rs.map((r) => r.othersCpu)), rss: median(rs.map((r) => r.rssMB)), found: rs.at(-1).found,
    };
  }
  const loadAfter = load();
  process.stderr.write(`load average ${loadAfter}\n`);
  const ratio = (key, f) => (summary.anchor && summary[key] ? `${(summary[key][f] / summary.anchor[f]).toFixed(2)}×` : '');
  const lines = [
    '| tool | runs | median wall s | min | max | median CPU s (user+sys) | median peak RSS MB | ours/jscpd wall | ours/jscpd RSS | median CPU s of other processes during a run |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const key of which) {
    const s = summary[key];
    const name = all[key].name;
    if (!s) lines.push(`| ${name} | 0 | failed | | | | | | | |`);
    else lines.push(`| ${name} | ${s.n} | ${s.wall.toFixed(2)} | ${s.min.toFixed(2)} | ${s.max.toFixed(2)} | ${s.cpu.toFixed(2)} | ` +
      `${s.rss.toFixed(0)} | ${key !== 'anchor' ? ratio(key, 'wall') : ''} | ${key !== 'anchor' ? ratio(key, 'rss') : ''} | ${s.others.toFixed(1)} |`);
  }
  if (summary.ours && summary.wholeFiles) {
    lines.push('', `- the near-miss analysis costs ${(summary.ours.wall / summary.wholeFiles.wall).toFixed(2)}× the wall time of the check without it ` +
      `(${(summary.ours.cpu / summary.wholeFiles.cpu).toFixed(2)}× the CPU time).`);
  }
  if (summary.ours && summary.warm) {
    lines.push(`- a warm start (every file's facts in the cache) takes ${(summary.warm.wall / summary.ours.wall).toFixed(2)}× the cold wall time ` +
      `(${(summary.warm.cpu / summary.ours.cpu).toFixed(2)}× the CPU time).`);
  }
  const found = which.filter((k) => summary[k]).map((k) => `- ${all[k].name} found: ${summary[k].found}`);
  const failed = which.filter((k) => failures[k]).map((k) =>
    `- ${all[k].name} failed on run ${failures[k].run} (${failures[k].how}); stderr tail:\n\n\`\`\`\n${failures[k].stderrTail || '(empty)'}\n\`\`\``);
  const report = [...lines, '', ...found, ...failed].join('\n');
  console.log(report);

  if (opts.write) {
    const cmds = which.map((k) => all[k].argv('N').map(shellQuote).join(' ').replace(tmp, '$TMP') + (k !== 'anchor' ? ` > $TMP/${k}.json` : ''));
    const section = [
      START,
      `## \`check\` on ${corpus.split('/').pop()}`,
      '',
      `Measured ${started.toISOString().slice(0, 10)} by \`node bench/check.mjs ${process.argv.slice(2).map(shellQuote).join(' ')}\`` +
        ` on ${os.cpus().length} cores (${os.cpus()[0]?.model.trim()}), ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB of memory, Node ${process.version}.${build}`,
      `Corpus \`${corpus}\`: ${tree.files} \`.rs\` files, ${tree.lines} lines (${(tree.bytes / 2 ** 20).toFixed(0)} MiB), outside \`target/\` and \`.git/\`.`,
      'Every `.rs` file and `Cargo.toml` was read once before the first run, so all runs see the files in the page cache; ' +
        'runs alternate jscpd and ours. Each command ran under `/usr/bin/time -v` from the repository root; ' +
        `wall time and peak RSS are its figures, medians of ${opts.runs} runs. ` +
        `Load average (1, 5, 15 min) before: ${loadBefore}; after: ${loadAfter}.`,
      '',
      report,
      '',
      'Commands:',
      '',
      '```sh',
      ...cmds,
      '```',
      END,
    ].join('\n');
    let doc = existsSync(BENCH_FILE)
      ? readFileSync(BENCH_FILE, 'utf8')
      : '# Benchmarks\n\nFigures from the scripts in `bench/`, rewritten by them between their markers. ' +
        'Install the corpora and the anchor first: `bash bench/install-corpus.sh`.\n';
    const a = doc.indexOf(START);
    const b = doc.indexOf(END);
    doc = a !== -1 && b > a ? doc.slice(0, a) + section + doc.slice(b + END.length) : `${doc.trimEnd()}\n\n${section}\n`;
    writeFileSync(BENCH_FILE, doc);
    process.stderr.write(`wrote ${relative(ROOT, BENCH_FILE)}\n`);
  }
  rmSync(tmp, { recursive: true, force: true });
  process.exitCode = Object.keys(failures).length ? 1 : 0;
}

await main();
