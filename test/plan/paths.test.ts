// Plan paths that do not resolve as written: the plan names
// `rust/df_plugin_codeanatomy/...` while the workspace folder holds
// `df_plugin_codeanatomy/` itself. Such a path is found by its suffix, and
// one found nowhere never makes an item done.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { WorkspaceIndex } from '../../server/src/core/index';
import { DEFAULT_OPTIONS, silentLog } from '../../server/src/core/model';
import { RustParser } from '../../server/src/core/source/rust';
import { evaluatePlan, parsePlan, RustSyntax } from '../../server/src/core/plan';
import type { PlanStatus } from '../../server/src/core/plan';
import { removeFixture, writeFixture } from '../support/fixture';

const WORKSPACE = `
//- df_plugin_codeanatomy/Cargo.toml
[package]
name = "df_plugin_codeanatomy"
version = "0.1.0"
edition = "2021"
//- df_plugin_codeanatomy/src/lib.rs
use std::sync::OnceLock;

static ASYNC_RUNTIME: OnceLock<u32> = OnceLock::new();

fn async_runtime() -> &'static u32 {
    ASYNC_RUNTIME.get_or_init(|| 1)
}
`;

const PLAN = `# Plan

## 1. Runtime

- [ ] Remove \`static ASYNC_RUNTIME: OnceLock<Runtime>\` from \`rust/df_plugin_codeanatomy/src/lib.rs:30\`
- [ ] Remove \`fn async_runtime()\` from \`rust/df_plugin_codeanatomy/src/lib.rs:74-76\`
- [ ] Delete \`rust/df_plugin_codeanatomy/src/gone.rs\`
- [ ] Delete \`rust/nowhere/src/gone.rs\`
- [ ] Remove \`static X: u8\` from \`rust/nowhere/src/lib.rs\`
- [ ] Delete duplicate files from \`rust/nowhere/src/\`

### Decommissioning List

- \`rust/df_plugin_codeanatomy/src/lib.rs\`
`;

describe('evaluatePlan: paths the workspace holds under another prefix, or not at all', () => {
  let dir: string;
  let status: PlanStatus;
  before(async () => {
    const parser = await RustParser.load();
    const syntax = await RustSyntax.load();
    dir = writeFixture(WORKSPACE);
    const index = new WorkspaceIndex([dir], DEFAULT_OPTIONS, parser, silentLog);
    await index.build();
    status = evaluatePlan(parsePlan(path.join(dir, 'x_consolidation.md'), PLAN), { index, syntax });
    syntax.dispose();
    parser.dispose();
  });
  after(() => removeFixture(dir));

  it('finds a path by dropping the leading folders the workspace does not have', () => {
    const lib = 'rust/df_plugin_codeanatomy/src/lib.rs (df_plugin_codeanatomy/src/lib.rs)';
    assert.deepEqual(
      status.scopes[0].items.filter((i) => i.kind === 'decommission' || /df_plugin/.test(i.text)).map((i) => [i.status, i.evidence]),
      [
        ['open', 'static ASYNC_RUNTIME is still in df_plugin_codeanatomy/src/lib.rs (line 3)'],
        ['open', 'fn async_runtime is still in df_plugin_codeanatomy/src/lib.rs (line 5)'],
        // Its folder is found the same way, so a file missing from it is absent.
        ['done', 'rust/df_plugin_codeanatomy/src/gone.rs is absent'],
        ['open', `${lib} is still there (7 lines)`],
      ],
    );
    assert.deepEqual(status.scopes[0].items[2].files, [path.join(dir, 'df_plugin_codeanatomy', 'src', 'gone.rs')]);
  });

  it('leaves open, saying so, an item whose path resolves nowhere', () => {
    assert.deepEqual(
      status.scopes[0].items.filter((i) => /nowhere/.test(i.text)).map((i) => [i.status, i.evidence]),
      [
        ['open', 'cannot find where rust/nowhere/src/gone.rs is in this workspace'],
        ['open', 'cannot find where rust/nowhere/src/lib.rs is in this workspace'],
        ['open', 'cannot find where rust/nowhere/src/ is in this workspace'],
      ],
    );
  });
});
