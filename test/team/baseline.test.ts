// Baselines for CI and SARIF fingerprints: a round trip, a baselined clone
// copied once more failing as new, identities that survive runs and edits
// elsewhere, and a baseline that cannot be read.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { removeFixture, rustCrate, rustModule, writeFixture } from '../support/fixture';
import { checkJson, run } from './support';

const OTHER = 'pub fn lonely(a: u8) -> u8 {\n    a.wrapping_add(1)\n}\n';
const WORKSPACE =
  rustCrate('alpha', 'alpha', { x: rustModule('x'), other: OTHER }) +
  rustCrate('beta', 'beta', { x: rustModule('x') }, '[dependencies]\nalpha = "0.1"\n');

interface Sarif {
  runs: { results: { ruleId: string; locations: { physicalLocation: { artifactLocation: { uri: string } } }[]; partialFingerprints: Record<string, string> }[] }[];
}

function fingerprints(dir: string): string[] {
  const sarif = JSON.parse(run('check', dir, '--format', 'sarif', '--no-near-miss').stdout) as Sarif;
  return sarif.runs[0].results.map((r) => `${r.ruleId} ${r.locations[0].physicalLocation.artifactLocation.uri} ${r.partialFingerprints['rustConsolidate/v1']}`);
}

describe('baselines and fingerprints', () => {
  let dir: string;
  let baseline: string;
  beforeEach(() => {
    dir = writeFixture(WORKSPACE);
    baseline = path.join(dir, 'rust-consolidate-baseline.json');
  });
  afterEach(() => removeFixture(dir));

  it('--write-baseline accepts today\'s findings; --baseline then reports none and exits 0', () => {
    const written = run('check', dir, '--no-near-miss', '--write-baseline', baseline);
    assert.equal(written.status, 0, written.stderr);
    const first = fs.readFileSync(baseline, 'utf8');
    const entries = (JSON.parse(first) as { findings: { code: string; file: string }[] }).findings;
    assert.deepEqual(entries.map((e) => [e.code, e.file]).sort(), [['duplicate-file', 'beta/src/x.rs'], ['inverted-dependency', 'beta/Cargo.toml']]);
    // Written again from the same findings: byte for byte the same.
    run('check', dir, '--no-near-miss', '--write-baseline', baseline);
    assert.equal(fs.readFileSync(baseline, 'utf8'), first);

    const { json, status } = checkJson(dir, '--baseline', baseline);
    assert.equal(status, 0);
    assert.deepEqual(json.findings, []);
    assert.deepEqual((json as unknown as { baseline: unknown }).baseline, { file: baseline, known: 2, fixed: 0 });
  });

  it('fails on a baselined clone copied once more: the grown class is new', () => {
    run('check', dir, '--no-near-miss', '--write-baseline', baseline);
    fs.mkdirSync(path.join(dir, 'gamma', 'src'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'gamma', 'Cargo.toml'), '[package]\nname = "gamma"\nversion = "0.1.0"\nedition = "2021"\n');
    fs.writeFileSync(path.join(dir, 'gamma', 'src', 'lib.rs'), 'pub mod x;\n');
    fs.writeFileSync(path.join(dir, 'gamma', 'src', 'x.rs'), rustModule('x'));
    const { json, status } = checkJson(dir, '--baseline', baseline);
    assert.equal(status, 1);
    assert.deepEqual(json.findings.map((f) => [f.code, f.file]), [['duplicate-file', 'beta/src/x.rs'], ['duplicate-file', 'gamma/src/x.rs']]);
    // The dependency did not change: still known. The old two-copy class is gone.
    assert.deepEqual((json as unknown as { baseline: unknown }).baseline, { file: baseline, known: 1, fixed: 1 });
  });

  it('keeps the same SARIF fingerprints across runs and across edits elsewhere', () => {
    run('check', dir, '--no-near-miss', '--write-baseline', baseline);
    const before = fingerprints(dir);
    assert.equal(before.length, 2);
    assert.deepEqual(fingerprints(dir), before);
    // An unrelated file changes, and lines are added above the dependency.
    fs.appendFileSync(path.join(dir, 'alpha', 'src', 'other.rs'), '\npub fn more() -> u8 {\n    2\n}\n');
    const manifest = path.join(dir, 'beta', 'Cargo.toml');
    fs.writeFileSync(manifest, fs.readFileSync(manifest, 'utf8').replace('[package]', '# beta: the Python bindings\n\n[package]'));
    assert.deepEqual(fingerprints(dir).map((f) => f.split(' ')[2]), before.map((f) => f.split(' ')[2]));
    // And the baseline written before the edits still holds them.
    const { json, status } = checkJson(dir, '--baseline', baseline);
    assert.equal(status, 0, JSON.stringify(json.findings));
  });

  it('refuses a baseline it cannot read, with the reason, exit 2', () => {
    const missing = run('check', dir, '--baseline', path.join(dir, 'nope.json'));
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /cannot read the baseline .*nope\.json: no such file \(write one with --write-baseline\)/);
    fs.writeFileSync(baseline, '{"findings": 3}');
    const wrong = run('check', dir, '--baseline', baseline);
    assert.equal(wrong.status, 2);
    assert.match(wrong.stderr, /not a rust-consolidate baseline/);
  });
});
