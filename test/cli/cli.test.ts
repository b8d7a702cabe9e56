// `rust-consolidate check` as a user and a CI job run it: the bundled CLI,
// spawned with node, its exit status and its three output formats.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { file, repoRoot, rustCrate, rustModule, useFixtures } from '../support/fixture';
import { run } from '../support/cli';


interface JsonRange {
  start: { line: number; character: number };
  end: { line: number; character: number };
}
interface JsonFinding {
  code: string;
  severity: string;
  message: string;
  file: string;
  range: JsonRange;
  related: { file: string; range: JsonRange; message: string }[];
}

/** Copies in three crates, an inverted dependency, a cycle and a broken manifest: one finding of each kind but near duplicates. */
const FINDINGS =
  rustCrate('alpha', 'alpha', { x: rustModule('x') }) +
  rustCrate('beta', 'beta', { x: rustModule('x') }, '[dependencies]\nalpha = "0.1"\ngamma = { path = "../gamma" }\n') +
  rustCrate('gamma', 'gamma', { x: rustModule('x') }, '[dependencies]\nbeta = { path = "../beta" }\n') +
  file('broken/Cargo.toml', '[package]\nname = "broken"\nversion = = "1"\n');

/** A module unlike rustModule's: rustModule with other names would be a renamed copy. */
const OTHER_MODULE = `pub struct Grid {
    cells: Vec<bool>,
    width: usize,
}

impl Grid {
    pub fn toggle(&mut self, row: usize, column: usize) {
        let at = row * self.width + column;
        if let Some(cell) = self.cells.get_mut(at) {
            *cell = !*cell;
        }
    }
}
`;

const CLEAN = rustCrate('alpha', 'alpha', { x: rustModule('x') }) + rustCrate('beta', 'beta', { y: OTHER_MODULE }, '[dependencies]\nalpha = { path = "../alpha" }\n');

