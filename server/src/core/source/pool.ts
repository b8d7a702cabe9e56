// Fingerprinting on every core: a cold index is bound by parsing (about
// 7 MB/s per core with the wasm grammar), so files are spread over worker
// threads, each with its own parser.
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { SourceAnalyzer } from '../view';
import { RustParser } from './rust';
import type { SourceFacts } from './rust';
import { FactCache, analysisVersion, deserializeFacts } from './cache';
import { locateAsset } from './assets';
import { takeEarly, workerScript } from './early';
import { tokenId } from './winnow';

export interface AnalyzeRequest {
  id: number;
  file: string;
  libName: string;
  nearMiss: boolean;
  /** Parse the file even if the cache has its facts: the entry the thread sent could not be used. */
  fresh?: boolean;
  /** A file being edited: the thread keeps its tree for the next version (see RustParser.analyzeEdited). */
  editing?: boolean;
}

/** The cache a thread started without one uses (see early.ts): sent before any request. */
export interface ConfigureRequest {
  cache: WorkerCache;
}

/** `facts`: v8's serialization of the file's facts (see worker.ts). */
export type AnalyzeResponse = { id: number; facts: Uint8Array } | { id: number; error: string };

interface Pending {
  request: AnalyzeRequest;
  resolve(facts: SourceFacts): void;
  reject(error: Error): void;
}

/**
 * Files in flight per thread, so no thread idles between files: a file found in the fact cache is
 * answered in a fraction of a millisecond, less than a message's round trip.
 */
const IN_FLIGHT = 8;

/**
 * Files waiting per running thread above which the pool starts another thread, up to its size. A
 * thread costs 0.1-0.3 s of CPU to start (node, the wasm runtime, and V8 optimising the walk again
 * in its own isolate), about what it takes one thread to read 100 files of 10 KB. On two cores, a
 * second thread made the demo's 36 files slower (0.50-0.56 s against 0.49-0.51 s) by taking a core
 * from the main thread, and debian-small's 144 files no faster.
 */
const QUEUED_PER_THREAD = 100;

export class AnalyzerPool implements SourceAnalyzer {
  private readonly workers: Worker[] = [];
  private readonly load: number[] = [];
  private readonly pending = new Map<number, Pending>();
  private readonly queue: Pending[] = [];
  private nextId = 0;

  private constructor(
    private readonly script: string,
    private readonly size: number,
    private readonly cache: WorkerCache | undefined,
    private readonly queuedPerThread: number,
  ) {
    this.startThread();
  }

  /** The threads started so far. */
  get threads(): number {
    return this.workers.length;
  }

  private startThread(): void {
    const i = this.workers.length;
    const early = i === 0 ? takeEarly() : undefined;
    const worker = early ?? new Worker(this.script, { workerData: this.cache });
    if (early && this.cache) early.postMessage({ cache: this.cache } satisfies ConfigureRequest);
    worker.unref();
    worker.on('message', (response: AnalyzeResponse) => this.settle(i, response));
    worker.on('error', (error) => this.failAll(error));
    this.workers.push(worker);
    this.load.push(0);
  }

  /**
   * A pool of up to `size` threads, or undefined when the worker script is not
   * beside this module (a test running the sources some other way). One thread
   * starts at once, another each time more than `queuedPerThread` files per
   * thread wait.
   */
  static create(size = availableParallelism(), cacheFolder?: string, queuedPerThread = QUEUED_PER_THREAD): AnalyzerPool | undefined {
    const script = workerScript();
    if (!existsSync(script)) return undefined;
    let cache: WorkerCache | undefined;
    if (cacheFolder) {
      // In the bundles the worker script is a loader and the bundle beside it holds all the code that
      // computes facts (see boot/codeCache.ts); running from out/, the modules beside it do.
      const beside = ['worker.bundle.js', 'rust.js', 'winnow.js'].map((f) => path.join(__dirname, f));
      const code = [script, ...beside.filter((f) => existsSync(f))];
      const grammar = locateAsset('tree-sitter-rust.wasm');
      const version = analysisVersion(grammar ? [...code, grammar] : code);
      const facts = new FactCache(cacheFolder, version);
      facts.pruneOtherVersions();
      cache = { folder: cacheFolder, version };
    }
    return new AnalyzerPool(script, Math.max(1, size), cache, queuedPerThread);
  }

  analyzeFile(file: string, libName: string, nearMiss = true, editing = false): Promise<SourceFacts> {
    return new Promise<SourceFacts>((resolve, reject) => {
      const pending = { request: { id: this.nextId++, file, libName, nearMiss, editing }, resolve, reject };
      if (editing) this.send(this.threadOf(file), pending);
      else {
        this.queue.push(pending);
        this.dispatch();
      }
    });
  }

  /** The thread that keeps an edited file's tree: always the same one for a file, whatever it is doing. */
  private threadOf(file: string): number {
    return tokenId(file) % this.workers.length;
  }

  private send(worker: number, pending: Pending): void {
    this.pending.set(pending.request.id, pending);
    this.load[worker]++;
    this.workers[worker].postMessage(pending.request);
  }

  /** Hands queued files to threads as they free up: files differ a lot in size. */
  private dispatch(): void {
    while (this.workers.length < this.size && this.queue.length > this.queuedPerThread * this.workers.length) this.startThread();
    for (let i = 0; i < this.workers.length && this.queue.length > 0; i++) {
      while (this.load[i] < IN_FLIGHT && this.queue.length > 0) this.send(i, this.queue.shift()!);
    }
  }

  dispose(): void {
    for (const worker of this.workers) void worker.terminate();
    this.failAll(new Error('analyzer pool disposed'));
  }

  private settle(worker: number, response: AnalyzeResponse): void {
    this.load[worker]--;
    const pending = this.pending.get(response.id);
    if (!pending) return;
    this.pending.delete(response.id);
    if ('error' in response) pending.reject(new Error(response.error));
    else {
      const facts = deserializeFacts(response.facts);
      if (facts) pending.resolve(facts);
      // An entry that passed its checksum but holds no facts of this build's shape: parsed again.
      else if (!pending.request.fresh) {
        const again = { ...pending, request: { ...pending.request, fresh: true } };
        if (again.request.editing) this.send(worker, again);
        else this.queue.unshift(again);
      }
      else pending.reject(new Error('the analysis thread sent facts that cannot be read'));
    }
    this.dispatch();
  }

  private failAll(error: Error): void {
    for (const p of [...this.pending.values(), ...this.queue]) p.reject(error);
    this.pending.clear();
    this.queue.length = 0;
  }
}

/** What a worker needs to open the fact cache: its folder and the analysis version. */
export interface WorkerCache {
  folder: string;
  version: string;
}

/**
 * Threads where the worker script ships beside this module, else the calling
 * thread. `cacheFolder`: where the threads keep facts by content, so a
 * restart need not parse the files that did not change.
 */
export async function createAnalyzer(options: { cacheFolder?: string } = {}): Promise<SourceAnalyzer> {
  return AnalyzerPool.create(availableParallelism(), options.cacheFolder) ?? (await RustParser.load());
}
