// The bad-input matrix: each hostile input beside a healthy pair of crates
// that share a copied module. Every case runs the real CLI in a child process
// with a 512 MB heap and a time limit, so a quadratic structure or a hang
// fails the test instead of the machine, and asserts that the copy between the
// healthy crates is still reported.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseManifest } from '../../server/src/core/cargo/manifest';
import { file, repoRoot, rustCrate, rustModule, useFixtures } from '../support/fixture';

const CLI = path.join(repoRoot, 'dist', 'cli.js');
const HEAP_MB = 512;
const TIME_LIMIT_MS = 20_000;

interface Finding {
  code: string;
  file: string;
  message: string;
  range: { start: { line: number; character: number } };
}

/** The healthy part of every case: `ext::shared` copied into `app`. */
const HEALTHY = rustCrate('ext', 'ext', { shared: rustModule('shared') }) + rustCrate('app', 'app', { shared: rustModule('shared') });

function check(dir: string, args: string[] = []): { findings: Finding[]; crates: string[]; stderr: string; plan?: { scopes: { total: number }[] } } {
  const run = spawnSync(process.execPath, [`--max-old-space-size=${HEAP_MB}`, CLI, 'check', dir, '--format', 'json', ...args], {
    encoding: 'utf8',
    timeout: TIME_LIMIT_MS,
    maxBuffer: 64 * 1024 * 1024,
  });
  assert.equal(run.signal, null, `check was stopped by ${run.signal} (over ${TIME_LIMIT_MS} ms?)\n${run.stderr}`);
  assert.ok(run.status === 0 || run.status === 1, `check exits 0 or 1, got ${run.status}\n${run.stderr}`);
  const report = JSON.parse(run.stdout) as { findings: Finding[]; crates: { name: string }[]; plan?: { scopes: { total: number }[] } };
  return { findings: report.findings, crates: report.crates.map((c) => c.name), stderr: run.stderr, plan: report.plan };
}

function assertHealthyAnalysed(findings: Finding[]): void {
  const copies = findings.filter((f) => f.code === 'duplicate-file').map((f) => f.file);
  assert.equal(copies.length, 1, `the copy between ext and app is still reported: ${JSON.stringify(findings.map((f) => [f.code, f.file]))}`);
}

