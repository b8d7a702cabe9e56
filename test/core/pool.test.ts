// The analysis threads: one starts at once, another only when enough files wait for it, and every
// thread gives the facts of a parse on this thread.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as os from 'node:os';
import { startEarly, takeEarly } from '../../server/src/core/source/early';
import { AnalyzerPool } from '../../server/src/core/source/pool';
import { RustParser } from '../../server/src/core/source/rust';
import { repoRoot } from '../support/fixture';

/** The demo's Rust files, in a stable order. */
function demoFiles(): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (entry.name.endsWith('.rs')) found.push(file);
    }
  };
  walk(path.join(repoRoot, 'demo', 'rust'));
  return found;
}

describe('analysis threads', function () {
  this.timeout(120_000);

  it('start one thread for a few files, and more while many files wait', async () => {
    const files = demoFiles();
    assert.ok(files.length >= 20 && files.length < 100, `the demo has a few dozen files (${files.length})`);
    const pool = AnalyzerPool.create(2, undefined, 100);
    assert.ok(pool, 'the worker script is built beside the pool');
    try {
      await Promise.all(files.map((f) => pool.analyzeFile(f, 'demo')));
      assert.equal(pool.threads, 1, `${files.length} files need no second thread`);
      // Each file five times over: more files wait than one thread should take alone.
      const many = [...files, ...files, ...files, ...files, ...files];
      assert.ok(many.length > 100);
      await Promise.all(many.map((f) => pool.analyzeFile(f, 'demo')));
      assert.equal(pool.threads, 2, `${many.length} files waiting start the second thread`);
    } finally {
      pool.dispose();
    }
  });

  it('give the facts a parse on this thread gives, on every thread', async () => {
    const files = demoFiles();
    const parser = await RustParser.load();
    const pool = AnalyzerPool.create(2, undefined, 0);
    assert.ok(pool);
    try {
      const facts = await Promise.all(files.map((f) => pool.analyzeFile(f, 'demo')));
      assert.equal(pool.threads, 2);
      files.forEach((file, i) => assert.deepEqual(facts[i], parser.analyze(fs.readFileSync(file), 'demo'), file));
    } finally {
      pool.dispose();
      parser.dispose();
    }
  });

  it('take the thread an entry point started early, and tell it the cache folder', async () => {
    const files = demoFiles();
    const parser = await RustParser.load();
    const cacheFolder = fs.mkdtempSync(path.join(os.tmpdir(), 'rc-early-'));
    startEarly();
    const pool = AnalyzerPool.create(1, cacheFolder);
    assert.ok(pool);
    try {
      assert.equal(takeEarly(), undefined, 'the pool took the thread');
      const facts = await Promise.all(files.map((f) => pool.analyzeFile(f, 'demo')));
      assert.equal(pool.threads, 1);
      files.forEach((file, i) => assert.deepEqual(facts[i], parser.analyze(fs.readFileSync(file), 'demo'), file));
      // Started without the cache folder, the thread wrote its entries there once told.
      const entries = fs.readdirSync(cacheFolder, { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
      const contents = new Set(files.map((f) => fs.readFileSync(f, 'latin1'))).size;
      assert.ok(entries.length >= contents, `${entries.length} entries for ${contents} distinct files`);
    } finally {
      pool.dispose();
      parser.dispose();
      fs.rmSync(cacheFolder, { recursive: true, force: true });
    }
  });
});
