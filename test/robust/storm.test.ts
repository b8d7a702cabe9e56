// A save storm through the protocol: 1,000 changes and saves across 100 files
// in about 10 s, with a code-action request after every tenth save. Every
// request is answered during the storm (within 200 ms under `npm run storm`,
// within a looser guard under `npm test`); afterwards the
// diagnostics of every file equal a cold `check` of the final files, and the
// server's memory is back near its level before the storm.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { LspTestClient } from '../protocol/client';
import { removeFixture, repoRoot, rustCrate, writeFixture } from '../support/fixture';

const CLI = path.join(repoRoot, 'dist', 'cli.js');
const CRATES = 10;
const FILES_PER_CRATE = 10;
const SAVES = 1_000;
const STORM_MS = 10_000;
/**
 * The answer time the product aims at is 200 ms (`npm run storm` asserts it,
 * on a quiet machine). Under `npm test`, on a machine shared with other runs,
 * the bound only catches a server whose queue is stuck behind the storm:
 * timings belong to benchmarks, not to tests that must pass anywhere.
 */
const ANSWER_MS = Number(process.env.STORM_ANSWER_MS ?? 1_000);

/** The server's resident memory, from /proc (Linux), in bytes. */
function rssOf(pid: number): number | undefined {
  try {
    const kb = /VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb ? Number(kb) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

const OPS = ['+', '-', '*', '/', '%', '^', '&', '|'];
const FORMS = [
  (e: string) => `    let mut t = 0;\n    for v in values {\n        t = ${e};\n    }\n    t`,
  (e: string) => `    values.iter().fold(0, |t, v| ${e.replace(/\bv\b/g, '*v')})`,
  (e: string) => `    let mut t = 0;\n    let mut i = 0;\n    while i < values.len() {\n        let v = values[i];\n        t = ${e};\n        i += 1;\n    }\n    t`,
  (e: string) => `    match values.first() {\n        Some(v) => { let t = 1; ${e} }\n        None => 0,\n    }`,
];

/**
 * A module whose token shape, not only its names, follows the seed: the
 * near-miss analysis abstracts names and literals, so modules that differ
 * only in names would all be one another's copied items.
 */
function variedModule(seed: string): string {
  let h = 2166136261;
  for (const c of seed) h = Math.imul(h ^ c.charCodeAt(0), 16777619) >>> 0;
  const fns: string[] = [];
  for (let f = 0; f < 4; f++) {
    const expr = ['t', ...Array.from({ length: 5 }, (_, i) => `${OPS[(h >>> ((f * 5 + i) % 29)) & 7]} (v ${OPS[(h >>> ((f * 7 + i * 3) % 27)) & 7]} ${i + 1})`)].join(' ');
    fns.push(`pub fn ${seed}_${f}(values: &[i64]) -> i64 {\n${FORMS[(h >>> (f * 2)) & 3](expr)}\n}\n`);
    h = Math.imul(h ^ (f + 1), 2654435761) >>> 0;
  }
  return fns.join('\n');
}

/** A seeded sequence, so a failing storm can be replayed. */
function random(seed: number): () => number {
  let x = seed;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

describe('save storm through the protocol', function () {
  this.timeout(120_000);
  let dir: string;
  let client: LspTestClient;
  const files: string[] = [];
  after(async () => {
    await client?.stop();
    if (dir) removeFixture(dir);
  });

  it(`${SAVES} changes and saves across ${CRATES * FILES_PER_CRATE} files: answered, then equal to a cold check`, async function () {
    const crates: string[] = [];
    for (let c = 0; c < CRATES; c++) {
      const modules: Record<string, string> = {};
      for (let f = 0; f < FILES_PER_CRATE; f++) {
        modules[`m${f}`] = variedModule(`c${c}m${f}`);
        files.push(`k${c}/src/m${f}.rs`);
      }
      crates.push(rustCrate(`k${c}`, `k${c}`, modules));
    }
    dir = writeFixture(crates.join(''));
    client = await LspTestClient.initialize(dir);
    await client.waitForStatus((s) => s.state === 'ready');
    const pid = (client as unknown as { child: { pid: number } }).child.pid;
    const before = rssOf(pid);

    // Each save writes one of a few contents: its own module, a copy of
    // another file's module (a new clone class), or a diverged version.
    const next = random(20261201);
    const latencies: number[] = [];
    const answers: Promise<void>[] = [];
    const started = performance.now();
    for (let i = 0; i < SAVES; i++) {
      const file = files[Math.floor(next() * files.length)];
      const pick = next();
      const seed = pick < 0.4 ? `s${Math.floor(next() * 20)}` : pick < 0.8 ? file.replace(/\W/g, '') : `d${i}`;
      fs.writeFileSync(client.file(file), variedModule(seed) + (pick >= 0.8 ? `\npub fn extra_${i}() -> usize { ${i} }\n` : ''));
      void client.didSave(file);
      if (i % 10 === 0) {
        const asked = performance.now();
        answers.push(client.codeActions(file, []).then(() => void latencies.push(performance.now() - asked)));
      }
      // Paces the storm over STORM_MS, as a person saving often would; it waits on no result.
      const due = started + ((i + 1) * STORM_MS) / SAVES;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    }
    await Promise.all(answers);
    const peak = rssOf(pid);

    // A last pair of saves the server must finish after every other (its queue
    // is in order): two files of different crates become copies of each other.
    const mark = client.mark();
    const last = [files[0], files[FILES_PER_CRATE]];
    for (const f of last) fs.writeFileSync(client.file(f), variedModule('final_marker'));
    for (const f of last) await client.didSave(f);
    const uris = new Set(last.map((f) => client.uri(f)));
    await client.waitFor('publish', (e) => uris.has(e.uri) && e.diagnostics.some((d) => d.code === 'duplicate-file'), 'the last copy reported', { since: mark, timeoutMs: 60_000 });

    // The warnings a cold check gives on the final files, against what the server published.
    const run = spawnSync(process.execPath, [CLI, 'check', dir, '--format', 'json'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    const cold = (JSON.parse(run.stdout) as { findings: { code: string; file: string; range: { start: { line: number } } }[] }).findings
      .map((f) => `${pathToFileURL(path.join(dir, f.file)).href} ${f.code} ${f.range.start.line}`)
      .sort();
    const published = [...client.diagnostics]
      .flatMap(([uri, list]) => list.filter((d) => d.severity !== 4).map((d) => `${uri} ${d.code} ${d.range.start.line}`))
      .sort();
    assert.deepEqual(published, cold);

    latencies.sort((a, b) => a - b);
    const slowest = latencies[latencies.length - 1];
    assert.equal(latencies.length, SAVES / 10);
    assert.ok(slowest <= ANSWER_MS, `every request answered within ${ANSWER_MS} ms: slowest ${slowest.toFixed(0)} ms, p95 ${latencies[Math.floor(latencies.length * 0.95)].toFixed(0)} ms, slowest five ${latencies.slice(-5).map((l) => l.toFixed(0)).join(', ')} ms`);

    if (before !== undefined && peak !== undefined) {
      const after = rssOf(pid)!;
      const mb = (n: number) => `${(n / 2 ** 20).toFixed(0)} MB`;
      assert.ok(after <= before * 1.5 + 64 * 2 ** 20, `memory after the storm ${mb(after)} is near its level before, ${mb(before)} (peak ${mb(peak)})`);
    }
  });
});
