// The fact cache as the CLI uses it: a second run answers from the cache with
// the same output, and an entry that is corrupt, truncated, of another
// analysis version or half written is never trusted.
import * as assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FactCache, checkedCodec } from '../../server/src/core/source/cache';
import { copyToTemp, removeFixture, repoRoot } from '../support/fixture';

const CLI = path.join(repoRoot, 'dist', 'cli.js');

/** check's JSON without the one field that measures time. */
function check(workspace: string, ...args: string[]): string {
  const result = spawnSync(process.execPath, [CLI, 'check', workspace, '--format', 'json', ...args], { encoding: 'utf8' });
  assert.equal(result.error, undefined);
  assert.ok(result.status === 0 || result.status === 1, result.stderr);
  return withoutTime(result.stdout);
}

function withoutTime(json: string): string {
  return json.replace(/"elapsedMs": \d+/g, '"elapsedMs": 0');
}

/** Every entry file under a cache folder; the parsed plans' (under plans/) only with `plans`. */
function entries(cache: string, plans = false): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory() && (plans || p !== path.join(cache, 'plans'))) walk(p);
      else if (!e.isDirectory()) out.push(p);
    }
  };
  walk(cache);
  return out.sort();
}

/** The folders of a cache but the parsed plans'. */
const factFolders = (cache: string) => fs.readdirSync(cache).filter((name) => name !== 'plans');

/** The analysis version a cache folder was written for: the name of its one subfolder of facts. */
function versionOf(cache: string): string {
  const [version, ...others] = factFolders(cache);
  assert.equal(others.length, 0);
  return version;
}

/** The cache of parsed plans, with the one version a run wrote, read without checking what an entry holds. */
function planCache(cache: string): FactCache<Record<string, unknown>> {
  const [version, ...others] = fs.readdirSync(path.join(cache, 'plans'));
  assert.equal(others.length, 0);
  return new FactCache(path.join(cache, 'plans'), version, checkedCodec((value): value is Record<string, unknown> => typeof value === 'object' && value !== null));
}

