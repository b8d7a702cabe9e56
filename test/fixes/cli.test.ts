// `rust-consolidate fix` on the bundled demo, as a user runs it: the bundled
// CLI spawned with node, on a copy of demo/rust, and on the demo itself.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { copyToTemp, removeFixture, repoRoot } from '../support/fixture';
import { CLI, run } from '../support/cli';
import { treeHash } from './support';

const DEMO = path.join(repoRoot, 'demo', 'rust');

describe('rust-consolidate fix on the demo workspace', () => {
  const dirs: string[] = [];
  after(() => dirs.forEach(removeFixture));
  const demoCopy = () => {
    const dir = copyToTemp('demo/rust');
    dirs.push(dir);
    return dir;
  };

  it('--dry-run prints a unified diff of the re-exports and changes no file', () => {
    const dir = demoCopy();
    const before = treeHash(dir);
    const { status, stdout, stderr } = run('fix', dir, '--dry-run');
    // 1: the near duplicate udf_builtin.rs is refused, as it must be while
    // datafusion_ext reads datafusion_python from the registry.
    assert.equal(status, 1, stderr);
    assert.match(stdout, /^refused datafusion_python\/src\/udf_builtin\.rs: Replace with re-export from datafusion_ext: .*names a dependency/m);
    assert.match(stdout, /^--- a\/datafusion_python\/src\/lib\.rs$/m);
    assert.match(stdout, /^\+\+\+ b\/datafusion_python\/src\/lib\.rs$/m);
    assert.match(stdout, /^-pub mod delta_protocol;$/m);
    assert.match(stdout, /^\+pub use datafusion_ext::delta_protocol;$/m);
    assert.match(stdout, /^--- a\/datafusion_python\/src\/delta_protocol\.rs$/m, 'the deleted copy is shown');
    assert.match(stdout, /^\+\+\+ \/dev\/null$/m);
    // datafusion_ext still uses datafusion_python: the removal waits for that use to move, and says where it is.
    assert.doesNotMatch(stdout, /^-\[dependencies\.datafusion-python\]$/m, 'the inverted dependency stays while it is used');
    assert.match(stdout, /^refused datafusion_ext\/Cargo\.toml: Remove inverted dependency: the crate still uses datafusion_python: datafusion_ext\/src\/udf_builtin\.rs:7; move those uses first$/m);
    assert.match(stdout, /^refused datafusion_python\/src\/udf_builtin\.rs: .*It waits for the inverted-dependency fix at datafusion_ext\/Cargo\.toml:\d+/m);
    assert.match(stdout, /^would fix datafusion_python\/src\/delta_protocol\.rs: Replace with re-export from datafusion_ext$/m);
    assert.equal(treeHash(dir), before, 'no file changed');
  });

  it('applied, leaves a workspace whose check reports no duplicate-file', () => {
    const dir = demoCopy();
    // The demo reads crates from the registry, which an offline check cannot build: unverified.
    const fixed = run('fix', dir, '--no-verify');
    assert.notEqual(fixed.status, 2, fixed.stderr);
    assert.match(fixed.stdout, /^fixed datafusion_python\/src\/delta_protocol\.rs: Replace with re-export from datafusion_ext$/m);
    const checked = run('check', dir, '--format', 'json');
    assert.equal(checked.stderr, '');
    const report = JSON.parse(checked.stdout) as { findings: { code: string; file: string }[] };
    assert.deepEqual(report.findings.filter((f) => f.code === 'duplicate-file').map((f) => f.file), []);
  });

  it('run twice, the second run ends and refuses what is left, with no crash', () => {
    const dir = demoCopy();
    const first = run('fix', dir);
    assert.ok(first.status === 0 || first.status === 1, first.stderr);
    const second = run('fix', dir);
    assert.ok(second.status === 0 || second.status === 1, `exit ${second.status}: ${second.stderr}`);
    assert.doesNotMatch(second.stderr + second.stdout, /RangeError|Maximum call stack/);
    assert.match(second.stdout, /^refused datafusion_python\/src\/udf_builtin\.rs: /m);
    for (const code of ['duplicate-file', 'near-duplicate-file', 'inverted-dependency']) {
      const filtered = spawnSync(process.execPath, [CLI, 'fix', demoCopy(), '--code', code], { encoding: 'utf8', timeout: 60_000 });
      assert.equal(filtered.signal, null, `fix --code ${code} did not return`);
      assert.ok(filtered.status === 0 || filtered.status === 1, `fix --code ${code} exited ${filtered.status}: ${filtered.stderr}`);
    }
  });

  it('without a path shows the demo\'s diff but never changes demo/rust', () => {
    const before = treeHash(DEMO);
    const { stdout, stderr } = run('fix');
    assert.match(stdout, /the bundled demo is never changed/, stderr);
    assert.match(stdout, /^\+pub use datafusion_ext::/m);
    assert.equal(treeHash(DEMO), before);
  });
});
