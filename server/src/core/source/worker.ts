// A fingerprinting thread: reads and parses the files the pool sends it, with
// its own instance of the wasm parser.
import { readFile } from 'node:fs/promises';
import { parentPort } from 'node:worker_threads';
import { RustParser } from './rust';
import type { AnalyzeRequest, AnalyzeResponse } from './pool';

const port = parentPort!;
const parser = RustParser.load();

port.on('message', async ({ id, file, libName, nearMiss }: AnalyzeRequest) => {
  let response: AnalyzeResponse;
  try {
    const bytes = await readFile(file);
    response = { id, facts: (await parser).analyze(bytes, libName, nearMiss) };
  } catch (e) {
    response = { id, error: (e as Error).message };
  }
  port.postMessage(response);
});
