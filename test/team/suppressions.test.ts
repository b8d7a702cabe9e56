// Suppressions as a team writes them: a comment on a file, on an item, in a
// manifest, and the shared settings' allow list; each silences its finding,
// which the JSON still counts under `suppressed`, and one that silences
// nothing is reported.
import * as assert from 'node:assert/strict';
import { file, rustCrate, rustModule, useFixtures } from '../support/fixture';
import { checkJson, run } from './support';

const KEEP = '// rust-consolidate: allow(duplicate-file) -- kept on purpose: beta ships without alpha\n';
const copies = (betaX: string) => rustCrate('alpha', 'alpha', { x: rustModule('x') }) + rustCrate('beta', 'beta', { x: betaX });

/** An item big enough to be a copied item, inside files that are otherwise unlike. */
const ITEM = `pub fn shared_total(values: &[i64]) -> i64 {
    let mut total = 0;
    for value in values {
        if *value > 10 {
            total += value * 2 + 1;
        } else {
            total -= value;
        }
        if total > 1000 {
            return total / 2 + values.len() as i64;
        }
    }
    total
}
`;

describe('suppressions', () => {
  const fixture = useFixtures();

  it('a comment at the top of a copy silences its duplicate-file, which the JSON lists under suppressed', () => {
    const dir = fixture(copies(KEEP + rustModule('x')));
    const { json, status } = checkJson(dir);
    assert.equal(status, 0);
    assert.deepEqual(json.findings, []);
    assert.deepEqual(
      json.suppressed.map((f) => [f.code, f.file, f.suppression]),
      [['duplicate-file', 'beta/src/x.rs', { file: 'beta/src/x.rs', line: 0, reason: 'kept on purpose: beta ships without alpha' }]],
    );
    // The copy is not counted as duplicated lines either: the team keeps it.
    assert.equal(json.stats.duplicatedLines, 0);
  });

  it('a comment above an item silences that item only', () => {
    const alpha = 'pub struct A;\n\n' + ITEM + '\npub fn other() -> u8 { 1 }\n';
    const beta =
      'pub enum B { One, Two }\n\n// rust-consolidate: allow(duplicate-item) -- the vendored copy stays until 2.0\n/// Totals.\n#[inline]\n' +
      ITEM +
      '\npub fn unrelated(a: u8, b: u8) -> u8 { a.wrapping_mul(b) }\n';
    const dir = fixture(rustCrate('alpha', 'alpha', { m: alpha }) + rustCrate('beta', 'beta', { n: beta }));
    const near = run('check', dir, '--format', 'json');
    const json = JSON.parse(near.stdout) as { findings: { code: string; file: string }[]; suppressed: { code: string; file: string; suppression: { line: number } }[] };
    assert.deepEqual(json.suppressed.map((f) => [f.code, f.file, f.suppression.line]), [['duplicate-item', 'beta/src/n.rs', 2]]);
    assert.deepEqual(json.findings, [], near.stdout);
    // Without the comment, the same item is reported.
    const bare = fixture(rustCrate('alpha', 'alpha', { m: alpha }) + rustCrate('beta', 'beta', { n: beta.replace(/\/\/ rust-consolidate.*\n/, '') }));
    const reported = JSON.parse(run('check', bare, '--format', 'json').stdout) as typeof json;
    assert.deepEqual(reported.findings.map((f) => [f.code, f.file]), [['duplicate-item', 'beta/src/n.rs']]);
  });

  it('a `#` comment in a manifest silences the dependency below it', () => {
    const dir = fixture(
      rustCrate('alpha', 'alpha', { x: rustModule('x') }) +
        rustCrate('beta', 'beta', { y: 'pub fn y() {}\n' }, '[dependencies]\n# rust-consolidate: allow(inverted-dependency) -- the published alpha is pinned for the FFI build\nalpha = "0.1"\n'),
    );
    const { json, status } = checkJson(dir);
    assert.equal(status, 0, JSON.stringify(json.findings));
    assert.deepEqual(json.suppressed.map((f) => [f.code, f.file, f.suppression?.line]), [['inverted-dependency', 'beta/Cargo.toml', 5]]);
  });

  it('the allow list in the shared settings silences the findings its glob names, with the reason', () => {
    const dir = fixture(
      file(
        'Cargo.toml',
        '[workspace]\nmembers = ["alpha", "beta"]\n\n[[workspace.metadata.rust-consolidate.allow]]\ncode = "duplicate-file"\npath = "beta/src/**"\nreason = "beta is the frozen 1.x line"\n',
      ) + copies(rustModule('x')),
    );
    const { json, status } = checkJson(dir);
    assert.equal(status, 0, JSON.stringify(json.findings));
    assert.deepEqual(json.suppressed.map((f) => [f.file, f.suppression]), [['beta/src/x.rs', { file: 'Cargo.toml', line: 3, reason: 'beta is the frozen 1.x line' }]]);
  });

  it('reports a comment and an allow entry that silence nothing as redundant-suppression, and fails', () => {
    const dir = fixture(
      file(
        'Cargo.toml',
        '[workspace]\nmembers = ["alpha", "beta"]\n\n[workspace.metadata.rust-consolidate]\nallow = [{ code = "duplicate-file", path = "alpha/**", reason = "old" }]\n',
      ) +
        // beta's copy differs now: its comment silences nothing.
        copies(KEEP + 'pub fn different() -> u32 {\n    let values = [1u32, 2, 3, 4, 5, 6, 7, 8];\n    values.iter().map(|v| v * 3 + 7).filter(|v| v % 2 == 1).sum::<u32>() + values.len() as u32\n}\n'),
    );
    const { json, status } = checkJson(dir);
    assert.equal(status, 1);
    assert.deepEqual(
      json.findings.map((f) => [f.code, f.file, f.range.start.line]),
      [
        ['redundant-suppression', 'Cargo.toml', 4],
        ['redundant-suppression', 'beta/src/x.rs', 0],
      ],
    );
    assert.match(json.findings[1].message, /suppression of `duplicate-file` no longer suppresses anything: remove it/);
  });

  it('reports no redundant suppression while that code is off', () => {
    const dir = fixture(
      file('Cargo.toml', '[workspace]\nmembers = ["alpha", "beta"]\n\n[workspace.metadata.rust-consolidate]\nseverity = { redundant-suppression = "off" }\n') +
        copies(KEEP + 'pub fn different() -> u32 {\n    let values = [1u32, 2, 3, 4, 5, 6, 7, 8];\n    values.iter().map(|v| v * 3 + 7).sum::<u32>()\n}\n'),
    );
    const { json, status } = checkJson(dir);
    assert.equal(status, 0, JSON.stringify(json.findings));
    assert.deepEqual(json.findings, []);
  });

  it('a comment without a reason suppresses nothing and says why', () => {
    const dir = fixture(copies('// rust-consolidate: allow(duplicate-file)\n' + rustModule('x')));
    const { json } = checkJson(dir);
    assert.deepEqual(json.findings.map((f) => [f.code, f.file, f.range.start.line]), [
      ['duplicate-file', 'beta/src/x.rs', 0],
      ['settings-error', 'beta/src/x.rs', 0],
    ]);
    assert.match(json.findings[1].message, /gives no reason/);
  });
});
