// Reading a consolidation plan: the user's shared plan, counted by hand, and
// small inline plans for what the markdown parser must get right (code
// blocks, nested lists, CRLF, items outside numbered scopes).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { parsePlan } from '../../server/src/core/plan';
import type { Plan, PlanCheck, PlanScope } from '../../server/src/core/plan';
import { repoRoot } from '../support/fixture';
import { DECOMMISSIONED, sharedPlanPath } from './workspace';

const SHARED = sharedPlanPath(repoRoot);

describe('parsePlan on the shared plan', () => {
  let plan: Plan;
  const scope = (n: number): PlanScope => plan.scopes.find((s) => s.number === n)!;

  before(() => {
    plan = parsePlan(SHARED, fs.readFileSync(SHARED, 'utf8'));
  });

  it('finds the ten numbered scopes with their titles and heading lines', () => {
    assert.equal(plan.title, 'Rust Codebase Consolidation Plan');
    assert.deepEqual(
      plan.scopes.map((s) => [s.number, s.title, s.line]),
      [
        [1, 'Critical File Duplication Elimination', 21],
        [2, 'Crate Dependency Architecture Rationalization', 250],
        [3, 'Async Runtime Consolidation', 378],
        [4, 'Error Handling Standardization', 551],
        [5, 'Registry Snapshot Alignment', 719],
        [6, 'UDF Configuration Centralization', 785],
        [7, 'PyO3/PyArrow Conversion Utilities', 826],
        [8, 'Delta Lake Integration Consolidation', 865],
        [9, 'Cross-Scope Dependencies', 885],
        [10, 'Implementation Roadmap', 924],
      ],
    );
    // A scope ends where the next `##` heading starts; scope 10 ends before the unnumbered Appendix.
    assert.equal(scope(1).endLine, 249);
    assert.equal(scope(10).endLine, 977);
  });

  it('finds every task item of every scope, counted by hand', () => {
    assert.deepEqual(
      plan.scopes.map((s) => s.tasks.length),
      [9, 7, 7, 5, 4, 0, 0, 0, 0, 6],
    );
    assert.ok(plan.scopes.flatMap((s) => s.tasks).every((t) => !t.checked));
    assert.deepEqual(plan.other, []);
  });

  it('keeps each item as written, with its line, section and checkbox', () => {
    const [first] = scope(1).tasks;
    assert.equal(first.text, 'Add `datafusion_ext` as workspace dependency in `rust/datafusion_python/Cargo.toml`');
    assert.equal(first.line, 216);
    assert.equal(first.section, 'Implementation Checklist');
    assert.deepEqual(first.checkbox, { start: { line: 216, character: 2 }, end: { line: 216, character: 5 } });
    assert.deepEqual(
      scope(1).tasks.map((t) => t.line),
      [216, 217, 218, 219, 220, 221, 222, 223, 224],
    );
    assert.equal(scope(3).tasks[4].text, 'Remove local `ASYNC_RUNTIME` static from `df_plugin_codeanatomy`');
    assert.equal(scope(3).tasks[4].line, 539);
    assert.equal(
      scope(2).tasks[3].text,
      'Add `datafusion_ext = { path = "../datafusion_ext", features = ["python"] }` to `rust/datafusion_python/Cargo.toml`',
    );
  });

  it('puts the Verification Steps checklist, under section 10, in scope 10', () => {
    assert.deepEqual(
      scope(10).tasks.map((t) => [t.line, t.section, t.text]),
      [
        [969, 'Verification Steps', '`cargo build --workspace` succeeds'],
        [970, 'Verification Steps', '`cargo test --workspace` passes'],
        [971, 'Verification Steps', '`cargo clippy --workspace` has no new warnings'],
        [972, 'Verification Steps', 'Python bindings work: `python -c "from datafusion._internal import *"`'],
        [973, 'Verification Steps', 'Plugin loading works: Test df_plugin_codeanatomy'],
        [974, 'Verification Steps', 'Delta Lake operations work: Test scan/write operations'],
      ],
    );
  });

  it('finds the decommissioning entries: 18 files in scope 1, and the lists of scopes 2 to 5', () => {
    assert.deepEqual(
      plan.scopes.map((s) => s.decommissioning.length),
      [18, 1, 3, 1, 1, 0, 0, 0, 0, 0],
    );
    assert.deepEqual(
      scope(1).decommissioning.map((d) => d.path),
      DECOMMISSIONED.map((m) => `rust/datafusion_python/src/${m}.rs`),
    );
    assert.deepEqual(
      scope(1).decommissioning.map((d) => d.line),
      Array.from({ length: 18 }, (_, i) => 229 + i),
    );
    assert.equal(scope(1).decommissioning[0].section, 'Decommissioning List');
    assert.deepEqual(
      scope(3).decommissioning.map((d) => [d.line, d.text, d.path]),
      [
        [545, 'Remove `static ASYNC_RUNTIME: OnceLock<Runtime>` from `rust/df_plugin_codeanatomy/src/lib.rs:30`', 'rust/df_plugin_codeanatomy/src/lib.rs'],
        [546, 'Remove `fn async_runtime()` from `rust/df_plugin_codeanatomy/src/lib.rs:74-76`', 'rust/df_plugin_codeanatomy/src/lib.rs'],
        [547, 'Simplify `TokioRuntime` wrapper in `rust/datafusion_python/src/lib.rs:90` (optional)', 'rust/datafusion_python/src/lib.rs'],
      ],
    );
    assert.equal(scope(4).decommissioning[0].path, undefined, 'an entry that names no file');
    assert.equal(scope(5).decommissioning[0].text, 'Delete `rust/datafusion_python/src/registry_snapshot.rs` (857 lines)');
  });

  it('finds the target-file tables: tables whose header has a File column', () => {
    assert.deepEqual(
      plan.scopes.map((s) => s.tables.map((t) => t.rows.length)),
      [[11, 18, 4], [3], [4], [3], [], [], [4], [], [], []],
    );
    const [identical, toDelete, toModify] = scope(1).tables;
    assert.deepEqual(identical.columns, ['File', 'Lines', 'Status', 'Total Duplicated']);
    assert.equal(identical.line, 29);
    assert.deepEqual(identical.rows[9], {
      line: 40,
      file: 'udaf_builtin.rs',
      cells: ['`udaf_builtin.rs`', '1,906', '**IDENTICAL**', '3,812'],
      change: '**IDENTICAL**',
    });
    assert.deepEqual(toDelete.columns, ['File', 'Lines', 'Reason']);
    assert.equal(toDelete.rows[11].file, 'rust/datafusion_python/src/udf_custom.rs');
    assert.equal(toDelete.rows[11].change, 'Duplicate of datafusion_ext');
    assert.deepEqual(
      toModify.rows.map((r) => [r.line, r.file, r.change]),
      [
        [209, 'rust/datafusion_python/src/lib.rs', 'Add re-exports, remove mod declarations'],
        [210, 'rust/datafusion_python/src/codeanatomy_ext.rs', 'Update imports to use datafusion_ext'],
        [211, 'rust/datafusion_python/Cargo.toml', 'Add workspace dependency on datafusion_ext'],
        [212, 'rust/datafusion_ext/Cargo.toml', 'Remove external datafusion-python dependency'],
      ],
    );
    assert.deepEqual(
      scope(3).tables[0].rows.map((r) => [r.file, r.change]),
      [
        ['rust/datafusion_ext/src/async_runtime.rs', '**CREATE**: New shared runtime module'],
        ['rust/datafusion_ext/src/lib.rs', 'Add `pub mod async_runtime`'],
        ['rust/datafusion_python/src/utils.rs', 'Use `datafusion_ext::async_runtime::get_shared_runtime()`'],
        ['rust/df_plugin_codeanatomy/src/lib.rs', 'Use `datafusion_ext::async_runtime::get_shared_runtime()`'],
      ],
    );
    // "File | Utilities": a file column, but no change column.
    assert.deepEqual(scope(7).tables[0].columns, ['File', 'Utilities']);
    assert.equal(scope(7).tables[0].rows[0].change, undefined);
  });

  it('names each scope by the roadmap phases that list it, the Implementation Roadmap first', () => {
    assert.deepEqual(
      plan.phases.map((p) => [p.title, p.line, p.scopes, p.section]),
      [
        ['Phase 1: Dependency Architecture', 898, [2], 'Recommended Implementation Order'],
        ['Phase 2: File Deduplication', 903, [1], 'Recommended Implementation Order'],
        ['Phase 3: Async Runtime', 908, [3], 'Recommended Implementation Order'],
        ['Phase 4: Error Handling', 913, [4], 'Recommended Implementation Order'],
        ['Phase 5: Registry Alignment', 918, [5], 'Recommended Implementation Order'],
        ['Phase 1: Critical Path', 926, [1, 2], '10. Implementation Roadmap'],
        ['Phase 2: Runtime & Error Handling', 948, [3, 4], '10. Implementation Roadmap'],
        ['Phase 3: Registry & Cleanup', 957, [5], '10. Implementation Roadmap'],
      ],
    );
    assert.deepEqual(
      plan.scopes.map((s) => s.phase?.title),
      ['Phase 1: Critical Path', 'Phase 1: Critical Path', 'Phase 2: Runtime & Error Handling', 'Phase 2: Runtime & Error Handling', 'Phase 3: Registry & Cleanup', undefined, undefined, undefined, undefined, undefined],
    );
    assert.deepEqual(
      scope(1).phases.map((p) => p.title),
      ['Phase 1: Critical Path', 'Phase 2: File Deduplication'],
    );
  });

  it('reads what decides each item from its text', () => {
    const checks = (s: PlanScope) => [...s.tasks, ...s.decommissioning].map((i) => i.check);
    const manual = (reason: string): PlanCheck => ({ kind: 'manual', reason });
    const byHand = manual('a run or a check done by hand');
    const judgment = manual('a judgment the code cannot show (optional, where appropriate), decided by hand');
    // `datafusion-python = "51.0.0"` names the registry copy: an entry that points at a local path would do.
    const removePython: PlanCheck = { kind: 'dependency-absent', dependency: 'datafusion-python', manifest: 'rust/datafusion_ext/Cargo.toml', external: true };
    const sharedRuntime = (path: string): PlanCheck => ({
      kind: 'refers-to',
      path,
      target: 'datafusion_ext::async_runtime::get_shared_runtime',
      how: 'refer',
      fromTable: true,
    });
    assert.deepEqual(checks(scope(1)), [
      { kind: 'dependency-present', dependency: 'datafusion_ext', manifest: 'rust/datafusion_python/Cargo.toml', optional: false },
      removePython,
      { kind: 'refers-to', path: 'rust/datafusion_ext/src/udf_builtin.rs', target: 'crate::expr::PyExpr', how: 'refer' },
      { kind: 'refers-to', path: 'rust/datafusion_python/src/lib.rs', target: 'datafusion_ext', how: 'reexport' },
      { kind: 'refers-to', path: 'rust/datafusion_python/src/codeanatomy_ext.rs', target: 'datafusion_ext', how: 'import' },
      { kind: 'copies-absent', dir: 'rust/datafusion_python/src/' },
      byHand,
      byHand,
      byHand,
      ...DECOMMISSIONED.map((m): PlanCheck => ({ kind: 'file-absent', path: `rust/datafusion_python/src/${m}.rs` })),
    ]);
    assert.deepEqual(checks(scope(2)), [
      removePython,
      { kind: 'dependency-present', dependency: 'pyo3', manifest: 'rust/datafusion_ext/Cargo.toml', optional: true },
      { kind: 'feature-present', feature: 'python', manifest: 'rust/datafusion_ext/Cargo.toml' },
      { kind: 'dependency-present', dependency: 'datafusion_ext', manifest: 'rust/datafusion_python/Cargo.toml', optional: false, features: ['python'] },
      { kind: 'imports-absent', in: 'datafusion_ext', root: 'datafusion_python' },
      byHand,
      byHand,
      removePython,
    ]);
    assert.deepEqual(checks(scope(3)), [
      { kind: 'file-present', path: 'rust/datafusion_ext/src/async_runtime.rs' },
      { kind: 'module-exported', module: 'async_runtime', path: 'rust/datafusion_ext/src/lib.rs' },
      sharedRuntime('rust/datafusion_python/src/utils.rs'),
      sharedRuntime('rust/df_plugin_codeanatomy/src/lib.rs'),
      { kind: 'item-absent', item: 'static', name: 'ASYNC_RUNTIME', in: 'df_plugin_codeanatomy' },
      byHand,
      byHand,
      { kind: 'item-absent', item: 'static', name: 'ASYNC_RUNTIME', in: 'rust/df_plugin_codeanatomy/src/lib.rs' },
      { kind: 'item-absent', item: 'fn', name: 'async_runtime', in: 'rust/df_plugin_codeanatomy/src/lib.rs' },
      judgment,
    ]);
    assert.deepEqual(checks(scope(4)), [
      { kind: 'file-present', path: 'rust/datafusion_ext/src/errors.rs' },
      { kind: 'module-exported', module: 'errors', path: 'rust/datafusion_ext/src/lib.rs' },
      { kind: 'refers-to', path: 'rust/datafusion_python/src/errors.rs', target: 'ExtError', how: 'refer' },
      judgment,
      byHand,
      judgment,
    ]);
    assert.deepEqual(checks(scope(5)), [
      { kind: 'file-absent', path: 'rust/datafusion_python/src/registry_snapshot.rs' },
      { kind: 'code-present', code: 'pub use datafusion_ext::registry_snapshot;', path: 'rust/datafusion_python/src/lib.rs' },
      { kind: 'refers-to', path: 'codeanatomy_ext.rs', target: 'datafusion_ext', how: 'import' },
      byHand,
      { kind: 'file-absent', path: 'rust/datafusion_python/src/registry_snapshot.rs' },
    ]);
    assert.ok(checks(scope(10)).every((c) => c.kind === 'manual'));
  });
});