describe('bad-input matrix: the rest of the workspace is still analysed', function () {
  this.timeout(TIME_LIMIT_MS * 2);
  const fixture = useFixtures();

  before(function () {
    if (!fs.existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first`);
  });

  for (const exclude of ['""', '"/"', '"."']) {
    it(`exclude = [${exclude}] excludes the tree below the root, as cargo does, without a crash`, function () {
      const dir = fixture(file('Cargo.toml', `[workspace]\nexclude = [${exclude}]\n`) + HEALTHY);
      const { findings, crates } = check(dir);
      // cargo joins the entry to the root, so every package below it is
      // excluded; this tool leaves excluded packages out, as for any exclude.
      assert.deepEqual(crates, []);
      assert.deepEqual(findings, []);
    });
  }

  it('an explicit member under an excluded path stays a member (cargo is_excluded)', function () {
    const dir = fixture(file('Cargo.toml', `[workspace]\nmembers = ["ext", "app"]\nexclude = [""]\n`) + HEALTHY);
    const { findings, crates } = check(dir);
    assert.deepEqual(crates.sort(), ['app', 'ext']);
    assertHealthyAnalysed(findings);
  });

  it('exclude = ["*"] is a path, not a glob: it excludes nothing here', function () {
    const dir = fixture(file('Cargo.toml', `[workspace]\nexclude = ["*"]\n`) + HEALTHY);
    const { findings, crates } = check(dir);
    assert.deepEqual(crates.sort(), ['app', 'ext']);
    assertHealthyAnalysed(findings);
  });

  it('exclude = ["./e"] excludes the folder e, not ext (component by component)', function () {
    const dir = fixture(file('Cargo.toml', `[workspace]\nexclude = ["./e"]\n`) + HEALTHY + rustCrate('e', 'e', {}));
    const { crates } = check(dir);
    assert.deepEqual(crates.sort(), ['app', 'ext']);
  });

  it('a dotted key of 20,000 parts is read in linear memory', function () {
    const key = Array(20_000).fill('k').join('.');
    const dir = fixture(HEALTHY + file('big/Cargo.toml', `[package]\nname = "big"\nversion = "0.1.0"\n[package.metadata]\n${key} = 1\n`) + file('big/src/lib.rs', ''));
    const { findings, crates } = check(dir);
    assert.ok(crates.includes('big'), 'the manifest with the long key is read');
    assertHealthyAnalysed(findings);
  });

  it('a string of 300,000 characters parses, and the value is kept', function () {
    const long = 'd'.repeat(300_000);
    const dir = fixture(HEALTHY + file('long/Cargo.toml', `[package]\nname = "long"\nversion = "0.1.0"\ndescription = "${long}"\n[dependencies]\next = { path = "../ext" }\n`) + file('long/src/lib.rs', ''));
    const { findings, crates } = check(dir);
    assert.ok(crates.includes('long'));
    assert.deepEqual(findings.filter((f) => f.code === 'manifest-error'), []);
    assertHealthyAnalysed(findings);
    const manifest = parseManifest('/x/Cargo.toml', `[package]\nname = "long"\ndescription = "${long}\\t"\nrepository = '${long}'\n[dependencies]\nq = "1"\n`);
    assert.equal(manifest.error, undefined);
    assert.deepEqual(manifest.dependencies.map((d) => [d.name, d.keyRange.start.line]), [['q', 5]]);
  });

  it('a manifest that starts with a UTF-8 byte-order mark is read, as cargo reads it', function () {
    const dir = fixture(HEALTHY);
    fs.writeFileSync(path.join(dir, 'ext/Cargo.toml'), '\uFEFF' + fs.readFileSync(path.join(dir, 'ext/Cargo.toml'), 'utf8'));
    const { findings, crates } = check(dir);
    assert.deepEqual(crates.sort(), ['app', 'ext']);
    assertHealthyAnalysed(findings);
  });

  const rejected: [string, string, string, number][] = [
    ['package = "x"\n', 'invalid type: string "x", expected struct TomlPackage', 'the value', 0],
    ['[package]\nname = 42\nversion = "0.1.0"\n', 'invalid type: integer `42`, expected a string', 'the value', 1],
    ['[package]\nversion = "0.1.0"\n', 'missing field `package.name`', 'the table', 0],
    ['[package]\nname = "a b"\n', 'invalid character ` ` in package name: `a b`', 'the value', 1],
    ['[package]\nname = "bad"\n[dependencies]\nx = 1\n', 'invalid type: integer `1`, expected a version string like "0.9.8"', 'the value', 3],
    ['[package]\nname = "bad"\n[workspace]\nmembers = "x"\n', 'invalid type: string "x", expected a sequence', 'the value', 3],
  ];
  for (const [manifest, message, where, line] of rejected) {
    it(`valid TOML cargo rejects is a manifest-error in cargo's words: ${message.slice(0, 50)}`, function () {
      const dir = fixture(HEALTHY + file('bad/Cargo.toml', manifest) + file('bad/src/lib.rs', ''));
      const { findings } = check(dir);
      const errors = findings.filter((f) => f.code === 'manifest-error');
      assert.equal(errors.length, 1, JSON.stringify(findings));
      assert.equal(errors[0].file, 'bad/Cargo.toml');
      assert.ok(errors[0].message.includes(message), errors[0].message);
      assert.equal(errors[0].range.start.line, line, `at ${where}`);
      assertHealthyAnalysed(findings);
    });
  }

  it('a package name with a terminal escape is rejected as cargo does, and printed escaped', function () {
    const dir = fixture(HEALTHY + file('bad/Cargo.toml', '[package]\nname = "a\\u001b[31mred"\n') + file('bad/src/lib.rs', ''));
    const { findings, stderr } = check(dir);
    const errors = findings.filter((f) => f.code === 'manifest-error');
    assert.equal(errors.length, 1);
    assert.ok(errors[0].message.includes('in package name: `a\\u{1b}[31mred`'), errors[0].message);
    assert.ok(!stderr.includes('\u001b'), 'no escape character reaches the terminal');
    assertHealthyAnalysed(findings);
  });

  it('a dependency keyed __proto__ or constructor is a dependency like any other', function () {
    const m = parseManifest('/x/Cargo.toml', '[package]\nname = "a"\n[dependencies]\n__proto__ = { path = "../p" }\nconstructor = "1"\n[dependencies.toString]\nversion = "2"\n');
    assert.equal(m.error, undefined);
    assert.deepEqual(
      m.dependencies.map((d) => [d.name, d.source]),
      [['__proto__', 'path'], ['constructor', 'registry'], ['toString', 'registry']],
    );
  });

  it('a blockquote nested 5,000 deep in a plan does not crash check', function () {
    const dir = fixture(HEALTHY + file('consolidation.md', `# Consolidation plan\n\n${'>'.repeat(5000)} x\n\n## 1. Scope\n\n- [ ] Remove \`app/src/shared.rs\`\n`));
    const { findings } = check(dir);
    assertHealthyAnalysed(findings);
  });

  it('a plan item of 100,000 emphasis delimiters is read in time (quadratic in micromark: 2 s for 20,000)', function () {
    const dir = fixture(HEALTHY + file('consolidation.md', `# Consolidation plan\n\n## 1. Scope\n\n- [ ] ${'*a'.repeat(50_000)}\n- [ ] Remove \`app/src/shared.rs\`\n`));
    const { findings, plan } = check(dir);
    assertHealthyAnalysed(findings);
    assert.deepEqual(
      plan?.scopes.map((s) => s.total),
      [2],
      'the plan is read, both items',
    );
  });

  it('inline modules nested 3,000 deep are analysed', function () {
    const depth = 3000;
    const nested = Array.from({ length: depth }, (_, i) => `mod m${i} {\n`).join('') + 'fn x() {}\n' + '}\n'.repeat(depth);
    const dir = fixture(HEALTHY + rustCrate('deep', 'deep', { nested }));
    const { findings, crates } = check(dir);
    assert.ok(crates.includes('deep'));
    assertHealthyAnalysed(findings);
  });

  it('a clone class of 300 copies: each finding relates at most 20 and says how many there are', function () {
    const copies = 300;
    const crates = Array.from({ length: copies }, (_, i) => rustCrate(`c${String(i).padStart(3, '0')}`, `c${i}`, { shared: rustModule('shared') }));
    const dir = fixture(crates.join(''));
    const { findings } = check(dir);
    const copyFindings = findings.filter((f) => f.code === 'duplicate-file') as (Finding & { related: unknown[] })[];
    assert.equal(copyFindings.length, copies - 1);
    for (const f of copyFindings) {
      assert.ok(f.related.length <= 20, `${f.file} relates ${f.related.length}`);
      assert.ok(f.message.includes(`one of ${copies - 1} copies`), f.message);
    }
  });

  it('a folder whose name is not valid UTF-8 is left out with a warning, not silently', function () {
    const dir = fixture(HEALTHY);
    const folder = Buffer.concat([Buffer.from(path.join(dir, 'app/src/caf')), Buffer.from([0xe9])]);
    fs.mkdirSync(folder);
    fs.writeFileSync(Buffer.concat([folder, Buffer.from('/x.rs')]), rustModule('other'));
    const { findings, stderr } = check(dir);
    assert.match(stderr, /app\/src\/caf\\x\?\?: not read: its name is not valid UTF-8/);
    assertHealthyAnalysed(findings);
  });

  it('an empty glob in --exclude is ignored rather than a crash', function () {
    const dir = fixture(HEALTHY);
    assertHealthyAnalysed(check(dir, ['--exclude', '']).findings);
  });
});
