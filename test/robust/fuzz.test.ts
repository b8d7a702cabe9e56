// Property-based fuzzing with fast-check: random and mutated manifests, Rust
// sources and plans go to the core, the CLI and the server; no exception
// escapes, the JSON stays valid and the same for the same files. `npm test`
// runs a short budget with a fixed seed; `npm run fuzz` sets FUZZ_RUNS (and
// FUZZ_SEED, else a random seed it prints) for a long run.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { parseManifest } from '../../server/src/core/cargo/manifest';
import { parsePlan } from '../../server/src/core/plan/parse';
import { RustParser } from '../../server/src/core/source/rust';
import { LspTestClient } from '../protocol/client';
import { removeFixture, repoRoot, rustModule, writeFixture } from '../support/fixture';

const RUNS = Number(process.env.FUZZ_RUNS ?? 60);
const SEED = process.env.FUZZ_SEED !== undefined ? Number(process.env.FUZZ_SEED) : process.env.FUZZ_RUNS ? Date.now() % 2 ** 31 : 20261201;
const CLI = path.join(repoRoot, 'dist', 'cli.js');
const params = (runs = RUNS) => ({ numRuns: runs, seed: SEED, endOnFailure: true });

const MANIFEST = `[package]
name = "a"
version = "0.1.0"
edition = "2021"

[dependencies]
b = { path = "../b" }
serde = { version = "1", features = ["derive"] }

[target.'cfg(unix)'.dependencies]
libc = "0.2"

[workspace]
members = ["x", "y/*"]
exclude = ["z"]
`;

const PLAN = `# Consolidation plan

## 1. Runtime

| File | Change |
|---|---|
| \`a/src/lib.rs\` | remove |

- [ ] Remove \`a/src/copy.rs\`
- [x] Re-export from \`b\`
> - [ ] quoted
`;

/** A text mutated the way editors and bad merges do: pieces deleted, duplicated, or replaced by random or structural characters. */
const mutated = (base: string) =>
  fc
    .array(
      fc.record({
        at: fc.nat(base.length),
        cut: fc.nat(12),
        insert: fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom('[', ']', '"', "'", '"""', '=', '.', '\n', '{', '}', '#', '|', '>', '- [ ] ', '\uFEFF', '\\u', '__proto__', 'mod x {', '}'), fc.string({ unit: 'binary', maxLength: 6 })),
      }),
      { maxLength: 6 },
    )
    .map((edits) => edits.reduce((text, e) => text.slice(0, Math.min(e.at, text.length)) + e.insert + text.slice(Math.min(e.at, text.length) + e.cut), base));

describe(`fuzz (seed ${SEED}, ${RUNS} runs per property)`, function () {
  this.timeout(Math.max(60_000, RUNS * 1_000));
  let parser: RustParser;
  before(async () => {
    parser = await RustParser.load();
  });

  it('parseManifest never throws, on random and on mutated manifests, and gives the same answer twice', function () {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 400 }), mutated(MANIFEST)), (text) => {
        const first = parseManifest('/w/a/Cargo.toml', text);
        const again = parseManifest('/w/a/Cargo.toml', text);
        assert.deepEqual(JSON.stringify({ ...again, patches: [...again.patches] }), JSON.stringify({ ...first, patches: [...first.patches] }));
        if (first.error) assert.ok(first.error.message.length > 0 && first.error.range.start.line >= 0);
      }),
      params(RUNS * 5),
    );
  });

  it('parsePlan never throws on random and mutated plans', function () {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 400 }), mutated(PLAN)), (text) => {
        const plan = parsePlan('/w/consolidation.md', text);
        assert.ok(Array.isArray(plan.scopes));
      }),
      params(RUNS * 5),
    );
  });

  it('the Rust analysis never throws on random bytes and mutated sources, and a file edited into each has the same facts', function () {
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 400 }), mutated(rustModule('f')).map((t) => new TextEncoder().encode(t))), (bytes) => {
        const facts = parser.analyze(bytes, 'a');
        assert.ok(facts.lines >= 0);
        // One file edited from each input into the next: parsed from its last tree when that had no error.
        assert.deepEqual(parser.analyzeEdited('fuzzed.rs', bytes, 'a'), facts);
      }),
      params(RUNS * 5),
    );
  });

  it('check on a workspace of mutated files exits 0 or 1 with valid JSON, the same twice', function () {
    fc.assert(
      fc.property(mutated(MANIFEST), mutated(rustModule('f')), mutated(PLAN), (manifest, source, plan) => {
        const dir = writeFixture(`//- a/Cargo.toml\n${manifest}\n//- a/src/lib.rs\npub mod copy;\n//- a/src/copy.rs\n${source}\n//- b/Cargo.toml\n[package]\nname = "b"\n//- b/src/lib.rs\npub mod copy;\n//- b/src/copy.rs\n${rustModule('f')}\n//- consolidation.md\n${plan}\n`);
        try {
          const run = () => {
            const r = spawnSync(process.execPath, ['--max-old-space-size=512', CLI, 'check', dir, '--format', 'json'], { encoding: 'utf8', timeout: 20_000 });
            assert.ok(r.status === 0 || r.status === 1, `exit ${r.status} ${r.signal ?? ''}\n${r.stderr}`);
            const json = JSON.parse(r.stdout) as { stats: { elapsedMs?: number } };
            delete json.stats.elapsedMs;
            return JSON.stringify(json);
          };
          assert.equal(run(), run());
        } finally {
          removeFixture(dir);
        }
      }),
      params(Math.max(3, Math.round(RUNS / 20))),
    );
  });

  it('the server answers after saves of mutated manifests and sources', async function () {
    const dir = writeFixture(`//- a/Cargo.toml\n${MANIFEST}\n//- a/src/lib.rs\npub mod copy;\n//- a/src/copy.rs\n${rustModule('f')}\n//- b/Cargo.toml\n[package]\nname = "b"\n//- b/src/lib.rs\npub mod copy;\n//- b/src/copy.rs\n${rustModule('f')}\n`);
    const client = await LspTestClient.initialize(dir);
    try {
      await client.waitForStatus((s) => s.state === 'ready');
      const samples = fc.sample(fc.tuple(mutated(MANIFEST), mutated(rustModule('f'))), { numRuns: Math.max(5, Math.round(RUNS / 4)), seed: SEED });
      for (const [manifest, source] of samples) {
        fs.writeFileSync(client.file('a/Cargo.toml'), manifest);
        fs.writeFileSync(client.file('a/src/copy.rs'), source);
        await client.didSave('a/Cargo.toml');
        await client.didSave('a/src/copy.rs');
        // A re-index runs after the saves in the server's queue: its answer shows the queue still moves.
        assert.equal((await client.reindex()).state, 'ready');
        assert.equal(client.exitCode(), undefined, 'the server is still running');
      }
      // Back to the start: the copy is found again.
      fs.writeFileSync(client.file('a/Cargo.toml'), MANIFEST.replace(/\[workspace\][\s\S]*$/, ''));
      fs.writeFileSync(client.file('a/src/copy.rs'), rustModule('f'));
      await client.didSave('a/Cargo.toml');
      await client.didSave('a/src/copy.rs');
      assert.equal((await client.reindex()).copies, 1);
    } finally {
      await client.stop();
      removeFixture(dir);
    }
  });
});
