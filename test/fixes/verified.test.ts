// `rust-consolidate fix` proving its edit with a real `cargo check`, and
// applying it only onto the text it was computed on: the bundled CLI spawned
// with node on small workspaces that build offline.
import * as assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { removeFixture, repoRoot, rustCrate, writeFixture } from '../support/fixture';
import { Cargo, file, packageToml, rustModule, treeHash } from './support';

const CLI = path.join(repoRoot, 'dist', 'cli.js');

/** A lib.rs that declares `x` and calls into it, so a re-export that does not resolve breaks the build. */
const userLib = 'pub mod x;\n\npub fn total() -> i64 {\n    x::x_total(&[1, 2, 3])\n}\n';

/** keeper keeps x.rs, user has a copy of it; `buildScript` becomes user/build.rs. */
const workspace = (buildScript?: string): string =>
  file('Cargo.toml', '[workspace]\nmembers = ["keeper", "user"]\nresolver = "2"\n') +
  rustCrate('keeper', 'keeper', { x: rustModule('x') }) +
  file('user/Cargo.toml', packageToml('user')) +
  file('user/src/lib.rs', userLib) +
  file('user/src/x.rs', rustModule('x')) +
  (buildScript ? file('user/build.rs', buildScript) : '');

describe('rust-consolidate fix, verified by cargo check', function () {
  // Each case runs cargo once to three times; the target folder is shared so std is checked once.
  this.timeout(180_000);
  const dirs: string[] = [];
  let cargo: Cargo;
  before(() => (cargo = new Cargo()));
  after(() => {
    dirs.forEach(removeFixture);
    cargo.dispose();
  });
  const fixture = (text: string) => {
    const dir = writeFixture(text);
    dirs.push(dir);
    return { dir, at: (relative: string) => path.join(dir, relative) };
  };
  /** cargo's output goes to the suite's target folder, so a tree hash sees only the workspace's own files. */
  const env = () => ({ ...process.env, CARGO_TARGET_DIR: cargo.targetDir });
  const run = (...args: string[]) => {
    const result = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: env() });
    assert.equal(result.error, undefined);
    return result;
  };

  it('applies a fix that builds and reports it verified', () => {
    const { dir, at } = fixture(workspace());
    const fixed = run('fix', dir, '--authoritative', 'keeper');
    assert.equal(fixed.status, 0, fixed.stdout + fixed.stderr);
    assert.match(fixed.stdout, /^fixed user\/src\/x\.rs: Replace with re-export from keeper$/m);
    assert.match(fixed.stdout, /^verified: cargo check --workspace --all-targets --manifest-path \S+Cargo\.toml --message-format=json --offline passed$/m);
    assert.equal(fs.existsSync(at('user/src/x.rs')), false, 'the copy is gone');
    assert.match(fs.readFileSync(at('user/src/lib.rs'), 'utf8'), /^pub use keeper::x;$/m);
    cargo.check(at('Cargo.toml'), '--workspace');
  });

  it('rolls back a fix that a build script breaks, every byte of every file as before, and reports the error', () => {
    // What no static check sees: the build script reads the copy the fix deletes.
    const { dir } = fixture(workspace('fn main() {\n    std::fs::read_to_string("src/x.rs").expect("build.rs reads src/x.rs");\n}\n'));
    // No Cargo.lock yet: the check creates one, and the rollback must remove it.
    const before = treeHash(dir);
    const fixed = run('fix', dir, '--authoritative', 'keeper');
    assert.equal(fixed.status, 1, fixed.stdout + fixed.stderr);
    assert.match(
      fixed.stdout,
      /^rolled back user\/src\/x\.rs: Replace with re-export from keeper: cargo check .* failed with the fix: failed to run custom build command for `user .*build\.rs reads src\/x\.rs/m,
    );
    assert.match(fixed.stdout, /^every file the fix touched was written back as it was$/m);
    assert.equal(treeHash(dir), before, 'the workspace is byte-identical: the deleted copy restored, the edits undone, the new Cargo.lock removed');
    cargo.check(path.join(dir, 'Cargo.toml'), '--workspace');
  });

  it('after the fixes together fail, tries each alone: keeps the one that builds, rolls back the one that does not', () => {
    const { dir, at } = fixture(
      file('Cargo.toml', '[workspace]\nmembers = ["keeper", "user"]\nresolver = "2"\n') +
        rustCrate('keeper', 'keeper', { x: rustModule('x'), y: rustModule('y') }) +
        file('user/Cargo.toml', packageToml('user')) +
        file('user/src/lib.rs', 'pub mod x;\npub mod y;\n\npub fn total() -> i64 {\n    x::x_total(&[1]) + y::y_total(&[2])\n}\n') +
        file('user/src/x.rs', rustModule('x')) +
        file('user/src/y.rs', rustModule('y')) +
        // Only y's fix breaks the build.
        file('user/build.rs', 'fn main() {\n    std::fs::read_to_string("src/y.rs").expect("build.rs reads src/y.rs");\n}\n'),
    );
    const y = fs.readFileSync(at('user/src/y.rs'));
    const fixed = run('fix', dir, '--authoritative', 'keeper');
    assert.equal(fixed.status, 1, fixed.stdout + fixed.stderr);
    assert.match(fixed.stdout, /^fixed user\/src\/x\.rs: Replace with re-export from keeper$/m);
    assert.match(fixed.stdout, /^rolled back user\/src\/y\.rs: Replace with re-export from keeper: cargo check .* failed with the fix: .*build\.rs reads src\/y\.rs/m);
    assert.match(fixed.stdout, /^verified: cargo check .* passed$/m);
    assert.equal(fs.existsSync(at('user/src/x.rs')), false, 'the copy that could go is gone');
    assert.deepEqual(fs.readFileSync(at('user/src/y.rs')), y, 'the other is as it was');
    assert.equal(fs.readFileSync(at('user/src/lib.rs'), 'utf8'), 'pub use keeper::x;\npub mod y;\n\npub fn total() -> i64 {\n    x::x_total(&[1]) + y::y_total(&[2])\n}\n');
    cargo.check(at('Cargo.toml'), '--workspace');
  });

  it('--format json gives the same outcomes, with the compiler errors, their files and lines', () => {
    const { dir, at } = fixture(workspace());
    // The crate's test target also compiles the copy, through a `mod` a macro
    // writes (what the static checks do not expand): only --all-targets sees it.
    fs.appendFileSync(at('user/src/lib.rs'), '\n#[cfg(test)]\nmacro_rules! again {\n    () => {\n        #[path = "x.rs"] mod again;\n    };\n}\n#[cfg(test)]\nagain!();\n');
    const before = treeHash(dir);
    const fixed = run('fix', dir, '--authoritative', 'keeper', '--format', 'json');
    assert.equal(fixed.status, 1, fixed.stderr);
    const report = JSON.parse(fixed.stdout) as {
      verification: { outcome: string; reason: string };
      fixes: { outcome: string; file: string; title: string; reason: string; errors: { file: string; line: number; message: string }[] }[];
    };
    assert.equal(report.verification.outcome, 'rolled back');
    assert.equal(report.fixes.length, 1);
    const [entry] = report.fixes;
    assert.equal(entry.outcome, 'rolled back');
    assert.equal(entry.file, 'user/src/x.rs');
    assert.equal(entry.title, 'Replace with re-export from keeper');
    assert.match(entry.reason, /failed with the fix: user\/src\/lib\.rs:10:\d+: couldn't read/);
    assert.equal(entry.errors[0].file, 'user/src/lib.rs');
    assert.equal(entry.errors[0].line, 10);
    assert.match(entry.errors[0].message, /couldn't read/);
    assert.equal(treeHash(dir), before);
  });

  it('rolls back when the check is interrupted (the test sends SIGINT while cargo runs)', async () => {
    // A build script that outlasts the test unless the check is stopped.
    const { dir } = fixture(workspace('fn main() {\n    std::thread::sleep(std::time::Duration::from_secs(600));\n}\n'));
    const before = treeHash(dir);
    const child = spawn(process.execPath, [CLI, 'fix', dir, '--authoritative', 'keeper'], { env: env() });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    const checking = new Promise<void>((resolve) =>
      child.stderr.setEncoding('utf8').on('data', (d: string) => {
        stderr += d;
        if (/checking: cargo check/.test(stderr)) resolve();
      }),
    );
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    await checking;
    assert.equal(fs.existsSync(path.join(dir, 'user/src/x.rs')), false, 'the edit is on disk while the check runs');
    child.kill('SIGINT');
    assert.equal(await exited, 1, stdout + stderr);
    assert.match(stdout, /^rolled back user\/src\/x\.rs: Replace with re-export from keeper: the check was interrupted/m);
    assert.equal(treeHash(dir), before);
  });

  it('rolls back when the check runs past --check-timeout', () => {
    const { dir } = fixture(workspace('fn main() {\n    std::thread::sleep(std::time::Duration::from_secs(600));\n}\n'));
    const before = treeHash(dir);
    const fixed = run('fix', dir, '--authoritative', 'keeper', '--check-timeout', '3');
    assert.equal(fixed.status, 1, fixed.stdout + fixed.stderr);
    assert.match(fixed.stdout, /^rolled back user\/src\/x\.rs: Replace with re-export from keeper: the check ran past its time limit of 3 s$/m);
    assert.equal(treeHash(dir), before);
  });

  it('checks each --features combination: a feature that reads the copy rolls the fix back', () => {
    const featured = (dir: string) => {
      const at = (relative: string) => path.join(dir, relative);
      fs.appendFileSync(at('user/Cargo.toml'), '\n[features]\nembed = []\n');
      // With the feature, the build script reads the copy: no static check sees it.
      fs.writeFileSync(
        at('user/build.rs'),
        'fn main() {\n    if std::env::var_os("CARGO_FEATURE_EMBED").is_some() {\n        std::fs::read_to_string("src/x.rs").expect("build.rs reads src/x.rs");\n    }\n}\n',
      );
    };
    const plain = fixture(workspace());
    featured(plain.dir);
    const unchecked = run('fix', plain.dir, '--authoritative', 'keeper');
    assert.equal(unchecked.status, 0, unchecked.stdout + unchecked.stderr);
    assert.match(unchecked.stdout, /^fixed user\/src\/x\.rs/m, 'without the feature, the check cannot see it');

    const withFeature = fixture(workspace());
    featured(withFeature.dir);
    const before = treeHash(withFeature.dir);
    const checked = run('fix', withFeature.dir, '--authoritative', 'keeper', '--features', 'user/embed');
    assert.equal(checked.status, 1, checked.stdout + checked.stderr);
    assert.match(checked.stdout, /^rolled back user\/src\/x\.rs: .*--features user\/embed failed with the fix: failed to run custom build command for `user .*build\.rs reads src\/x\.rs/m);
    assert.equal(treeHash(withFeature.dir), before);
  });

  it('refuses a dirty git tree without --allow-dirty, and with it applies the fix', () => {
    const { dir, at } = fixture(workspace());
    const git = (...args: string[]) => {
      const result = spawnSync('git', ['-c', 'user.name=test', '-c', 'user.email=test@example.com', ...args], { cwd: dir, encoding: 'utf8' });
      assert.equal(result.status, 0, result.stderr);
    };
    git('init', '-q');
    git('add', '-A');
    git('commit', '-q', '-m', 'fixture');
    fs.writeFileSync(at('notes.txt'), 'work in progress\n');
    const before = treeHash(dir);
    const refused = run('fix', dir, '--authoritative', 'keeper', '--no-verify');
    assert.equal(refused.status, 1, refused.stderr);
    assert.match(
      refused.stdout,
      /^refused user\/src\/x\.rs: Replace with re-export from keeper: the working tree has uncommitted changes \(notes\.txt\); commit or stash them, or pass --allow-dirty$/m,
    );
    assert.equal(treeHash(dir), before);
    const allowed = run('fix', dir, '--authoritative', 'keeper', '--no-verify', '--allow-dirty');
    assert.equal(allowed.status, 0, allowed.stderr);
    assert.match(allowed.stdout, /^fixed user\/src\/x\.rs: Replace with re-export from keeper$/m);
    assert.match(allowed.stdout, /^unverified: not checked with cargo \(--no-verify\)$/m);
  });

  it('without cargo says it could not verify, and writes every file back', () => {
    const { dir } = fixture(workspace());
    const before = treeHash(dir);
    const fixed = run('fix', dir, '--authoritative', 'keeper', '--check-command', path.join(dir, 'no-such-cargo'));
    assert.equal(fixed.status, 1, fixed.stderr);
    assert.match(fixed.stdout, /^rolled back user\/src\/x\.rs: .*: could not verify: \S+no-such-cargo was not found; pass --no-verify to apply it unchecked$/m);
    assert.equal(treeHash(dir), before);
  });
});

