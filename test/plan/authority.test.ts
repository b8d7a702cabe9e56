// The plan's "Make `x` the authoritative source" feeds the keeper rule:
// below the explicit setting, above the automatic rule, so the findings and
// the re-export fix keep the copy the plan keeps.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { WorkspaceIndex } from '../../server/src/core/index';
import { silentLog } from '../../server/src/core/model';
import { RustParser } from '../../server/src/core/source/rust';
import { fixesFor } from '../../server/src/core/fixes/fixes';
import { planAuthority, withPlanAuthority } from '../../server/src/core/plan';
import { run } from '../support/cli';
import { file, removeFixture, rustModule, WHOLE_FILE_OPTIONS, writeFixture } from '../support/fixture';

describe('planAuthority', () => {
  it('reads the crate a plan names as the one to keep, in the phrasings plans use', () => {
    assert.deepEqual(planAuthority('**Strategy**: Make `datafusion_ext` the authoritative source for all shared modules.'), ['datafusion_ext']);
    assert.deepEqual(planAuthority('`kernel` is the authoritative copy; `api` re-exports it.'), ['kernel']);
    assert.deepEqual(planAuthority('After this, `core-types` keeps the modules.'), ['core-types']);
    assert.deepEqual(planAuthority('Treat shared as the canonical crate.'), ['shared']);
  });

  it('reads nothing from code blocks or from prose that names no keeper', () => {
    assert.deepEqual(planAuthority('```rust\n// make x the authoritative source\n```\nThe modules are copied.'), []);
  });
});

describe('the keeper rule with a plan that names the authoritative crate', () => {
  let parser: RustParser;
  let dir: string;
  before(async () => {
    parser = await RustParser.load();
    // No crate depends on the other: the automatic rule falls to the name, and keeps alpha's copy.
    dir = writeFixture(
      [
        file('Cargo.toml', '[workspace]\nmembers = ["alpha", "beta"]\nresolver = "2"'),
        file('alpha/Cargo.toml', '[package]\nname = "alpha"\nversion = "0.1.0"\nedition = "2021"'),
        file('alpha/src/lib.rs', 'pub mod words;'),
        file('alpha/src/words.rs', rustModule('words')),
        file('beta/Cargo.toml', '[package]\nname = "beta"\nversion = "0.1.0"\nedition = "2021"'),
        file('beta/src/lib.rs', 'pub mod words;'),
        file('beta/src/words.rs', rustModule('words')),
      ].join(''),
    );
  });
  after(() => {
    removeFixture(dir);
    parser.dispose();
  });

  async function copyFound(options = WHOLE_FILE_OPTIONS) {
    const index = new WorkspaceIndex([dir], options, parser, silentLog);
    await index.build();
    const findings = index.allFindings().filter((f) => f.code === 'duplicate-file');
    assert.equal(findings.length, 1);
    return { index, finding: findings[0] };
  }

  it('keeps the copy of the crate the plan names, and the re-export fix takes the module from it', async () => {
    const plan = '# Plan\n\n**Strategy**: Make `beta` the authoritative source for the shared modules.\n';
    assert.match((await copyFound()).finding.file, /beta\/src\/words\.rs$/, 'without the plan, alpha keeps it by name and the copy is beta\'s');
    const { index, finding } = await copyFound(withPlanAuthority(WHOLE_FILE_OPTIONS, [plan]));
    assert.match(finding.file, /alpha\/src\/words\.rs$/);
    const [fix] = fixesFor(index, finding);
    assert.equal(fix.title, 'Replace with re-export from beta');
  });

  it('takes the crates named once the files are handed to the threads (the CLI walks for its plans meanwhile)', async () => {
    const index = new WorkspaceIndex([dir], WHOLE_FILE_OPTIONS, parser, silentLog);
    await index.build(undefined, () => ['beta']);
    const findings = index.allFindings().filter((f) => f.code === 'duplicate-file');
    assert.equal(findings.length, 1);
    assert.match(findings[0].file, /alpha\/src\/words\.rs$/);
  });

  it('keeps, in the CLI, the copy of the crate the workspace\'s plan file names', () => {
    const copyOf = () => {
      const result = run('check', dir, '--format', 'json', '--no-cache', '--severity', 'diverged-copy=off');
      assert.equal(result.status, 1, result.stderr);
      const findings = (JSON.parse(result.stdout) as { findings: { code: string; file: string }[] }).findings.filter((f) => f.code === 'duplicate-file');
      assert.equal(findings.length, 1);
      return findings[0].file;
    };
    assert.match(copyOf(), /beta\/src\/words\.rs$/, 'the control: without a plan, alpha keeps it by name');
    const plan = path.join(dir, 'consolidation_plan.md');
    fs.writeFileSync(plan, '# Plan\n\n**Strategy**: Make `beta` the authoritative source for the shared modules.\n\n- [ ] Replace the copies\n');
    try {
      assert.match(copyOf(), /alpha\/src\/words\.rs$/);
    } finally {
      fs.rmSync(plan);
    }
  });

  it('is overruled by the authoritativeCrates setting', async () => {
    const plan = 'Make `beta` the authoritative source.';
    const { finding } = await copyFound(withPlanAuthority({ ...WHOLE_FILE_OPTIONS, authoritativeCrates: ['alpha'] }, [plan]));
    assert.match(finding.file, /beta\/src\/words\.rs$/);
  });
});
