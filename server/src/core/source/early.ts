// The first analysis thread, started by an entry point before the rest of its
// bundle loads, for the pool to take (pool.ts): node, the wasm runtime and the
// grammar start in that thread while this one loads the CLI or the server,
// about 0.1 s each on two cores, which a cold check of a small workspace waited
// for one after the other.
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';

let early: { worker: Worker; failed: boolean } | undefined;

/** The worker script beside this module: dist/worker.js in the bundles, worker.js beside it in out/. */
export function workerScript(): string {
  return path.join(__dirname, 'worker.js');
}

/** Starts the thread the pool will take, if the worker script is there. It keeps no process alive. */
export function startEarly(): void {
  if (early || !existsSync(workerScript())) return;
  const worker = new Worker(workerScript());
  worker.unref();
  const started = { worker, failed: false };
  // Until the pool takes it. A thread that failed is not taken: the pool starts its own, and sees why.
  worker.once('error', () => (started.failed = true));
  worker.once('exit', () => (started.failed = true));
  early = started;
}

/** The thread startEarly started, once; undefined if none was, or if it failed. */
export function takeEarly(): Worker | undefined {
  const started = early;
  early = undefined;
  if (!started) return undefined;
  started.worker.removeAllListeners('error');
  started.worker.removeAllListeners('exit');
  if (started.failed) {
    void started.worker.terminate();
    return undefined;
  }
  return started.worker;
}
