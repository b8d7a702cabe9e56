// Workspaces where an earlier version offered a fix that broke the build,
// found by review. Each builds before; `fix` either applies what still builds
// or refuses with the reason; it builds after.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { removeFixture, repoRoot, writeFixture } from '../support/fixture';
import { Cargo, naiveReexport } from './support';

const CLI = path.join(repoRoot, 'dist', 'cli.js');
const CASES = path.join(repoRoot, 'test', 'fixes', 'cases');

/** What `fix` must print for each case: a refusal with its reason, or the fixes that are safe. */
const EXPECTED: Record<string, RegExp[]> = {
  brace: [/^refused b\/src\/counter\.rs: .*it uses crate::errors, which is b's own module/m],
  glob: [/^refused b\/src\/counter\.rs: .*it uses super::\*/m],
  vis: [/^refused b\/src\/counter\.rs: .*b\/src\/lib\.rs uses helper, which the copy makes visible in this crate only/m],
  macro: [/^refused b\/src\/counter\.rs: .*exports a macro \(#\[macro_export\]\)/m],
  impl: [/^refused b\/src\/counter\.rs: .*b\/src\/lib\.rs:2 an inherent impl of Counter, which would be another crate's type \(E0116\)/m],
  twotargets: [/^refused b\/src\/counter\.rs: .*also declared by b\/src\/main\.rs/m],
  cfg: [/^refused b\/src\/counter\.rs: .*compiled only under a #\[cfg\(\.\.\.\)\]/m],
  cdylib: [/^refused b\/src\/counter\.rs: .*built as cdylib only/m],
  deps: [/^fixed b\/src\/counter\.rs/m, /^fixed c\/src\/counter\.rs/m, /^refused d\/src\/counter\.rs: .*optional = true/m],
  ed2015: [/^refused b\/src\/counter\.rs: .*edition 2015/m],
  cyc: [/^fixed b\/src\/one\.rs/m, /^refused d\/src\/two\.rs: .*with the other fixes, c would depend on d .*a cycle/m],
  // [patch] builds a's registry dependency on b from here: b keeps the module.
  patch: [/^fixed a\/src\/counter\.rs: Replace with re-export from b$/m],
};

/**
 * The refused copy and the keeper's folder, for the cases whose refusal the
 * naive edit proves, and for some the error cargo must give for it.
 * `afterFix`: the naive edit is made on top of the fixes `fix` applies (the
 * refusal is about the copy together with them).
 */
interface Naive {
  copy: string;
  keeper: string;
  error?: RegExp;
  afterFix?: boolean;
}
const NAIVE: Record<string, Naive> = {
  ...Object.fromEntries(
    ['brace', 'glob', 'vis', 'macro', 'impl', 'twotargets', 'cfg', 'cdylib', 'ed2015'].map((name) => [name, { copy: 'b/src/counter.rs', keeper: 'a' }]),
  ),
  // d's dependency on a is optional, off by default: `pub use a::counter;` does not resolve.
  deps: { copy: 'd/src/counter.rs', keeper: 'a', error: /error\[E0432\]: unresolved import `a`[^]*--> d\/src\/lib\.rs/ },
  // Alone, d depending on c builds; with b's re-export from a (a depends on d) it closes c → b → a → d → c.
  cyc: { copy: 'd/src/two.rs', keeper: 'c', afterFix: true, error: /cyclic package dependency/ },
};

describe('fixes a review found unsafe', function () {
  this.timeout(120_000);
  const cargo = new Cargo();
  const dirs: string[] = [];
  after(() => {
    dirs.forEach(removeFixture);
    cargo.dispose();
  });

  for (const [name, expected] of Object.entries(EXPECTED)) {
    it(`${name}: builds before and after fix`, () => {
      const dir = writeFixture(fs.readFileSync(path.join(CASES, `${name}.txt`), 'utf8'));
      dirs.push(dir);
      const root = path.join(dir, 'Cargo.toml');
      cargo.check(root, '--workspace');
      const fix = spawnSync(process.execPath, [CLI, 'fix', dir], { encoding: 'utf8' });
      assert.notEqual(fix.status, 2, fix.stderr);
      for (const line of expected) assert.match(fix.stdout, line, fix.stdout);
      cargo.check(root, '--workspace');
      const naive = NAIVE[name];
      if (naive) {
        // The refusal is needed: done by hand, the re-export does not build.
        const by = writeFixture(fs.readFileSync(path.join(CASES, `${name}.txt`), 'utf8'));
        dirs.push(by);
        if (naive.afterFix) {
          const fixed = spawnSync(process.execPath, [CLI, 'fix', by], { encoding: 'utf8' });
          assert.equal(fixed.stdout, fix.stdout.split(dir).join(by), 'the same fixes on the copy');
        }
        naiveReexport(by, naive.copy, naive.keeper);
        const result = cargo.run(path.join(by, 'Cargo.toml'), '--workspace', '--all-targets');
        assert.notEqual(result.status, 0, 'the naive edit builds');
        if (naive.error) assert.match(result.stderr, naive.error, `the naive edit fails for another reason:\n${result.stderr}`);
      }
    });
  }
});

describe('inverted dependencies a review found wrongly reported or removed', function () {
  this.timeout(120_000);
  const cargo = new Cargo();
  const dirs: string[] = [];
  after(() => {
    dirs.forEach(removeFixture);
    cargo.dispose();
  });
  const workspace = (appManifestTail: string, extra = '') => {
    const dir = writeFixture(
      `//- app/Cargo.toml\n[package]\nname = "app"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\nshared = "1.0"\n${appManifestTail}` +
        `//- app/src/lib.rs\npub fn f() {}\n` +
        `//- shared/Cargo.toml\n[package]\nname = "shared"\nversion = "1.0.0"\nedition = "2021"\n` +
        `//- shared/src/lib.rs\npub fn g() {}\n${extra}`,
    );
    dirs.push(dir);
    return dir;
  };
  const json = (dir: string) =>
    JSON.parse(spawnSync(process.execPath, [CLI, 'check', dir, '--format', 'json'], { encoding: 'utf8' }).stdout) as { findings: { code: string }[] };

  it('refuses to remove a dependency that a feature refers to, and changes nothing', () => {
    const dir = workspace('\n[features]\ndefault = ["shared/std"]\n');
    const manifest = fs.readFileSync(path.join(dir, 'app/Cargo.toml'), 'utf8');
    assert.deepEqual(json(dir).findings.map((f) => f.code), ['inverted-dependency']);
    const fix = spawnSync(process.execPath, [CLI, 'fix', dir, '--code', 'inverted-dependency'], { encoding: 'utf8' });
    assert.match(fix.stdout, /^refused app\/Cargo\.toml: Remove inverted dependency: the feature default refers to shared/m);
    assert.equal(fs.readFileSync(path.join(dir, 'app/Cargo.toml'), 'utf8'), manifest);
    // By hand: without the entry, cargo rejects the manifest (the fixture builds in neither case offline, shared being a registry crate).
    const by = workspace('\n[features]\ndefault = ["shared/std"]\n');
    const byManifest = path.join(by, 'app/Cargo.toml');
    fs.writeFileSync(byManifest, fs.readFileSync(byManifest, 'utf8').replace('shared = "1.0"\n', ''));
    const result = cargo.run(byManifest, '--workspace', '--all-targets');
    assert.notEqual(result.status, 0, 'the naive removal builds');
    assert.match(result.stderr, /feature `default` includes `shared\/std`, but `shared` is not a dependency/, result.stderr);
  });

  it('does not report a dependency on a crate `cargo vendor` put here (.cargo-checksum.json)', () => {
    const dir = workspace('');
    fs.writeFileSync(path.join(dir, 'shared', '.cargo-checksum.json'), '{"files":{},"package":"0"}');
    assert.deepEqual(json(dir).findings, []);
  });
});
