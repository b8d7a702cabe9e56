// A fingerprinting thread: reads and parses the files the pool sends it, with
// its own instance of the wasm parser. With a fact cache, a file whose bytes
// were analysed before is answered from the cache, and a parsed one is stored
// after its answer is sent.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { FactCache } from './cache';
import { RustParser } from './rust';
import type { AnalyzeRequest, AnalyzeResponse, WorkerCache } from './pool';

const port = parentPort!;
const parser = RustParser.load();
const init = workerData as WorkerCache | undefined;
const cache = init ? new FactCache(init.folder, init.version) : undefined;

port.on('message', async ({ id, file, libName, nearMiss }: AnalyzeRequest) => {
  let response: AnalyzeResponse;
  let store: (() => void) | undefined;
  try {
    // Read in this thread: it has nothing else to do meanwhile, and a hop to libuv's pool per file was
    // most of a warm start's time.
    const bytes = readFileSync(file);
    const key = cache && FactCache.key(createHash('sha1').update(bytes).digest('base64'), libName, nearMiss);
    const cached = key ? cache!.get(key) : undefined;
    if (cached) {
      response = { id, facts: cached };
    } else {
      const facts = (await parser).analyze(bytes, libName, nearMiss);
      response = { id, facts };
      if (key) store = () => cache!.put(key, facts);
    }
  } catch (e) {
    response = { id, error: (e as Error).message };
  }
  port.postMessage(response);
  store?.();
});
