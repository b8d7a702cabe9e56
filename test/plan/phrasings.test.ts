// Phrasings plans use besides the shared plan's: paths without backticks,
// several paths in one entry, the kind of item before its name, a folder
// given apart from the file. Each is read as the check it means, not manual.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { WorkspaceIndex } from '../../server/src/core/index';
import { DEFAULT_OPTIONS, silentLog } from '../../server/src/core/model';
import { RustParser } from '../../server/src/core/source/rust';
import { evaluatePlan, parsePlan, RustSyntax } from '../../server/src/core/plan';
import type { PlanCheck } from '../../server/src/core/plan';
import { removeFixture, repoRoot, writeFixture } from '../support/fixture';

const PY = 'datafusion_python/src';
const PLUGIN = 'df_plugin_codeanatomy/src/lib.rs';

const PLAN = `# Plan

## 1. Copies

### Implementation Checklist

- [ ] Delete \`udf_async.rs\` from \`${PY}/\`
- [ ] Create datafusion_ext/src/errors.rs
- [ ] Remove ${PY}/udf_docs.rs
- [ ] Add file \`datafusion_ext/src/errors.rs\`
- [ ] Remove static \`ASYNC_RUNTIME\` from \`${PLUGIN}\`
- [ ] Remove function \`async_runtime\` from \`${PLUGIN}\`
- [ ] Remove fn \`async_runtime()\` from \`${PLUGIN}\`
- [ ] Remove \`async_runtime()\` from \`${PLUGIN}\`
- [ ] Add a dependency on \`datafusion_ext\` to \`datafusion_python/Cargo.toml\`
- [ ] Add an optional path dependency on \`datafusion_ext\` to \`datafusion_python/Cargo.toml\`
- [ ] Delete all duplicate files from \`${PY}/\`
- [ ] Remove the duplicate files under \`${PY}/\`
- [ ] Delete \`${PY}/udf_docs.rs\` and \`${PY}/udf_async.rs\`
- [ ] Make \`${PY}/utils.rs\` use \`datafusion_ext::async_runtime\`
- [ ] Delete [udf_docs.rs](${PY}/udf_docs.rs)
- [ ] Update PyO3/PyArrow conversions and/or scan/write paths

### Decommissioning List

- \`${PY}/udf_async.rs\` (73 lines)
- ${PY}/udaf_builtin.rs
- ${PY}/udtf_external.rs — 12 lines
- \`${PY}/delta_protocol.rs\` — 58 lines
- \`${PY}/udf_docs.rs\`, \`${PY}/udf_async.rs\` and \`${PY}/udtf_external.rs\`
- \`${PLUGIN}:30\`
- [\`${PY}/function_rewrite.rs\`](${PY}/function_rewrite.rs)
`;

describe('parsePlan: the phrasings a review found read as manual', () => {
  const plan = parsePlan('/plans/x_consolidation.md', PLAN);
  const [scope] = plan.scopes;

  it('reads each checklist item as the check it means', () => {
    const fnAbsent: PlanCheck = { kind: 'item-absent', item: 'fn', name: 'async_runtime', in: PLUGIN };
    const copies: PlanCheck = { kind: 'copies-absent', dir: `${PY}/` };
    const dependency: PlanCheck = { kind: 'dependency-present', dependency: 'datafusion_ext', manifest: 'datafusion_python/Cargo.toml', optional: false };
    assert.deepEqual(
      scope.tasks.map((t) => t.check),
      [
        { kind: 'file-absent', path: `${PY}/udf_async.rs` },
        { kind: 'file-present', path: 'datafusion_ext/src/errors.rs' },
        { kind: 'file-absent', path: `${PY}/udf_docs.rs` },
        { kind: 'file-present', path: 'datafusion_ext/src/errors.rs' },
        { kind: 'item-absent', item: 'static', name: 'ASYNC_RUNTIME', in: PLUGIN },
        fnAbsent,
        fnAbsent,
        fnAbsent,
        dependency,
        { ...dependency, optional: true, local: true },
        copies,
        copies,
        { kind: 'file-absent', path: `${PY}/udf_docs.rs`, also: [`${PY}/udf_async.rs`] },
        { kind: 'refers-to', path: `${PY}/utils.rs`, target: 'datafusion_ext::async_runtime', how: 'refer' },
        { kind: 'file-absent', path: `${PY}/udf_docs.rs` },
        // Slashes in prose are not paths.
        { kind: 'manual', reason: 'not decidable from the code' },
      ],
    );
  });

  it('reads a decommissioning entry that starts with paths, with or without backticks, as each file absent', () => {
    assert.deepEqual(
      scope.decommissioning.map((d) => [d.path, d.check]),
      [
        [`${PY}/udf_async.rs`, { kind: 'file-absent', path: `${PY}/udf_async.rs` }],
        [`${PY}/udaf_builtin.rs`, { kind: 'file-absent', path: `${PY}/udaf_builtin.rs` }],
        [`${PY}/udtf_external.rs`, { kind: 'file-absent', path: `${PY}/udtf_external.rs` }],
        [`${PY}/delta_protocol.rs`, { kind: 'file-absent', path: `${PY}/delta_protocol.rs` }],
        [`${PY}/udf_docs.rs`, { kind: 'file-absent', path: `${PY}/udf_docs.rs`, also: [`${PY}/udf_async.rs`, `${PY}/udtf_external.rs`] }],
        [PLUGIN, { kind: 'file-absent', path: PLUGIN }],
        [`${PY}/function_rewrite.rs`, { kind: 'file-absent', path: `${PY}/function_rewrite.rs` }],
      ],
    );
  });
});

describe('evaluatePlan: an entry that names several files', () => {
  it('is done only when every file it names is absent', async () => {
    const parser = await RustParser.load();
    const syntax = await RustSyntax.load();
    const dir = writeFixture('');
    try {
      fs.cpSync(path.join(repoRoot, 'demo', 'rust'), dir, { recursive: true });
      const file = path.join(dir, 'x_consolidation.md');
      const text = `# Plan\n\n## 1. Copies\n\n### Decommissioning\n\n- \`${PY}/udf_docs.rs\`, \`${PY}/udf_async.rs\` — 2 files\n`;
      const evaluate = async () => {
        const index = new WorkspaceIndex([dir], DEFAULT_OPTIONS, parser, silentLog);
        await index.build();
        return evaluatePlan(parsePlan(file, text), { index, syntax }).scopes[0].items[0];
      };
      fs.rmSync(path.join(dir, PY, 'udf_docs.rs'));
      const one = await evaluate();
      assert.equal(one.status, 'open');
      assert.match(one.evidence, new RegExp(`^${PY}/udf_async\\.rs is still there \\(\\d+ lines, a copy of datafusion_ext/src/udf_async\\.rs\\)$`));
      assert.deepEqual(one.files, [path.join(dir, PY, 'udf_docs.rs'), path.join(dir, PY, 'udf_async.rs')]);
      fs.rmSync(path.join(dir, PY, 'udf_async.rs'));
      const both = await evaluate();
      assert.equal(both.status, 'done');
      assert.equal(both.evidence, `${PY}/udf_docs.rs is absent; ${PY}/udf_async.rs is absent`);
    } finally {
      removeFixture(dir);
      syntax.dispose();
      parser.dispose();
    }
  });
});
