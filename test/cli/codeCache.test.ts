// The bundles run with the V8 code cache the build made of them (boot/codeCache.ts):
// used when it is this build's, and ignored, with the same output, when it is
// missing, corrupt, truncated or another bundle's.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import Module from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vm from 'node:vm';
import { cacheOf, compileBundle, readCache } from '../../server/src/boot/codeCache';
import { repoRoot } from '../support/fixture';

const DIST = path.join(repoRoot, 'dist');
const BUNDLES = ['cli', 'server', 'worker'].map((name) => `${name}.bundle.js`);

/** Whether each bundle of `dist` compiles with its cache, asked of a new node with no flags, as the CLI runs. */
function usedCaches(dist: string): Record<string, boolean> {
  const script = `const { compileBundle } = require(${JSON.stringify(path.join(repoRoot, 'out/server/src/boot/codeCache.js'))});
    const used = {};
    for (const b of ${JSON.stringify(BUNDLES)}) used[b] = compileBundle(require('path').join(${JSON.stringify(dist)}, b)).cached;
    process.stdout.write(JSON.stringify(used));`;
  const result = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
  return JSON.parse(result.stdout) as Record<string, boolean>;
}

/** check of the demo through `dist`'s CLI: its JSON without the time it took, its status and its errors. */
function checkDemo(dist: string): { json: string; status: number | null; stderr: string } {
  const result = spawnSync(process.execPath, [path.join(dist, 'cli.js'), 'check', path.join(repoRoot, 'demo', 'rust'), '--no-cache', '--format', 'json'], { encoding: 'utf8' });
  return { json: result.stdout.replace(/"elapsedMs": \d+/g, '"elapsedMs": 0'), status: result.status, stderr: result.stderr };
}

describe('the code cache of the bundles', function () {
  this.timeout(120_000);
  let dist: string;

  before(() => {
    dist = fs.mkdtempSync(path.join(os.tmpdir(), 'rc-dist-'));
    fs.cpSync(DIST, dist, { recursive: true });
  });
  after(() => fs.rmSync(dist, { recursive: true, force: true }));

  it('is made by the build for each bundle, and used by this node', () => {
    for (const bundle of BUNDLES) assert.ok(fs.existsSync(cacheOf(path.join(DIST, bundle))), `no cache of ${bundle}`);
    assert.deepEqual(usedCaches(DIST), { 'cli.bundle.js': true, 'server.bundle.js': true, 'worker.bundle.js': true });
  });

  it('is ignored when missing, corrupt, truncated or made of another bundle, and the output is the same', () => {
    const expected = checkDemo(dist);
    assert.equal(expected.status, 1, expected.stderr);
    assert.equal(expected.stderr, '');
    const cli = cacheOf(path.join(dist, 'cli.bundle.js'));
    const worker = cacheOf(path.join(dist, 'worker.bundle.js'));
    const good = { cli: fs.readFileSync(cli), worker: fs.readFileSync(worker) };
    const damages: [string, () => void][] = [
      ['a byte of the payload changed', () => {
        const bytes = Buffer.from(good.cli);
        bytes[bytes.length - 100] ^= 0xff;
        fs.writeFileSync(cli, bytes);
      }],
      ['truncated', () => fs.writeFileSync(cli, good.cli.subarray(0, good.cli.length >> 1))],
      ['the header only', () => fs.writeFileSync(cli, good.cli.subarray(0, 44))],
      ['empty', () => fs.writeFileSync(cli, '')],
      ["the worker's cache in the CLI's place", () => fs.copyFileSync(worker, cli)],
      ['missing', () => fs.rmSync(cli)],
    ];
    for (const [damage, apply] of damages) {
      apply();
      assert.equal(usedCaches(dist)['cli.bundle.js'], false, `a cache ${damage} was used`);
      assert.deepEqual(checkDemo(dist), expected, `with a cache ${damage}`);
      fs.writeFileSync(cli, good.cli);
    }
    // The control: the cache put back is used again.
    assert.equal(usedCaches(dist)['cli.bundle.js'], true);
  });

  it('is not used for a bundle that changed, even of the same length', () => {
    const bundle = path.join(dist, 'worker.bundle.js');
    const source = fs.readFileSync(bundle);
    const payload = readCache(cacheOf(bundle), compileBundle(bundle, false).hash);
    assert.ok(payload);
    const changed = Buffer.from(source);
    const at = changed.lastIndexOf('worker.bundle.js.map');
    assert.ok(at > 0);
    changed[at] = 'W'.charCodeAt(0);
    fs.writeFileSync(bundle, changed);
    try {
      // V8 checks only the source's length: it takes the old cache for the changed bundle...
      const wrapped = Module.wrap(changed.toString('utf8'));
      assert.equal(new vm.Script(wrapped, { filename: bundle, cachedData: payload }).cachedDataRejected, false);
      // ...which the bundle's hash in the header tells apart.
      assert.equal(compileBundle(bundle).cached, false);
    } finally {
      fs.writeFileSync(bundle, source);
    }
    assert.equal(compileBundle(bundle).cached, true);
  });
});
