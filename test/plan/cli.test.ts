// The plan through the bundled CLI on a copy of the demo, whose folder is
// the plan's `rust/`: after `fix`, what the fixes did not do stays open.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { removeFixture, repoRoot, writeFixture } from '../support/fixture';
import { run } from '../support/cli';


interface JsonItem {
  text: string;
  line: number;
  checked: boolean | null;
  status: string;
  evidence: string;
}
interface JsonPlan {
  file: string;
  scopes: { title: string; items: JsonItem[] }[];
}

describe('rust-consolidate check: the plan after fix', () => {
  let temp: string;
  let items: JsonItem[];
  before(() => {
    // A folder not named rust/, so no base holds the plan's paths as written.
    temp = writeFixture('');
    const dir = path.join(temp, 'fixdemo');
    fs.cpSync(path.join(repoRoot, 'demo', 'rust'), dir, { recursive: true });
    run('fix', dir, '--no-verify'); // the demo's registry crates cannot be checked offline
    const { stdout } = run('check', dir, '--format', 'json');
    items = (JSON.parse(stdout) as { plan: JsonPlan }).plan.scopes.flatMap((s) => s.items);
  });
  after(() => removeFixture(temp));

  const item = (text: string) => {
    const found = items.find((i) => i.text === text);
    assert.ok(found, text);
    return found;
  };

  it('leaves open the runtime static and function the plan names under rust/, which are still there', () => {
    for (const text of [
      'Remove `static ASYNC_RUNTIME: OnceLock<Runtime>` from `rust/df_plugin_codeanatomy/src/lib.rs:30`',
      'Remove `fn async_runtime()` from `rust/df_plugin_codeanatomy/src/lib.rs:74-76`',
    ]) {
      const { status, evidence } = item(text);
      assert.equal(status, 'open', text);
      assert.match(evidence, /is still in df_plugin_codeanatomy\/src\/lib\.rs \(line \d+\)$/);
    }
  });

  it('leaves open the decommissioning entry of the copy the fix refused', () => {
    const { status, evidence } = item('`rust/datafusion_python/src/udf_builtin.rs`');
    assert.equal(status, 'open');
    assert.match(evidence, /^rust\/datafusion_python\/src\/udf_builtin\.rs \(datafusion_python\/src\/udf_builtin\.rs\) is still there/);
    assert.equal(item('`rust/datafusion_python/src/udf_docs.rs`').status, 'done', 'a copy the fix deleted');
  });

  it('leaves open the dependency entry that names a feature the fix did not enable', () => {
    const { status, evidence } = item('Add `datafusion_ext = { path = "../datafusion_ext", features = ["python"] }` to `rust/datafusion_python/Cargo.toml`');
    assert.equal(status, 'open');
    assert.match(evidence, /^datafusion_ext is a dependency in .*Cargo\.toml \(line \d+\), but without the python feature$/);
    assert.equal(item('Add `datafusion_ext` as workspace dependency in `rust/datafusion_python/Cargo.toml`').status, 'done', 'no feature asked');
  });

  it('leaves the re-export item open while lib.rs still declares the copy the fix refused, and names the private uses the fix wrote', () => {
    const { status, evidence } = item('Update `rust/datafusion_python/src/lib.rs` to re-export modules from datafusion_ext');
    assert.equal(status, 'open');
    // The fix keeps each copy's visibility (`mod x;` becomes `use datafusion_ext::x;`, `pub(crate) mod` a `pub(crate) use`):
    // not the re-export other crates see that the user's plan asks for.
    assert.match(
      evidence,
      /: 9 of 13 modules re-exported from datafusion_ext: missing delta_observability \(imported as pub\(crate\) \(line \d+\), not visible outside\), function_rewrite \(imported privately \(line \d+\), not visible outside\), .*udf_builtin \(still a copy, at datafusion_python\/src\/udf_builtin\.rs\)/,
    );
  });
});

describe('rust-consolidate check --authoritative: copies kept in the folder the plan clears', () => {
  let temp: string;
  before(() => {
    temp = writeFixture('');
    fs.cpSync(path.join(repoRoot, 'demo', 'rust'), path.join(temp, 'rust'), { recursive: true });
  });
  after(() => removeFixture(temp));

  it('leaves "Delete duplicate files from" open while its folder holds the copies kept', () => {
    const { stdout } = run('check', path.join(temp, 'rust'), '--format', 'json', '--authoritative', 'datafusion-python');
    const items = (JSON.parse(stdout) as { plan: JsonPlan }).plan.scopes.flatMap((s) => s.items);
    const copies = items.find((i) => i.text === 'Delete duplicate files from `rust/datafusion_python/src/`')!;
    assert.equal(copies.status, 'open');
    // 12 copies the index finds, and the diverged registry_snapshot.rs the plan's table lists.
    assert.match(copies.evidence, /^13 copies left in rust\/datafusion_python\/src\/: delta_control_plane\.rs, /);
  });
});

