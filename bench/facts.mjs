#!/usr/bin/env node
// Whether two builds compute the same facts: every .rs file under the given
// folders analysed by each build's RustParser (out/, from `tsc -b`), with and
// without near-miss, the two results compared as values (typed arrays and
// undefined fields kept, util.isDeepStrictEqual). A change meant only to be
// faster must leave them equal.
//
//   node bench/facts.mjs BUILD_A BUILD_B folder...
//
// A build is a checkout with out/ built, e.g. one laid by
// `git worktree add .cache/base <commit>` with node_modules linked and
// `npx tsc -b` run in it. Each build runs in a thread of its own, as the two
// cannot share web-tree-sitter's module. Exits 1 when any file differs.
import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { isDeepStrictEqual, inspect } from 'node:util';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { ROOT, rustFiles } from './lib.mjs';

const GRAMMAR = join(ROOT, 'grammars', 'tree-sitter-rust.wasm');
/** Files larger than this are read as bytes only by the tool (see bytesOnly.ts): not compared. */
const LARGEST = 2_000_000;

if (!isMainThread) {
  const { RustParser } = createRequire(import.meta.url)(join(workerData, 'out/server/src/core/source/rust.js'));
  const parser = await RustParser.load(GRAMMAR);
  let ms = 0;
  parentPort.on('message', ({ file, nearMiss }) => {
    if (file === null) return parentPort.postMessage({ ms });
    const bytes = readFileSync(file);
    const started = performance.now();
    const facts = parser.analyze(bytes, 'lib_x', nearMiss);
    ms += performance.now() - started;
    parentPort.postMessage({ facts });
  });
  parentPort.postMessage({ ready: true });
} else {
  const [a, b, ...folders] = process.argv.slice(2);
  if (!a || !b || folders.length === 0) {
    console.error('usage: node bench/facts.mjs BUILD_A BUILD_B folder...');
    process.exit(2);
  }
  const files = rustFiles(folders);

  const start = (build) => {
    const worker = new Worker(new URL(import.meta.url), { workerData: resolve(build) });
    const inbox = [];
    const waiting = [];
    worker.on('message', (m) => (waiting.length > 0 ? waiting.shift()(m) : inbox.push(m)));
    worker.on('error', (e) => {
      console.error(`${build}: ${e.message}`);
      process.exit(2);
    });
    return (message) => {
      if (message) worker.postMessage(message);
      return inbox.length > 0 ? Promise.resolve(inbox.shift()) : new Promise((r) => waiting.push(r));
    };
  };
  const [askA, askB] = [start(a), start(b)];
  await Promise.all([askA(), askB()]);
  let same = 0;
  let different = 0;
  for (const file of files) {
    if (statSync(file).size > LARGEST) continue;
    for (const nearMiss of [true, false]) {
      const [{ facts: x }, { facts: y }] = await Promise.all([askA({ file, nearMiss }), askB({ file, nearMiss })]);
      if (isDeepStrictEqual(x, y)) {
        same++;
        continue;
      }
      different++;
      if (different <= 10) {
        const field = Object.keys({ ...x, ...y }).find((k) => !isDeepStrictEqual(x[k], y[k]));
        console.log(`different: ${file} (near-miss ${nearMiss ? 'on' : 'off'}), field ${field}`);
        console.log(`  ${a}: ${inspect(x[field], { depth: 4 }).slice(0, 400)}`);
        console.log(`  ${b}: ${inspect(y[field], { depth: 4 }).slice(0, 400)}`);
      }
    }
  }
  const [{ ms: msA }, { ms: msB }] = [await askA({ file: null }), await askB({ file: null })];
  console.log(`${files.length} files, ${same + different} analyses each: ${same} equal, ${different} different; analysis time ${a} ${Math.round(msA)} ms, ${b} ${Math.round(msB)} ms (the two threads ran together)`);
  process.exit(different > 0 ? 1 : 0);
}