describe('rust-consolidate check', () => {
  const fixture = useFixtures();

  describe('exit status', () => {
    it('is 0 on a workspace without findings', () => {
      const dir = fixture(CLEAN);
      const { status, stdout } = run('check', dir);
      assert.equal(status, 0);
      assert.match(stdout, /: 2 crates, 4 files, \d+ lines: no findings;/);
    });

    it('is 1 on a workspace with findings', () => {
      assert.equal(run('check', fixture(FINDINGS)).status, 1);
    });

    it('sets a code\'s level with --severity, as the severity setting does: off reports none of it', () => {
      const dir = fixture(FINDINGS);
      const codes = (...args: string[]) => (JSON.parse(run('check', dir, '--format', 'json', ...args).stdout) as { findings: JsonFinding[] }).findings;
      const before = codes();
      assert.ok(before.some((f) => f.code === 'duplicate-file'));
      const off = codes('--severity', 'duplicate-file=off');
      assert.deepEqual(off.filter((f) => f.code === 'duplicate-file'), []);
      assert.equal(off.length, before.filter((f) => f.code !== 'duplicate-file').length);
      const errors = codes('--severity', 'duplicate-file=error').filter((f) => f.code === 'duplicate-file');
      assert.ok(errors.length > 0 && errors.every((f) => f.severity === 'error'), JSON.stringify(errors.map((f) => f.severity)));
    });

    // Each usage error names a real, small workspace where a path is needed, so
    // that a usage error that is not caught would analyse it and exit 0, not 2.
    const usageErrors = (dir: string): [string, string[]][] => [
      ['no command', []],
      ['an unknown command', ['inspect', dir]],
      ['an unknown --format', ['check', dir, '--format', 'xml']],
      ['an unknown option', ['check', dir, '--no-such-option']],
      ['two paths', ['check', dir, dir]],
      ['a path that does not exist', ['check', path.join(dir, 'nonexistent')]],
      ['a path that is a file', ['check', path.join(dir, 'alpha/Cargo.toml')]],
      ['a --minimum-tokens that is not a whole number', ['check', dir, '--minimum-tokens', 'many']],
      ['a --severity of an unknown code', ['check', dir, '--severity', 'duplicate-everything=warning']],
      ['a --severity of an unknown level', ['check', dir, '--severity', 'duplicate-file=loud']],
      ['a --severity without a level', ['check', dir, '--severity', 'duplicate-file']],
    ];
    for (const [what] of usageErrors('')) {
      it(`is 2 on a usage error: ${what}, with the usage on stderr and nothing on stdout`, () => {
        const args = usageErrors(fixture(CLEAN)).find(([w]) => w === what)![1];
        const { status, stdout, stderr } = run(...args);
        assert.equal(status, 2);
        assert.equal(stdout, '');
        assert.match(stderr, /^rust-consolidate: .+\n\nUsage:\n/);
      });
    }
  });

  describe('output', () => {
    let dir: string;
    let findings: JsonFinding[];
    before(() => {
      dir = fixture(FINDINGS);
      const json = run('check', dir, '--format', 'json');
      assert.equal(json.status, 1);
      findings = (JSON.parse(json.stdout) as { findings: JsonFinding[] }).findings;
      assert.deepEqual(
        findings.map((f) => `${f.code} ${f.file}`).sort(),
        [
          'dependency-cycle gamma/Cargo.toml',
          // gamma depends on beta by path, so beta holds the copy to keep.
          'duplicate-file alpha/src/x.rs',
          'duplicate-file gamma/src/x.rs',
          'inverted-dependency beta/Cargo.toml',
          'manifest-error broken/Cargo.toml',
        ],
      );
    });

    it('as text, lists every finding with its code, message and file:line:col (1-based)', () => {
      const { status, stdout } = run('check', dir);
      assert.equal(status, 1);
      for (const f of findings) {
        const at = `${f.file}:${f.range.start.line + 1}:${f.range.start.character + 1}`;
        assert.ok(stdout.includes(`${f.severity}[${f.code}]: ${f.message}\n  --> ${at}\n`), `text shows ${f.code} at ${at}`);
        for (const r of f.related) {
          assert.ok(stdout.includes(`  = ${r.message}: ${r.file}:${r.range.start.line + 1}:${r.range.start.character + 1}\n`));
        }
      }
      assert.ok(stdout.includes('gamma/Cargo.toml:6:1'), 'the cycle closes at gamma\'s `beta` key, line 6');
      assert.match(stdout, /: 3 crates, 6 files, \d+ lines: 2 duplicate-file, 1 inverted-dependency, 1 dependency-cycle, 1 manifest-error; 26 duplicated lines, 2 files copied whole/);
    });

    it('as SARIF, is SARIF 2.1.0 with one rule per code and a result per finding at 1-based positions', () => {
      const { status, stdout } = run('check', dir, '--format', 'sarif');
      assert.equal(status, 1);
      const sarif = JSON.parse(stdout);
      assert.equal(sarif.version, '2.1.0');
      assert.match(sarif.$schema, /sarif-2\.1\.0/);
      assert.equal(sarif.runs.length, 1);
      const [runResult] = sarif.runs;
      assert.equal(runResult.tool.driver.name, 'rust-consolidate');
      const ruleIds = runResult.tool.driver.rules.map((r: { id: string }) => r.id);
      assert.deepEqual(ruleIds, [
        'duplicate-file',
        'near-duplicate-file',
        'inverted-dependency',
        'dependency-cycle',
        'manifest-error',
        'diverged-copy',
        'duplicate-item',
        'duplicate-singleton',
        'duplicate-block',
        'plan-item-regressed',
        'settings-error',
        'redundant-suppression',
        'kept-copy',
      ]);
      for (const rule of runResult.tool.driver.rules) {
        assert.equal(typeof rule.shortDescription.text, 'string');
        // Each rule links to its section of the README, as each diagnostic does.
        // The repository's page, where the README is rendered, as package.json names it.
        assert.equal(rule.helpUri, `https://example.invalid/rust-consolidate#${rule.id}`);
      }
      assert.equal(runResult.originalUriBaseIds.ROOT.uri, pathToFileURL(dir).href + '/');
      assert.equal(runResult.results.length, findings.length);
      findings.forEach((f, i) => {
        const result = runResult.results[i];
        assert.equal(result.ruleId, f.code);
        assert.ok(ruleIds.includes(result.ruleId));
        assert.equal(result.level, 'warning');
        assert.equal(result.message.text, f.message);
        assert.equal(result.locations.length, 1);
        const { artifactLocation, region } = result.locations[0].physicalLocation;
        assert.deepEqual(artifactLocation, { uri: f.file, uriBaseId: 'ROOT' });
        assert.deepEqual(region, {
          startLine: f.range.start.line + 1,
          startColumn: f.range.start.character + 1,
          endLine: f.range.end.line + 1,
          endColumn: f.range.end.character + 1,
        });
        assert.equal(result.relatedLocations.length, f.related.length);
        f.related.forEach((r, j) => {
          assert.equal(result.relatedLocations[j].physicalLocation.artifactLocation.uri, r.file);
          assert.equal(result.relatedLocations[j].physicalLocation.region.startLine, r.range.start.line + 1);
          assert.equal(result.relatedLocations[j].message.text, r.message);
        });
      });
    });
  });

  describe('options', () => {
    const pair = rustCrate('alpha', 'alpha', { shared: rustModule('s') }) + rustCrate('zeta', 'zeta', { shared: rustModule('s') });
    const reported = (...args: string[]) =>
      (JSON.parse(run('check', ...args, '--format', 'json').stdout) as { findings: JsonFinding[] }).findings.map((f) => `${f.code} ${f.file}`);

    it('--authoritative chooses the copy to keep', () => {
      const dir = fixture(pair);
      assert.deepEqual(reported(dir), ['duplicate-file zeta/src/shared.rs']);
      assert.deepEqual(reported(dir, '--authoritative', 'zeta'), ['duplicate-file alpha/src/shared.rs']);
    });

    it('--exclude leaves a folder out', () => {
      const dir = fixture(pair);
      assert.equal(run('check', dir, '--exclude', 'zeta/**').status, 0);
    });

    it('--minimum-tokens sets the size below which files are not copies', () => {
      const dir = fixture(pair);
      // The functions in them are still copied items, at their own thresholds.
      assert.deepEqual(reported(dir, '--minimum-tokens', '500').filter((f) => !f.startsWith('duplicate-item ')), []);
    });
  });

  describe('without a path', () => {
    it('analyses the bundled demo workspace', () => {
      const { status, stdout } = run('check', '--format', 'json');
      assert.equal(status, 1);
      const report = JSON.parse(stdout) as { root: string; findings: JsonFinding[] };
      assert.ok(report.root.endsWith(path.join('demo', 'rust')), report.root);
      assert.equal(report.root, path.join(repoRoot, 'demo', 'rust'));
      assert.equal(report.findings.length, 16);
    });
  });
});
