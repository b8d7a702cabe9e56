// Version groups: crates that are versions of one another on purpose. Between
// them a copy is drift, reported as information with no re-export offered.
import * as assert from 'node:assert/strict';
import type { WorkspaceIndex } from '../../server/src/core/index';
import type { AnalysisOptions } from '../../server/src/core/model';
import { fixesFor } from '../../server/src/core/fixes/fixes';
import { RustParser } from '../../server/src/core/source/rust';
import { file, rustModule, useFixtures } from '../support/fixture';
import { EDIT, variedModule } from './similarity.test';
import { buildIndex } from './support';

/** A crate at `dir` named `name` with a copied module `ledger` (edited or not) and an exact `words`. */
const crateAt = (dir: string, name: string, edited: boolean, tail = '') =>
  file(`${dir}/Cargo.toml`, `[package]\nname = "${name}"\nversion = "0.1.0"\nedition = "2021"\n${tail}`) +
  file(`${dir}/src/lib.rs`, 'pub mod ledger;\npub mod words;') +
  file(`${dir}/src/ledger.rs`, variedModule(edited ? EDIT : '')) +
  file(`${dir}/src/words.rs`, rustModule('words'));

describe('version groups', () => {
  let parser: RustParser;
  const fixture = useFixtures();
  before(async () => {
    parser = await RustParser.load();
  });

  const analyse = (text: string, options: Partial<AnalysisOptions> = {}) => buildIndex(fixture(text), parser, options);

  const summary = (index: WorkspaceIndex) =>
    index
      .allFindings()
      .map((f) => `${f.code} ${f.severity} ${index.display(f.file)} ${f.versionGroup ?? '-'}`)
      .sort();

  it('reports copies between unrelated crates as warnings with a fix (the control case)', async () => {
    const index = await analyse(crateAt('alpha', 'alpha', false) + crateAt('beta', 'beta', true));
    assert.deepEqual(summary(index), ['diverged-copy warning beta/src/ledger.rs -', 'duplicate-file warning beta/src/words.rs -']);
    const copy = index.allFindings().find((f) => f.code === 'duplicate-file')!;
    assert.ok(fixesFor(index, copy).length > 0);
  });

  for (const [layout, a, b] of [
    ['v0/ and v1/ cuts', 'programs/token/v0', 'programs/token/v1'],
    ['a v1/ cut beside latest/', 'vote/v1', 'vote/latest'],
    ['vm/ beside vm2/', 'vm', 'vm2'],
  ]) {
    it(`finds ${layout} and reports their copies as drift: information, no fix`, async () => {
      const index = await analyse(crateAt(a, `${a.replace(/\//g, '-')}`, false) + crateAt(b, `${b.replace(/\//g, '-')}`, true));
      const findings = index.allFindings();
      assert.deepEqual(findings.map((f) => f.code).sort(), ['diverged-copy', 'duplicate-file']);
      for (const f of findings) {
        assert.equal(f.severity, 'information', f.message);
        assert.ok(f.versionGroup, f.message);
        assert.match(f.message, /^Version drift within /);
        assert.deepEqual(f.fixes, []);
        assert.deepEqual(fixesFor(index, f), []);
      }
      // What drifted, by how much: the diverged one says so, the identical one says it is still identical.
      assert.match(findings.find((f) => f.code === 'diverged-copy')!.message, /\d+% similar, \d+ lines shared, \d+ diverging/);
      assert.match(findings.find((f) => f.code === 'duplicate-file')!.message, /identical byte for byte/);
    });
  }

  it('finds two majors of one package (as Debian lays out clap-2 and clap-3)', async () => {
    const index = await analyse(crateAt('registry/clap-2.34.0', 'clap', false) + crateAt('registry/clap-3.2.25', 'clap', true));
    assert.deepEqual(summary(index).map((s) => s.split(' ').slice(0, 2).join(' ')), ['diverged-copy information', 'duplicate-file information']);
    assert.ok(index.allFindings().every((f) => f.versionGroup === 'clap'));
  });

  it('finds sibling crates that rename each other with package =', async () => {
    const index = await analyse(
      crateAt('token', 'spl-token', false) + crateAt('token-2022', 'spl-token-2022', true, '\n[dependencies]\nspl-token-legacy = { package = "spl-token", path = "../token" }\n'),
    );
    assert.ok(index.allFindings().length > 0);
    // The folders already show the cut (`token` beside `token-2022`); the rename says the same.
    assert.ok(index.allFindings().every((f) => f.severity === 'information' && f.versionGroup), summary(index).join('; '));
    const renamedOnly = await analyse(
      crateAt('old', 'ledger', false) + crateAt('new', 'ledger-next', true, '\n[dependencies]\nledger-frozen = { package = "ledger", path = "../old" }\n'),
    );
    assert.ok(renamedOnly.allFindings().length > 0);
    assert.ok(renamedOnly.allFindings().every((f) => f.versionGroup === 'ledger-next and ledger'), summary(renamedOnly).join('; '));
  });

  it('takes groups from the setting, by folder glob or package name', async () => {
    const fixture = crateAt('frozen', 'ledger-old', false) + crateAt('current', 'ledger-new', true);
    for (const pattern of ['{frozen,current}', 'ledger-*']) {
      const index = await analyse(fixture, { versionGroups: [pattern] });
      assert.equal(index.allFindings().length, 2);
      assert.ok(index.allFindings().every((f) => f.severity === 'information' && f.versionGroup === pattern), `${pattern}: ${summary(index).join('; ')}`);
    }
    const none = await analyse(fixture, { versionGroups: ['other/*'] });
    assert.ok(none.allFindings().every((f) => f.severity === 'warning'));
  });
});
