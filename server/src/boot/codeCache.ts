// The bundles' entry points (dist/cli.js, dist/server.js, dist/worker.js) are
// this loader: it runs the bundle beside it (dist/cli.bundle.js, ...) with
// V8's code cache of it, which the build wrote (scripts/bundle.mjs). Without
// a cache V8 parses a bundle of 1.5 MB before running it, and again each
// function when it is first called: on the demo, about 90 ms of a 0.6 s check
// and 130 ms of its CPU (BENCHMARKS.md).
//
// A cache is used only when its header holds the sha1 of the bundle it was made
// from and the sha1 of its own bytes: V8 itself checks only the source's length,
// its own version and its flags, and rejects the rest. A missing, corrupt,
// truncated or foreign cache is ignored, and the bundle compiled as without one.
// It never changes what the bundle does: only how soon it starts.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import Module from 'node:module';
import * as path from 'node:path';
import * as vm from 'node:vm';
import { isMainThread, parentPort, threadId } from 'node:worker_threads';

const MAGIC = Buffer.from('RCV8');
/** MAGIC, the bundle's sha1 (20 bytes), the payload's sha1 (20 bytes). */
const HEADER = MAGIC.length + 20 + 20;

/**
 * Set by the build's training run (scripts/bundle.mjs), which runs the CLI on the demo: a cache made after
 * the bundle ran holds the functions it compiled, not only its top level.
 */
export const TRAIN = 'RUST_CONSOLIDATE_TRAIN_CODE_CACHE';

const sha1 = (bytes: Uint8Array): Buffer => createHash('sha1').update(bytes).digest();

export const cacheOf = (bundle: string): string => `${bundle}.v8cache`;

/** The cache's payload, when its header names this bundle and the payload is whole. */
export function readCache(file: string, bundleHash: Buffer): Buffer | undefined {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch {
    return undefined;
  }
  if (bytes.length <= HEADER || !bytes.subarray(0, MAGIC.length).equals(MAGIC)) return undefined;
  if (!bytes.subarray(MAGIC.length, MAGIC.length + 20).equals(bundleHash)) return undefined;
  const payload = bytes.subarray(HEADER);
  return sha1(payload).equals(bytes.subarray(MAGIC.length + 20, HEADER)) ? payload : undefined;
}

/** Writes a cache whole or not at all: to a file of its own, then renamed over the old one. */
export function writeCache(file: string, bundleHash: Buffer, payload: Buffer): void {
  const temporary = `${file}.${process.pid}.${threadId}.tmp`;
  fs.writeFileSync(temporary, Buffer.concat([MAGIC, bundleHash, sha1(payload), payload]));
  fs.renameSync(temporary, file);
}

/** The bundle as Node's loader would wrap it, compiled with its cache when that is valid. */
export function compileBundle(bundle: string, useCache = true): { script: vm.Script; hash: Buffer; cached: boolean } {
  const source = fs.readFileSync(bundle);
  const hash = sha1(source);
  const cachedData = useCache ? readCache(cacheOf(bundle), hash) : undefined;
  const script = new vm.Script(Module.wrap(source.toString('utf8')), { filename: bundle, cachedData });
  return { script, hash, cached: cachedData !== undefined && !script.cachedDataRejected };
}

/** Runs `bundle` as the module `parent` loads, the way `require` would. */
export function runBundle(bundle: string, parent: NodeModule): void {
  const training = process.env[TRAIN] === '1';
  const { script, hash } = compileBundle(bundle, !training);
  const run = script.runInThisContext() as (...args: unknown[]) => void;
  const module = new Module(bundle, parent);
  module.filename = bundle;
  if (training) train(bundle, hash, script);
  run.call(module.exports, module.exports, Module.createRequire(bundle), module, bundle, path.dirname(bundle));
  module.loaded = true;
}

/**
 * The cache is written once the bundle has run: by the CLI as it exits, by a worker thread (which is
 * stopped, not exited) after each file it answers.
 */
function train(bundle: string, hash: Buffer, script: vm.Script): void {
  const write = () => writeCache(cacheOf(bundle), hash, script.createCachedData());
  if (isMainThread) {
    process.once('exit', write);
    return;
  }
  let scheduled = false;
  parentPort?.on('message', () => {
    if (scheduled) return;
    scheduled = true;
    setImmediate(() => {
      scheduled = false;
      write();
    });
  });
}