describe('parsePlan on small plans', () => {
  const parse = (text: string) => parsePlan('/plans/x_consolidation.md', text);

  it('reads GitHub task lists only: not a `- [ ]` inside a code block, and nested task items too', () => {
    const plan = parse(
      [
        '## 1. Scope',
        '',
        '```markdown',
        '- [ ] Delete `a.rs`',
        '```',
        '',
        '- [x] Delete `b.rs`',
        '  - [ ] Delete `c.rs`',
        '* [X] Create `d.rs`',
        '- plain bullet, not a task',
        '',
      ].join('\n'),
    );
    const [scope] = plan.scopes;
    assert.deepEqual(
      scope.tasks.map((t) => [t.line, t.checked, t.text, t.check]),
      [
        [6, true, 'Delete `b.rs`', { kind: 'file-absent', path: 'b.rs' }],
        [7, false, 'Delete `c.rs`', { kind: 'file-absent', path: 'c.rs' }],
        [8, true, 'Create `d.rs`', { kind: 'file-present', path: 'd.rs' }],
      ],
    );
    assert.deepEqual(scope.tasks[1].checkbox, { start: { line: 7, character: 4 }, end: { line: 7, character: 7 } });
  });

  it('keeps positions right with CRLF line ends, and joins a wrapped item onto one line', () => {
    const plan = parse('## 1. Scope\r\n\r\n- [ ] Remove `x = "1"`\r\n  from `Cargo.toml`\r\n- [ ] Run the tests\r\n');
    const [first, second] = plan.scopes[0].tasks;
    assert.equal(first.text, 'Remove `x = "1"` from `Cargo.toml`');
    assert.deepEqual(first.check, { kind: 'dependency-absent', dependency: 'x', manifest: 'Cargo.toml', external: true });
    assert.equal(second.line, 4);
    assert.deepEqual(second.checkbox, { start: { line: 4, character: 2 }, end: { line: 4, character: 5 } });
  });

  it('reads task markers, footnotes and wrapped code spans as GFM does', () => {
    const plan = parse(
      [
        '## 1. Scope',
        '',
        '- [x] [`Delete`] `a.rs`',
        '- [ ] Delete `d.rs`[^why]',
        '- [ ] Add `pub mod',
        '  errors;` to `src/lib.rs`',
        '- [ ]no space: not a task',
        '- [ ]',
        '  Create `c.rs`',
        '- [y] not a marker',
        '',
        '[^why]: - [ ] a task inside a footnote is not one of the plan',
        '',
        '- [ ]',
      ].join('\n'),
    );
    const [scope] = plan.scopes;
    assert.deepEqual(
      scope.tasks.map((t) => [t.line, t.checked, t.text]),
      [
        [2, true, '[`Delete`] `a.rs`'],
        [3, false, 'Delete `d.rs`[^why]'],
        [4, false, 'Add `pub mod errors;` to `src/lib.rs`'],
        [7, false, 'Create `c.rs`'],
      ],
    );
    // The checkbox is the marker, not the `[` of the text after it.
    assert.deepEqual(scope.tasks[0].checkbox, { start: { line: 2, character: 2 }, end: { line: 2, character: 5 } });
    // A footnote reference is not text; a code span's line ending is a space.
    assert.deepEqual(scope.tasks[1].check, { kind: 'file-absent', path: 'd.rs' });
    assert.deepEqual(scope.tasks[2].check, { kind: 'code-present', code: 'pub mod errors;', path: 'src/lib.rs' });
    // `- [ ]` at the very end, with no line ending after it, is not a task either.
    assert.equal(plan.other.length, 0);
  });

  it('files items outside numbered scopes under `other`, and a table there is not a target-file table', () => {
    const plan = parse(
      [
        '# Plan',
        '',
        '- [ ] Delete `early.rs`',
        '',
        '## 1. First',
        '',
        '| File | Change |',
        '|------|--------|',
        '| `a.rs` | **DELETE** |',
        '',
        '## Appendix',
        '',
        '| File | Change |',
        '|------|--------|',
        '| `b.rs` | keep |',
        '',
        '### Decommissioning',
        '',
        '- `late.rs`',
        '',
      ].join('\n'),
    );
    assert.equal(plan.scopes.length, 1);
    assert.equal(plan.scopes[0].endLine, 9);
    assert.deepEqual(
      plan.scopes[0].tables.map((t) => t.rows.map((r) => [r.file, r.change])),
      [[['a.rs', '**DELETE**']]],
    );
    assert.deepEqual(
      plan.other.map((i) => [i.kind, i.text, i.line]),
      [
        ['task', 'Delete `early.rs`', 2],
        ['decommission', '`late.rs`', 18],
      ],
    );
  });

  it('reads `## 2) Title` and `## Scope 3: Title` as scopes too, but not a phase or a numbered sub-section', () => {
    const plan = parse(
      [
        '## 1. Dotted',
        '- [ ] Delete `a.rs`',
        '## 2) Parenthesised',
        '- [ ] Delete `b.rs`',
        '## Scope 3: Named',
        '- [ ] Delete `c.rs`',
        '## Scope #4 \u2014 Dashed',
        '## Phase 1: Not a scope',
        '## 1.2 Not a scope either',
        '- [ ] Delete `d.rs`',
        '',
      ].join('\n'),
    );
    assert.deepEqual(
      plan.scopes.map((s) => [s.number, s.title, s.line, s.tasks.map((t) => t.text)]),
      [
        [1, 'Dotted', 0, ['Delete `a.rs`']],
        [2, 'Parenthesised', 2, ['Delete `b.rs`']],
        [3, 'Named', 4, ['Delete `c.rs`']],
        [4, 'Dashed', 6, []],
      ],
    );
    assert.deepEqual(plan.other.map((i) => i.text), ['Delete `d.rs`']);
  });

  it('reads the scope list of a phase in its several spellings', () => {
    const plan = parse(
      [
        '## 1. A',
        '## 2. B',
        '## 3. C',
        '## 4. Roadmap',
        '',
        '### Phase 1: First (Scope #2)',
        '### Phase 2: Second (Scopes 1-3)',
        '### Phase 3: Third (Scopes #1, #3)',
        '### Not a phase (Scope 1)',
        '',
      ].join('\n'),
    );
    assert.deepEqual(
      plan.phases.map((p) => [p.number, p.title, p.scopes]),
      [
        [1, 'Phase 1: First', [2]],
        [2, 'Phase 2: Second', [1, 2, 3]],
        [3, 'Phase 3: Third', [1, 3]],
      ],
    );
    assert.equal(plan.scopes[0].phase?.title, 'Phase 2: Second');
    assert.equal(plan.scopes[3].phase, undefined);
  });

  it('reads the phrasings a plan uses for each kind of check', () => {
    const items = [
      'Delete `src/a.rs`',
      'Remove the file `src/b.rs` after migration',
      'Create `src/c.rs` with the shared types',
      'Delete duplicated modules in `crates/x/src/`',
      'Add `serde` as an optional dependency to `x/Cargo.toml`',
      'Add `[dependencies.y]` to `x/Cargo.toml`',
      'Remove `old` dependency from `x`',
      'Remove `const LIMIT: usize = 4` from `src/lib.rs`',
      'Remove unused `helper` function from `src/lib.rs`',
      'Add `pub mod errors;` to `src/lib.rs`',
      'Update `src/lib.rs` to use `x::y::z`',
      'Update `src/lib.rs` to import from `other-crate`',
      'Update `src/lib.rs` to use the shared runtime',
      'Check that nothing else uses `x`',
    ];
    const plan = parse(['## 1. All', '', ...items.map((t) => `- [ ] ${t}`), ''].join('\n'));
    assert.deepEqual(
      plan.scopes[0].tasks.map((t) => t.check),
      [
        { kind: 'file-absent', path: 'src/a.rs' },
        { kind: 'file-absent', path: 'src/b.rs' },
        { kind: 'file-present', path: 'src/c.rs' },
        { kind: 'copies-absent', dir: 'crates/x/src/' },
        { kind: 'dependency-present', dependency: 'serde', manifest: 'x/Cargo.toml', optional: true },
        { kind: 'dependency-present', dependency: 'y', manifest: 'x/Cargo.toml', optional: false },
        { kind: 'dependency-absent', dependency: 'old', manifest: 'x' },
        { kind: 'item-absent', item: 'const', name: 'LIMIT', in: 'src/lib.rs' },
        { kind: 'item-absent', item: 'fn', name: 'helper', in: 'src/lib.rs' },
        { kind: 'code-present', code: 'pub mod errors;', path: 'src/lib.rs' },
        { kind: 'refers-to', path: 'src/lib.rs', target: 'x::y::z', how: 'refer' },
        { kind: 'refers-to', path: 'src/lib.rs', target: 'other-crate', how: 'import' },
        // No code named and no target-file table to say what "the shared runtime" is.
        { kind: 'manual', reason: 'not decidable from the code' },
        { kind: 'manual', reason: 'a run or a check done by hand' },
      ],
    );
  });
});
