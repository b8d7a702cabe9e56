#!/usr/bin/env node
// Where a build's analysis of a file goes, as shares of RustParser.analyze in
// a CPU profile of one thread: each function's inclusive time over the
// samples taken inside `analyze`. A share moves far less than wall time on a
// noisy machine, so two builds are compared by profiling them alternately.
//
//   node bench/analysis-profile.mjs [--rounds N] [--top N] [--functions f,g,...] BUILD folder...
//
// BUILD is a checkout with out/ built (`npx tsc -b`). The files are analysed
// `--rounds` times (2 by default; the first warms V8 and wasm up, and is
// profiled too). Without `--functions`, the `--top` functions by inclusive
// time are listed (wasm functions by their number in the module).
import { readFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ROOT, rustFiles } from './lib.mjs';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { rounds: { type: 'string', default: '2' }, top: { type: 'string', default: '25' }, functions: { type: 'string' } } });
const [build, ...folders] = positionals;
const wanted = values.functions ? values.functions.split(',') : [];
if (!build || folders.length === 0) {
  console.error('usage: node bench/analysis-profile.mjs [--rounds N] [--top N] [--functions f,g,...] BUILD folder...');
  process.exit(2);
}
const files = rustFiles(folders);

const { RustParser } = createRequire(import.meta.url)(join(resolve(build), 'out/server/src/core/source/rust.js'));
const parser = await RustParser.load(join(ROOT, 'grammars', 'tree-sitter-rust.wasm'));
const texts = files.map((f) => readFileSync(f));
const session = new Session();
session.connect();
await session.post('Profiler.enable');
await session.post('Profiler.setSamplingInterval', { interval: 200 });
await session.post('Profiler.start');
const rounds = [];
for (let r = 0; r < Number(values.rounds); r++) {
  const started = performance.now();
  for (const bytes of texts) parser.analyze(bytes, 'lib_x', true);
  rounds.push(Math.round(performance.now() - started));
}
const { profile } = await session.post('Profiler.stop');
session.disconnect();

// Inclusive time of each function name over the samples inside `analyze`, a frame counted once per sample.
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const inclusive = new Map();
let total = 0;
for (let i = 0; i < profile.samples.length; i++) {
  const dt = profile.timeDeltas[i + 1] ?? 0;
  const names = [];
  for (let id = profile.samples[i]; id !== undefined; id = parent.get(id)) names.push(byId.get(id).callFrame.functionName || '(anonymous)');
  if (!names.includes('analyze')) continue;
  total += dt;
  for (const name of new Set(names)) inclusive.set(name, (inclusive.get(name) ?? 0) + dt);
}
const share = (name) => `${name} ${((100 * (inclusive.get(name) ?? 0)) / total).toFixed(1)}%`;
const shown = wanted.length > 0 ? wanted : [...inclusive].filter(([n]) => !['analyze', '(root)', '(anonymous)'].includes(n) && !n.startsWith('js-to-wasm')).sort((x, y) => y[1] - x[1]).slice(0, Number(values.top)).map(([n]) => n);
console.log(`${build}: ${files.length} files, rounds ${rounds.join(', ')} ms; analyze ${Math.round(total / 1000)} ms in the profile`);
console.log(shown.map(share).join('; '));
