// The same files give byte-identical JSON, SARIF and diagnostics whatever the
// thread timing: the analysis runs on one thread, on pools of 1, 2 and 4
// worker threads, and with files answered in shuffled orders, on the
// near-miss fixture (diverged copies, copied items, singletons) plus the demo.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { WorkspaceIndex } from '../../server/src/core/index';
import type { SourceAnalyzer } from '../../server/src/core/index';
import { DEFAULT_OPTIONS, silentLog } from '../../server/src/core/model';
import { AnalyzerPool } from '../../server/src/core/source/pool';
import { RustParser } from '../../server/src/core/source/rust';
import type { SourceFacts } from '../../server/src/core/source/rust';
import { formatJson, formatSarif } from '../../server/src/cli/report';
import { toDiagnostic } from '../../server/src/features/diagnostics';
import { removeFixture, repoRoot } from '../support/fixture';
import { makeWorkspace } from '../nearmiss/support';

/** Answers every file, but in an order a seeded shuffle decides, once all requests of a turn are in. */
class ShuffledAnalyzer implements SourceAnalyzer {
  private waiting: { file: string; libName: string; nearMiss?: boolean; resolve: (f: SourceFacts) => void; reject: (e: Error) => void }[] = [];
  private scheduled = false;
  private state: number;

  constructor(
    private readonly parser: RustParser,
    seed: number,
  ) {
    this.state = seed;
  }

  analyzeFile(file: string, libName: string, nearMiss?: boolean): Promise<SourceFacts> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ file, libName, nearMiss, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => void this.answer());
      }
    });
  }

  dispose(): void {}

  private async answer(): Promise<void> {
    const batch = this.waiting;
    this.waiting = [];
    this.scheduled = false;
    for (let i = batch.length - 1; i > 0; i--) {
      const j = this.next() % (i + 1);
      [batch[i], batch[j]] = [batch[j], batch[i]];
    }
    for (const r of batch) {
      try {
        r.resolve(await this.parser.analyzeFile(r.file, r.libName, r.nearMiss));
      } catch (e) {
        r.reject(e as Error);
      }
    }
  }

  /** xorshift32: a fixed sequence for a seed. */
  private next(): number {
    let x = this.state;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.state = x >>> 0;
    return this.state;
  }
}

async function outputs(dir: string, analyzer: SourceAnalyzer): Promise<{ json: string; sarif: string; diagnostics: string }> {
  const index = new WorkspaceIndex([dir], DEFAULT_OPTIONS, analyzer, silentLog);
  await index.build();
  const findings = index.allFindings();
  const report = { root: dir, index, findings, elapsedMs: 0 };
  return {
    json: formatJson(report),
    sarif: formatSarif(report),
    diagnostics: JSON.stringify(findings.map((f) => [f.file, toDiagnostic(f)])),
  };
}

describe('determinism: byte-identical output whatever the worker count and order', function () {
  this.timeout(120_000);
  let parser: RustParser;
  let dir: string;
  before(async () => {
    parser = await RustParser.load();
    dir = makeWorkspace();
    // The demo beside the fixture: whole-file copies, inverted dependencies, a plan.
    fs.cpSync(path.join(repoRoot, 'demo', 'rust'), path.join(dir, 'demo'), { recursive: true });
  });
  after(() => removeFixture(dir));

  it('one thread, pools of 1, 2 and 4 threads, and three shuffled orders agree', async function () {
    const reference = await outputs(dir, parser);
    assert.ok(JSON.parse(reference.json).findings.some((f: { code: string }) => f.code === 'diverged-copy'), 'the fixture has near-miss findings');
    const runs: [string, () => SourceAnalyzer][] = [
      // Every thread started at once (no files waiting needed), so that each pool runs all of its threads.
      ...[1, 2, 4].map((n): [string, () => SourceAnalyzer] => [`a pool of ${n}`, () => AnalyzerPool.create(n, undefined, 0)!]),
      ...[1, 7, 42].map((seed): [string, () => SourceAnalyzer] => [`shuffled with seed ${seed}`, () => new ShuffledAnalyzer(parser, seed)]),
    ];
    for (const [name, make] of runs) {
      const analyzer = make();
      assert.ok(analyzer, `${name}: the worker script is built beside the pool`);
      try {
        const got = await outputs(dir, analyzer);
        assert.equal(got.json, reference.json, `${name}: JSON`);
        assert.equal(got.sarif, reference.sarif, `${name}: SARIF`);
        assert.equal(got.diagnostics, reference.diagnostics, `${name}: diagnostics`);
        if (analyzer instanceof AnalyzerPool) assert.equal(analyzer.threads, Number(name.split(' ').pop()), `${name}: threads started`);
      } finally {
        analyzer.dispose();
      }
    }
  });
});
