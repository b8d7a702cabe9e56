#!/usr/bin/env node
// The floor of a cold check: web-tree-sitter's parse of every `.rs` file under
// the folders (outside target/ and .git/, as jscpd reads them), and nothing
// else, on N threads started in this process, each file parsed once. No walk,
// no facts, no index. The wall time counts from this process's start of work to
// the last thread's end, threads' start and grammar load included.
//
//   node bench/parse-floor.mjs [--threads N] folder...
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { ROOT, rustFiles } from './lib.mjs';

const GRAMMAR = join(ROOT, 'grammars', 'tree-sitter-rust.wasm');

if (isMainThread) {
  const started = performance.now();
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { threads: { type: 'string', default: '2' } } });
  if (positionals.length === 0) {
    console.error('usage: node bench/parse-floor.mjs [--threads N] folder...');
    process.exit(2);
  }
  const files = rustFiles(positionals).map((file) => ({ file, bytes: statSync(file).size }));
  // Largest first, each to the thread with the fewest bytes so far.
  const threads = Array.from({ length: Math.max(1, Number(values.threads)) }, () => ({ bytes: 0, files: [] }));
  files.sort((a, b) => b.bytes - a.bytes || a.file.localeCompare(b.file));
  for (const f of files) {
    const least = threads.reduce((a, b) => (a.bytes <= b.bytes ? a : b));
    least.bytes += f.bytes;
    least.files.push(f.file);
  }
  const parses = await Promise.all(
    threads.map((t) => new Promise((done, fail) => new Worker(new URL(import.meta.url), { workerData: t.files }).once('message', done).once('error', fail))),
  );
  const mb = files.reduce((a, f) => a + f.bytes, 0) / 1e6;
  console.log(
    `${files.length} files, ${mb.toFixed(1)} MB, ${threads.length} threads: wall ${Math.round(performance.now() - started)} ms; ` +
      `each thread's parse ${parses.map((ms) => Math.round(ms)).join(', ')} ms (${parses.map((ms, i) => (threads[i].bytes / 1e3 / ms).toFixed(1)).join(', ')} MB/s)`,
  );
} else {
  const { Language, Parser } = await import('web-tree-sitter');
  await Parser.init();
  const parser = new Parser();
  parser.setLanguage(await Language.load(GRAMMAR));
  const started = performance.now();
  for (const file of workerData) parser.parse(readFileSync(file, 'utf8')).delete();
  parentPort.postMessage(performance.now() - started);
}
