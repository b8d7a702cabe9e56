// A fingerprinting thread: reads and parses the files the pool sends it, with
// its own instance of the wasm parser. With a fact cache, a file whose bytes
// were analysed before is answered from the cache, and a parsed one is stored
// before its answer is sent.
//
// Facts travel as v8's serialization of them (items in columns, see packed.ts), the bytes a cache entry holds:
// an entry read is handed on without being deserialized here and serialized
// again for the message, and a file parsed is serialized once, for both its
// answer and its entry. The pool deserializes them.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { FactCache, serializeFacts } from './cache';
import { RustParser } from './rust';
import type { AnalyzeRequest, AnalyzeResponse, ConfigureRequest, WorkerCache } from './pool';

const port = parentPort!;
const parser = RustParser.load();
const init = workerData as WorkerCache | undefined;
// A thread started before the pool knew its cache (early.ts) is told it in its first message.
let cache = init ? new FactCache(init.folder, init.version) : undefined;

port.on('message', async (message: AnalyzeRequest | ConfigureRequest) => {
  if ('cache' in message) {
    cache = new FactCache(message.cache.folder, message.cache.version);
    return;
  }
  const { id, file, libName, nearMiss, fresh, editing } = message;
  let response: AnalyzeResponse;
  try {
    // Read in this thread: it has nothing else to do meanwhile, and a hop to libuv's pool per file was
    // most of a warm start's time.
    const bytes = readFileSync(file);
    const key = cache && FactCache.key(createHash('sha1').update(bytes).digest('base64'), libName, nearMiss);
    // `fresh`: the pool could not use the entry this thread sent before.
    const cached = key && !fresh ? cache!.getPayload(key) : undefined;
    if (cached) {
      response = { id, facts: cached };
    } else {
      const analyzer = await parser;
      const facts = serializeFacts(editing ? analyzer.analyzeEdited(file, bytes, libName, nearMiss) : analyzer.analyze(bytes, libName, nearMiss));
      // Stored before it is sent: the message takes the bytes away.
      if (key) cache!.putPayload(key, facts);
      response = { id, facts };
    }
  } catch (e) {
    response = { id, error: (e as Error).message };
  }
  port.postMessage(response, 'facts' in response ? movable(response.facts) : []);
});

/**
 * The memory under the facts, moved to the pool rather than copied, when it holds nothing else but a
 * cache entry's header: the buffers Node carves small ones out of (Buffer.poolSize, 8 KB) must stay.
 */
function movable(facts: Uint8Array): ArrayBuffer[] {
  const { buffer } = facts;
  return buffer instanceof ArrayBuffer && buffer.byteLength - facts.byteLength <= 64 ? [buffer] : [];
}