describe('the fact cache (check --cache-dir)', function () {
  this.timeout(60000);
  let workspace: string;
  let cache: string;
  let fresh: string;

  before(() => {
    workspace = copyToTemp('demo/rust');
    fresh = check(workspace, '--no-cache');
  });
  after(() => removeFixture(path.dirname(workspace)));
  beforeEach(() => {
    cache = fs.mkdtempSync(path.join(os.tmpdir(), 'rc-cache-'));
  });
  afterEach(() => fs.rmSync(cache, { recursive: true, force: true }));

  it('writes an entry per file on the first run, and a second run gives the same output byte for byte', () => {
    assert.equal(check(workspace, '--cache-dir', cache), fresh);
    const written = entries(cache);
    assert.ok(written.length >= 20, `only ${written.length} entries`);
    assert.equal(check(workspace, '--cache-dir', cache), fresh);
    assert.deepEqual(entries(cache), written);
  });

  it('is read on the second run: entries rewritten with other facts change the output (the control for the tests below)', () => {
    check(workspace, '--cache-dir', cache);
    const facts = new FactCache(cache, versionOf(cache));
    for (const file of entries(cache)) {
      const decoded = facts.decode(fs.readFileSync(file))!;
      assert.ok(decoded);
      fs.writeFileSync(file, facts.encode({ ...decoded, lines: decoded.lines + 1000 }));
    }
    assert.notEqual(check(workspace, '--cache-dir', cache), fresh);
  });

  const damages: [string, (data: Buffer, version: string) => Buffer][] = [
    ['a flipped byte in the payload', (data) => {
      const copy = Buffer.from(data);
      copy[copy.length - 7] ^= 0xff;
      return copy;
    }],
    ['a truncated entry', (data) => data.subarray(0, Math.floor(data.length / 2))],
    ['an empty entry', () => Buffer.alloc(0)],
    ['another analysis version in the header', (data) => {
      const copy = Buffer.from(data);
      copy[4] ^= 0x01;
      return copy;
    }],
    ['bytes that are not an entry at all', () => Buffer.from('{"lines": 5}')],
    // Worker threads check an entry's header and checksum and hand on its payload; the pool deserializes it.
    ['something other than facts under a valid header and checksum', (_data, version) =>
      new FactCache(cache, version, checkedCodec((value): value is object => typeof value === 'object')).encode({ lines: 5 })],
    ['a payload v8 cannot deserialize under a valid header and checksum', (_data, version) => {
      const payload = Buffer.from([0xff, 0x0f, 0x99, 0x01, 0x02]);
      const length = Buffer.alloc(4);
      length.writeUInt32LE(payload.length);
      return Buffer.concat([Buffer.from('RCF1'), Buffer.from(version, 'hex'), createHash('sha1').update(payload).digest(), length, payload]);
    }],
  ];
  for (const [what, damage] of damages) {
    it(`ignores ${what}, and the output equals a run without the cache`, () => {
      check(workspace, '--cache-dir', cache);
      const version = versionOf(cache);
      const facts = new FactCache(cache, version);
      for (const file of entries(cache)) {
        // Other facts under the damage: trusted, they would change the output.
        const decoded = facts.decode(fs.readFileSync(file))!;
        fs.writeFileSync(file, damage(facts.encode({ ...decoded, lines: decoded.lines + 1000 }), version));
      }
      assert.equal(check(workspace, '--cache-dir', cache), fresh);
    });
  }

  it('ignores a folder of another analysis version and removes it', () => {
    check(workspace, '--cache-dir', cache);
    const version = versionOf(cache);
    const foreign = '0'.repeat(40);
    fs.renameSync(path.join(cache, version), path.join(cache, foreign));
    const facts = new FactCache(cache, version);
    for (const file of entries(cache)) {
      const decoded = facts.decode(fs.readFileSync(file))!;
      fs.writeFileSync(file, facts.encode({ ...decoded, lines: decoded.lines + 1000 }));
    }
    assert.equal(check(workspace, '--cache-dir', cache), fresh);
    assert.deepEqual(factFolders(cache), [version]);
  });

  it('finishes removing a folder whose removal a run left unfinished', () => {
    check(workspace, '--cache-dir', cache);
    const version = versionOf(cache);
    const leftover = path.join(cache, `${'0'.repeat(40)}.removing-12345`);
    fs.mkdirSync(path.join(leftover, 'ab'), { recursive: true });
    fs.writeFileSync(path.join(leftover, 'ab', 'entry'), 'not an entry');
    assert.equal(check(workspace, '--cache-dir', cache), fresh);
    assert.deepEqual(factFolders(cache), [version]);
  });

  it('gives the same output to runs that write the same cache at once', async () => {
    const runs = [0, 1, 2].map(
      () =>
        new Promise<string>((resolve, reject) => {
          const child = spawn(process.execPath, [CLI, 'check', workspace, '--format', 'json', '--cache-dir', cache]);
          let out = '';
          child.stdout.on('data', (d) => (out += d));
          child.on('error', reject);
          child.on('close', () => resolve(withoutTime(out)));
        }),
    );
    for (const out of await Promise.all(runs)) assert.equal(out, fresh);
    assert.equal(check(workspace, '--cache-dir', cache), fresh);
    assert.ok(entries(cache).every((f) => !f.endsWith('.tmp')), 'a temporary file was left behind');
  });

  it('keeps the parsed plan: a second run reads it, and a plan entry rewritten with another plan changes the output (the control)', () => {
    check(workspace, '--cache-dir', cache);
    const plans = planCache(cache);
    const [entry, ...others] = entries(path.join(cache, 'plans'), true);
    assert.equal(others.length, 0);
    const plan = plans.decode(fs.readFileSync(entry))!;
    assert.ok(Array.isArray(plan.scopes) && plan.scopes.length > 0);
    fs.writeFileSync(entry, plans.encode({ ...plan, scopes: [] }));
    assert.notEqual(check(workspace, '--cache-dir', cache), fresh);
  });

  for (const [what, damage] of damages) {
    it(`ignores a plan entry with ${what}, and the output equals a run without the cache`, () => {
      check(workspace, '--cache-dir', cache);
      const plans = planCache(cache);
      for (const entry of entries(path.join(cache, 'plans'), true)) {
        const plan = plans.decode(fs.readFileSync(entry))!;
        fs.writeFileSync(entry, damage(plans.encode({ ...plan, scopes: [] }), plans.version));
      }
      assert.equal(check(workspace, '--cache-dir', cache), fresh);
    });
  }

  it('parses a plan whose text changed, not the plan kept for the old text', () => {
    check(workspace, '--cache-dir', cache);
    const planFile = path.join(workspace, 'rust_codebase_consolidation_plan.md');
    const original = fs.readFileSync(planFile, 'utf8');
    try {
      fs.writeFileSync(planFile, original.replace(/- \[ \]/, '- [x]'));
      assert.equal(check(workspace, '--cache-dir', cache), check(workspace, '--no-cache'));
      assert.notEqual(check(workspace, '--cache-dir', cache), fresh);
    } finally {
      fs.writeFileSync(planFile, original);
    }
  });

  it('--no-cache writes nothing', () => {
    check(workspace, '--no-cache', '--cache-dir', cache);
    assert.deepEqual(fs.readdirSync(cache), []);
  });
});
