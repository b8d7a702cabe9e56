// Settings a team shares in the root Cargo.toml, read by the CLI as a CI job
// runs it: what they change, what a flag overrides, and the diagnostics on
// keys and values that cannot be used.
import * as assert from 'node:assert/strict';
import { file, rustCrate, rustModule, useFixtures } from '../support/fixture';
import { checkJson } from './support';

const ROOT = (metadata: string) =>
  file('Cargo.toml', `[workspace]\nmembers = ["alpha", "beta"]\n\n[workspace.metadata.rust-consolidate]\n${metadata}`);
const COPIES = rustCrate('alpha', 'alpha', { x: rustModule('x') }) + rustCrate('beta', 'beta', { x: rustModule('x') });

describe('shared settings in Cargo.toml, read by the CLI', () => {
  const fixture = useFixtures();

  it('keeps the copy in the crate the team names, and takes its severities', () => {
    const dir = fixture(ROOT('authoritative-crates = ["beta"]\nseverity = { duplicate-file = "error" }\n') + COPIES);
    const { json, status } = checkJson(dir);
    assert.equal(status, 1);
    assert.deepEqual(
      json.findings.map((f) => [f.code, f.severity, f.file]),
      [['duplicate-file', 'error', 'alpha/src/x.rs']],
    );
  });

  it('puts kept-copy on the copy to keep only when the team turns it on', () => {
    const off = fixture(ROOT('') + COPIES);
    assert.deepEqual(checkJson(off).json.findings.map((f) => f.code), ['duplicate-file']);
    const on = fixture(ROOT('severity = { kept-copy = "information" }\n') + COPIES);
    const { json } = checkJson(on);
    assert.deepEqual(
      json.findings.map((f) => [f.code, f.severity, f.file, f.message, f.related.map((r) => r.file)]),
      [
        ['kept-copy', 'information', 'alpha/src/x.rs', 'This file is the copy to keep of a module copied in 1 crate: beta.', ['beta/src/x.rs']],
        ['duplicate-file', 'warning', 'beta/src/x.rs', json.findings[1]?.message, ['alpha/src/x.rs']],
      ],
    );
  });

  it('lets a flag win over the shared setting', () => {
    const dir = fixture(ROOT('authoritative-crates = ["beta"]\n') + COPIES);
    const { json } = checkJson(dir, '--authoritative', 'alpha');
    assert.deepEqual(json.findings.map((f) => f.file), ['beta/src/x.rs']);
  });

  it('reads [package.metadata.rust-consolidate] in a root that is one package', () => {
    const dir = fixture(
      file('Cargo.toml', '[package]\nname = "top"\nversion = "0.1.0"\nedition = "2021"\n\n[package.metadata.rust-consolidate]\nminimum-tokens = 5000\n') +
        file('src/lib.rs', 'pub mod x;\n') +
        file('src/x.rs', rustModule('x')) +
        rustCrate('beta', 'beta', { x: rustModule('x') }),
    );
    // Both copies are under 5000 tokens: nothing is reported.
    assert.deepEqual(checkJson(dir).json.findings, []);
  });

  it('reports an unknown key and a wrong type on their lines, and keeps the settings that are right', () => {
    const dir = fixture(ROOT('minimumTokens = 10\nnear-miss = "no"\nseverity = { duplicate-file = "loud" }\nauthoritative-crates = ["beta"]\n') + COPIES);
    const { json, status } = checkJson(dir);
    assert.equal(status, 1);
    const problems = json.findings.filter((f) => f.code === 'settings-error');
    assert.deepEqual(
      problems.map((f) => [f.file, f.range.start.line, f.message]),
      [
        ['Cargo.toml', 4, 'Unknown setting `minimumTokens` in [workspace.metadata.rust-consolidate]; did you mean `minimum-tokens`?'],
        ['Cargo.toml', 5, '`near-miss` must be true or false; the setting is ignored'],
        ['Cargo.toml', 6, '`severity` of duplicate-file must be one of error, warning, information, hint, off; the setting is ignored'],
      ],
    );
    // authoritative-crates still applies.
    assert.deepEqual(json.findings.filter((f) => f.code === 'duplicate-file').map((f) => f.file), ['alpha/src/x.rs']);
  });

  it('says so when settings sit in a package of a folder that has no root manifest', () => {
    const dir = fixture(COPIES.replace('edition = "2021"\n', 'edition = "2021"\n\n[package.metadata.rust-consolidate]\nminimum-tokens = 5000\n'));
    const { json } = checkJson(dir);
    const problem = json.findings.find((f) => f.code === 'settings-error');
    assert.equal(problem?.file, 'alpha/Cargo.toml');
    assert.match(problem!.message, /read only from the Cargo\.toml at the top of the workspace folder/);
    // Not read: the copy is still reported.
    assert.ok(json.findings.some((f) => f.code === 'duplicate-file'));
  });
});