describe('rust-consolidate fix applies edits only onto the text they were computed on', function () {
  this.timeout(60_000);
  const dirs: string[] = [];
  after(() => dirs.forEach(removeFixture));

  it('refuses, and changes nothing, when a manifest is edited between the index and the fix', () => {
    const dir = writeFixture(workspace());
    dirs.push(dir);
    const manifest = path.join(dir, 'user', 'Cargo.toml');
    // A preload that plays `cargo add` right after the CLI's index read the manifest.
    const preload = path.join(dir, '..', 'race.js');
    fs.writeFileSync(
      preload,
      `const fs = require('node:fs');
const read = fs.readFileSync;
let done = false;
fs.readFileSync = function (file, ...rest) {
  const result = read.call(this, file, ...rest);
  if (!done && String(file) === ${JSON.stringify(manifest)}) {
    done = true;
    fs.writeFileSync(file, '# added by a user\\n' + read(file, 'utf8'));
  }
  return result;
};
`,
    );
    const result = spawnSync(process.execPath, ['--require', preload, CLI, 'fix', dir, '--authoritative', 'keeper', '--no-verify'], { encoding: 'utf8' });
    assert.equal(result.status, 1, result.stdout + result.stderr);
    assert.match(result.stdout, /^refused user\/src\/x\.rs: Replace with re-export from keeper: user\/Cargo\.toml changed since it was indexed; run again on the current files$/m);
    assert.equal(fs.readFileSync(manifest, 'utf8'), '# added by a user\n' + packageToml('user'), 'the user\'s edit is kept, nothing inserted');
    assert.equal(fs.existsSync(path.join(dir, 'user/src/x.rs')), true, 'the copy is not deleted');
  });

  it('keeps CRLF line breaks and a latin-1 byte of a manifest it removes a dependency from', () => {
    const manifest = [
      '# r\xe9sum\xe9 of the app', // latin-1 é: not UTF-8
      '[package]',
      'name = "app"',
      'version = "0.1.0"',
      'edition = "2021"',
      '',
      '[dependencies]',
      'shared = "1.0"',
      'other = { path = "../other" }',
      '',
    ].join('\r\n');
    const dir = writeFixture(
      file('app/src/lib.rs', 'pub fn f() {}') +
        file('shared/Cargo.toml', '[package]\nname = "shared"\nversion = "1.0.0"\nedition = "2021"\n') +
        file('shared/src/lib.rs', 'pub fn g() {}') +
        file('other/Cargo.toml', packageToml('other')) +
        file('other/src/lib.rs', 'pub fn h() {}'),
    );
    dirs.push(dir);
    const at = path.join(dir, 'app', 'Cargo.toml');
    fs.writeFileSync(at, Buffer.from(manifest, 'latin1'));
    const result = spawnSync(process.execPath, [CLI, 'fix', dir, '--code', 'inverted-dependency', '--no-verify'], { encoding: 'utf8' });
    assert.equal(result.status, 0, result.stdout + result.stderr);
    assert.match(result.stdout, /^fixed app\/Cargo\.toml: Remove inverted dependency$/m);
    const expected = manifest.replace('shared = "1.0"\r\n', '');
    assert.deepEqual(fs.readFileSync(at), Buffer.from(expected, 'latin1'), 'only the entry\'s line went; every other byte kept');
    assert.deepEqual(fs.readdirSync(path.dirname(at)).filter((f) => f.includes('.tmp')), [], 'no temporary file left');
  });
});