describe('rust-consolidate check: items outside numbered scopes', () => {
  let temp: string;
  let planFile: string;
  before(() => {
    temp = writeFixture('');
    fs.cpSync(path.join(repoRoot, 'demo', 'rust'), path.join(temp, 'rust'), { recursive: true });
    planFile = path.join(temp, 'rust', 'team_consolidation.md');
    fs.writeFileSync(
      planFile,
      [
        '# Plan',
        '',
        '- [ ] Delete `datafusion_python/src/udf_docs.rs`',
        '',
        '## 1. Copies',
        '',
        '- [ ] Delete `datafusion_python/src/udf_async.rs`',
        '',
        '## Scope 2: Runtime',
        '',
        '- [x] Run the tests',
        '',
        '## Appendix',
        '',
        '### Decommissioning',
        '',
        '- `datafusion_python/src/udf_registry.rs`',
        '',
      ].join('\n'),
    );
  });
  after(() => removeFixture(temp));

  it('lists them in the JSON report, beside the scopes, with the fields of a scope\'s items', () => {
    const { stdout } = run('check', path.join(temp, 'rust'), '--format', 'json', '--plan', planFile);
    const plan = (JSON.parse(stdout) as { plan: JsonPlan & { other: JsonItem[] } }).plan;
    assert.deepEqual(plan.scopes.map((s) => s.title), ['Copies', 'Runtime']);
    assert.deepEqual(
      plan.other.map((i) => [i.text, i.line, i.checked, i.status]),
      [
        ['Delete `datafusion_python/src/udf_docs.rs`', 2, false, 'open'],
        ['`datafusion_python/src/udf_registry.rs`', 16, null, 'done'],
      ],
    );
    assert.match(plan.other[0].evidence, /is still there/);
  });

  it('shows them in the text report', () => {
    const { stdout } = run('check', path.join(temp, 'rust'), '--plan', planFile);
    const lines = stdout.split('\n');
    const at = lines.findIndex((l) => l.startsWith('plan team_consolidation.md: '));
    assert.deepEqual(lines.slice(at, at + 6), [
      'plan team_consolidation.md: 1 of 4 items done (1 decided by hand)',
      '  1. Copies: 0/1',
      '  2. Runtime: 1/1',
      '  Other items: 1/2',
      `    team_consolidation.md:3: open: Delete \`datafusion_python/src/udf_docs.rs\` (${plan0Evidence(lines)})`,
      '    team_consolidation.md:17: done: `datafusion_python/src/udf_registry.rs` (datafusion_python/src/udf_registry.rs is absent)',
    ]);
  });
});

/** The evidence the text report gives for the first other item, checked for its shape. */
function plan0Evidence(lines: string[]): string {
  const line = lines.find((l) => l.startsWith('    team_consolidation.md:3: open: '))!;
  const evidence = /\((datafusion_python\/src\/udf_docs\.rs is still there \(\d+ lines, a copy of datafusion_ext\/src\/udf_docs\.rs\))\)$/.exec(line ?? '');
  assert.ok(evidence, line);
  return evidence[1];
}

describe('rust-consolidate plan, then fix: the generated plan round-trips', () => {
  let temp: string;
  let items: JsonItem[];
  before(() => {
    temp = writeFixture('');
    const dir = path.join(temp, 'rust');
    fs.cpSync(path.join(repoRoot, 'demo', 'rust'), dir, { recursive: true });
    fs.rmSync(path.join(dir, 'rust_codebase_consolidation_plan.md'));
    const planFile = path.join(dir, 'generated_consolidation.md');
    assert.equal(run('plan', dir, '--output', planFile).status, 0);
    // The demo reads crates from the registry, which cannot be checked offline here.
    run('fix', dir, '--no-verify');
    const { stdout } = run('check', dir, '--format', 'json', '--plan', planFile);
    items = (JSON.parse(stdout) as { plan: JsonPlan }).plan.scopes.flatMap((s) => s.items);
  });
  after(() => removeFixture(temp));

  it('finds done every item about what the fixes did: the dependency, each deleted copy', () => {
    const done = items.filter((i) => i.status === 'done').map((i) => i.text);
    assert.ok(done.includes('Add `datafusion_ext` as path dependency in `datafusion_python/Cargo.toml`'));
    // The registry entry stays: its removal is refused while datafusion_ext still uses datafusion_python.
    assert.ok(!done.includes('Remove `datafusion-python` dependency from `datafusion_ext/Cargo.toml`'));
    for (const m of ['delta_control_plane', 'function_factory', 'udf_docs', 'udtf_external']) assert.ok(done.includes(`\`datafusion_python/src/${m}.rs\``), m);
  });

  it('leaves open only what no fix did: the copy and the dependency removal the fixes refused, the diverged copy and the singleton to align by hand', () => {
    const open = items.filter((i) => i.status === 'open');
    for (const i of open) assert.match(i.evidence, /udf_builtin|registry_snapshot|df_plugin_codeanatomy|static RUNTIME|datafusion-python is still a dependency/, `${i.text}: ${i.evidence}`);
    // The item the generator writes for the re-exports reads what the fix wrote (private `use`s for private `mod`s): only the refused copy is missing.
    const reexport = items.find((i) => i.text === 'Update `datafusion_python/src/lib.rs` to use the copied modules from `datafusion_ext`')!;
    assert.match(reexport.evidence, /: 11 of 12 modules taken from datafusion_ext: missing udf_builtin \(still a copy, at datafusion_python\/src\/udf_builtin\.rs\)$/);
  });
});
