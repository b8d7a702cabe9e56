// The plan from the command line: the JSON report's plan section, and a plan
// written from the findings that reads back as the same items.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parsePlan } from '../../server/src/core/plan';
import { copyToTemp, removeFixture } from '../support/fixture';
import { run } from '../support/cli';


interface JsonPlan {
  file: string;
  scopes: { title: string; items: { text: string; line: number; checked: boolean | null; status: string; evidence: string }[] }[];
}

describe('rust-consolidate and the plan', () => {
  let dir: string;
  before(() => (dir = copyToTemp('demo/rust')));
  after(() => removeFixture(dir));

  it('adds the plan section to the JSON report: scopes, items with their status and evidence', () => {
    const { stdout } = run('check', dir, '--format', 'json');
    const plan = (JSON.parse(stdout) as { plan: JsonPlan }).plan;
    assert.equal(plan.file, 'rust_codebase_consolidation_plan.md');
    assert.equal(plan.scopes.length, 10);
    assert.equal(plan.scopes[0].title, 'Critical File Duplication Elimination');
    const removal = plan.scopes[1].items.find((i) => i.text === 'Remove `datafusion-python = "51.0.0"` from `rust/datafusion_ext/Cargo.toml`');
    assert.deepEqual(removal && [removal.checked, removal.status], [false, 'open']);
    assert.match(removal!.evidence, /datafusion-python is still a dependency in rust\/datafusion_ext\/Cargo\.toml/);
    for (const item of plan.scopes.flatMap((s) => s.items)) {
      assert.ok(['done', 'open', 'manual'].includes(item.status), item.text);
      assert.equal(typeof item.line, 'number');
    }
  });

  it('reads the plan given with --plan', () => {
    const other = path.join(dir, 'elsewhere.md');
    fs.writeFileSync(other, '# A plan\n\n## 1. Copies\n\n### Implementation Checklist\n\n- [x] Delete `datafusion_python/src/udf_docs.rs`\n');
    const { stdout, status } = run('check', dir, '--format', 'json', '--plan', other);
    assert.equal(status, 1);
    const report = JSON.parse(stdout) as { plan: JsonPlan; findings: { code: string; file: string }[] };
    assert.equal(report.plan.file, 'elsewhere.md');
    assert.deepEqual(report.plan.scopes[0].items.map((i) => [i.checked, i.status]), [[true, 'open']]);
    assert.deepEqual(report.findings.filter((f) => f.code === 'plan-item-regressed').map((f) => f.file), ['elsewhere.md'], 'checked, but the copy is still there');
    assert.equal(run('check', dir, '--plan', path.join(dir, 'missing.md')).status, 2);
  });

  it('writes a plan from the findings that parses back to its items', () => {
    const output = path.join(dir, 'generated_consolidation_plan.md');
    const { status, stdout } = run('plan', dir, '--output', output);
    assert.equal(status, 0);
    assert.match(stdout, /^wrote /);
    const plan = parsePlan(output, fs.readFileSync(output, 'utf8'));
    assert.ok(plan.scopes.length >= 2, 'a scope per kind of finding');
    const entries = plan.scopes.flatMap((s) => s.decommissioning.map((d) => d.path));
    assert.ok(entries.includes('datafusion_python/src/delta_protocol.rs'), JSON.stringify(entries));
    assert.ok(plan.scopes.flatMap((s) => s.tasks).length > 0);
  });
});
