// The shared plan against the workspace it was written for, in miniature:
// before the consolidation every item the code can decide is open, with
// evidence; after it those items are done; run and verify items stay manual,
// and drift between the checkboxes and the code is flagged both ways.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { WorkspaceIndex } from '../../server/src/core/index';
import { DEFAULT_OPTIONS, silentLog } from '../../server/src/core/model';
import { RustParser } from '../../server/src/core/source/rust';
import { applyEdits } from '../../server/src/core/fixes/fixes';
import { evaluatePlan, markableEdits, parsePlan, RustSyntax } from '../../server/src/core/plan';
import type { Plan, PlanItemStatus, PlanStatus, PlanTask } from '../../server/src/core/plan';
import { removeFixture, repoRoot, writeFixture } from '../support/fixture';
import { DECOMMISSIONED, IDENTICAL, planWorkspace, sharedPlanPath } from './workspace';

const SHARED = sharedPlanPath(repoRoot);
const PY = 'rust/datafusion_python';
const EXT = 'rust/datafusion_ext';
const PLUGIN = 'rust/df_plugin_codeanatomy';

/** Items no code decides, by scope: their status is 'manual' whatever the workspace. */
const MANUAL = [
  'Run `cargo build` to verify no compile errors',
  'Run `cargo test` to verify functionality preserved',
  'Update Python tests to verify PyO3 bindings work correctly',
  'Verify `cargo build --workspace` succeeds',
  'Verify `cargo test --workspace` passes',
  'Run tests to verify async operations work correctly',
  'Verify Python signal handling still works',
  'Simplify `TokioRuntime` wrapper in `rust/datafusion_python/src/lib.rs:90` (optional)',
  'Update Delta modules to use `ExtError` where appropriate',
  'Verify error propagation works correctly',
  'Inline error conversions in Delta modules can be simplified to use `ExtError::from()`',
  'Verify Python bindings expose all new fields correctly',
  '`cargo build --workspace` succeeds',
  '`cargo test --workspace` passes',
  '`cargo clippy --workspace` has no new warnings',
  'Python bindings work: `python -c "from datafusion._internal import *"`',
  'Plugin loading works: Test df_plugin_codeanatomy',
  'Delta Lake operations work: Test scan/write operations',
];

/** Evidence for every item the code decides, before the consolidation, by item text. */
const BEFORE: Record<string, string> = {
  'Add `datafusion_ext` as workspace dependency in `rust/datafusion_python/Cargo.toml`': `${PY}/Cargo.toml has no datafusion_ext dependency`,
  'Remove `datafusion-python = "51.0.0"` from `rust/datafusion_ext/Cargo.toml`': `datafusion-python is still a dependency in ${EXT}/Cargo.toml (line 13), from the registry`,
  'Update `rust/datafusion_ext/src/udf_builtin.rs` to use `crate::expr::PyExpr` or abstract the import': `${EXT}/src/udf_builtin.rs does not refer to crate::expr::PyExpr`,
  'Update `rust/datafusion_python/src/lib.rs` to re-export modules from datafusion_ext':
    `${PY}/src/lib.rs: 0 of 18 modules re-exported from datafusion_ext: missing delta_control_plane (still a copy, at ${PY}/src/delta_control_plane.rs), ` +
    `delta_maintenance (still a copy, at ${PY}/src/delta_maintenance.rs), delta_mutations (still a copy, at ${PY}/src/delta_mutations.rs), ` +
    `delta_observability (still a copy, at ${PY}/src/delta_observability.rs), delta_protocol (still a copy, at ${PY}/src/delta_protocol.rs) and 13 more`,
  'Update `rust/datafusion_python/src/codeanatomy_ext.rs` to import from datafusion_ext': `${PY}/src/codeanatomy_ext.rs does not import from datafusion_ext`,
  // 17 copies the index finds, and registry_snapshot.rs, diverged, that the plan's table lists.
  'Delete duplicate files from `rust/datafusion_python/src/`': `18 copies left in ${PY}/src/: delta_control_plane.rs, delta_maintenance.rs, delta_mutations.rs, delta_observability.rs, delta_protocol.rs and 13 more`,
  'Add optional `pyo3` dependency to `rust/datafusion_ext/Cargo.toml`': `pyo3 is a dependency in ${EXT}/Cargo.toml (line 15), but not optional`,
  'Create `python` feature flag in `rust/datafusion_ext/Cargo.toml`': `${EXT}/Cargo.toml has no python feature`,
  'Add `datafusion_ext = { path = "../datafusion_ext", features = ["python"] }` to `rust/datafusion_python/Cargo.toml`': `${PY}/Cargo.toml has no datafusion_ext dependency`,
  'Update any imports in `datafusion_ext` that reference `datafusion_python` externally': `${EXT}/src/udf_builtin.rs still uses datafusion_python (line 7)`,
  'Remove line `datafusion-python = "51.0.0"` from `rust/datafusion_ext/Cargo.toml`': `datafusion-python is still a dependency in ${EXT}/Cargo.toml (line 13), from the registry`,
  'Create `rust/datafusion_ext/src/async_runtime.rs`': `${EXT}/src/async_runtime.rs does not exist yet`,
  'Export `async_runtime` module from `rust/datafusion_ext/src/lib.rs`': `${EXT}/src/lib.rs does not declare the module async_runtime`,
  'Update `rust/datafusion_python/src/utils.rs` to use shared runtime': `${PY}/src/utils.rs does not refer to datafusion_ext::async_runtime::get_shared_runtime (the change its target-file table names)`,
  'Update `rust/df_plugin_codeanatomy/src/lib.rs` to use shared runtime': `${PLUGIN}/src/lib.rs does not refer to datafusion_ext::async_runtime::get_shared_runtime (the change its target-file table names)`,
  'Remove local `ASYNC_RUNTIME` static from `df_plugin_codeanatomy`': `static ASYNC_RUNTIME is still in ${PLUGIN}/src/lib.rs (line 11)`,
  'Remove `static ASYNC_RUNTIME: OnceLock<Runtime>` from `rust/df_plugin_codeanatomy/src/lib.rs:30`': `static ASYNC_RUNTIME is still in ${PLUGIN}/src/lib.rs (line 11)`,
  'Remove `fn async_runtime()` from `rust/df_plugin_codeanatomy/src/lib.rs:74-76`': `fn async_runtime is still in ${PLUGIN}/src/lib.rs (line 21)`,
  'Create `rust/datafusion_ext/src/errors.rs` with core types': `${EXT}/src/errors.rs does not exist yet`,
  'Export `errors` module from `rust/datafusion_ext/src/lib.rs`': `${EXT}/src/lib.rs does not declare the module errors`,
  'Update `rust/datafusion_python/src/errors.rs` to wrap `ExtError`': `${PY}/src/errors.rs does not refer to ExtError`,
  'Delete `rust/datafusion_python/src/registry_snapshot.rs`': `${PY}/src/registry_snapshot.rs is still there (13 lines)`,
  'Add `pub use datafusion_ext::registry_snapshot;` to `rust/datafusion_python/src/lib.rs`': `${PY}/src/lib.rs lacks pub use datafusion_ext::registry_snapshot`,
  'Update any imports in `codeanatomy_ext.rs` to use datafusion_ext': `codeanatomy_ext.rs (${PY}/src/codeanatomy_ext.rs) does not import from datafusion_ext`,
  'Delete `rust/datafusion_python/src/registry_snapshot.rs` (857 lines)': `${PY}/src/registry_snapshot.rs is still there (13 lines)`,
  ...Object.fromEntries(
    IDENTICAL.map((m) => [`\`${PY}/src/${m}.rs\``, `${PY}/src/${m}.rs is still there (10 lines, a copy of ${EXT}/src/${m}.rs)`]),
  ),
  [`\`${PY}/src/udf_builtin.rs\``]: `${PY}/src/udf_builtin.rs is still there (26 lines, a copy of ${EXT}/src/udf_builtin.rs)`,
  [`\`${PY}/src/registry_snapshot.rs\``]: `${PY}/src/registry_snapshot.rs is still there (13 lines)`,
};

/** Evidence for the same items after the consolidation. */
const AFTER: Record<string, string> = {
  'Add `datafusion_ext` as workspace dependency in `rust/datafusion_python/Cargo.toml`': `datafusion_ext is a dependency in ${PY}/Cargo.toml (line 17), by path ../datafusion_ext`,
  'Remove `datafusion-python = "51.0.0"` from `rust/datafusion_ext/Cargo.toml`': `${EXT}/Cargo.toml no longer depends on datafusion-python`,
  'Update `rust/datafusion_ext/src/udf_builtin.rs` to use `crate::expr::PyExpr` or abstract the import': `${EXT}/src/udf_builtin.rs refers to datafusion_ext::expr::PyExpr (line 7)`,
  'Update `rust/datafusion_python/src/lib.rs` to re-export modules from datafusion_ext': `${PY}/src/lib.rs: 19 of 19 modules re-exported from datafusion_ext (from line 11)`,
  'Update `rust/datafusion_python/src/codeanatomy_ext.rs` to import from datafusion_ext': `${PY}/src/codeanatomy_ext.rs imports 2 paths from datafusion_ext (line 3)`,
  'Delete duplicate files from `rust/datafusion_python/src/`': `no copy of another crate's module is left in ${PY}/src/`,
  'Add optional `pyo3` dependency to `rust/datafusion_ext/Cargo.toml`': `pyo3 is a dependency in ${EXT}/Cargo.toml (line 14)`,
  'Create `python` feature flag in `rust/datafusion_ext/Cargo.toml`': `${EXT}/Cargo.toml has the python feature (line 20)`,
  'Add `datafusion_ext = { path = "../datafusion_ext", features = ["python"] }` to `rust/datafusion_python/Cargo.toml`': `datafusion_ext is a dependency in ${PY}/Cargo.toml (line 17), by path ../datafusion_ext, with the python feature`,
  'Update any imports in `datafusion_ext` that reference `datafusion_python` externally': 'no use of datafusion_python is left in crate datafusion_ext',
  'Remove line `datafusion-python = "51.0.0"` from `rust/datafusion_ext/Cargo.toml`': `${EXT}/Cargo.toml no longer depends on datafusion-python`,
  'Create `rust/datafusion_ext/src/async_runtime.rs`': `${EXT}/src/async_runtime.rs exists (11 lines)`,
  'Export `async_runtime` module from `rust/datafusion_ext/src/lib.rs`': `${EXT}/src/lib.rs declares pub mod async_runtime (line 3)`,
  'Update `rust/datafusion_python/src/utils.rs` to use shared runtime': `${PY}/src/utils.rs refers to datafusion_ext::async_runtime::get_shared_runtime (line 1) (the change its target-file table names)`,
  'Update `rust/df_plugin_codeanatomy/src/lib.rs` to use shared runtime': `${PLUGIN}/src/lib.rs refers to datafusion_ext::async_runtime::get_shared_runtime (line 5) (the change its target-file table names)`,
  'Remove local `ASYNC_RUNTIME` static from `df_plugin_codeanatomy`': 'no static ASYNC_RUNTIME is left in crate df_plugin_codeanatomy',
  'Remove `static ASYNC_RUNTIME: OnceLock<Runtime>` from `rust/df_plugin_codeanatomy/src/lib.rs:30`': `${PLUGIN}/src/lib.rs has no static ASYNC_RUNTIME`,
  'Remove `fn async_runtime()` from `rust/df_plugin_codeanatomy/src/lib.rs:74-76`': `${PLUGIN}/src/lib.rs has no fn async_runtime`,
  'Create `rust/datafusion_ext/src/errors.rs` with core types': `${EXT}/src/errors.rs exists (10 lines)`,
  'Export `errors` module from `rust/datafusion_ext/src/lib.rs`': `${EXT}/src/lib.rs declares pub mod errors (line 9)`,
  'Update `rust/datafusion_python/src/errors.rs` to wrap `ExtError`': `${PY}/src/errors.rs refers to ExtError (line 5)`,
  'Delete `rust/datafusion_python/src/registry_snapshot.rs`': `${PY}/src/registry_snapshot.rs is absent`,
  'Add `pub use datafusion_ext::registry_snapshot;` to `rust/datafusion_python/src/lib.rs`': `${PY}/src/lib.rs has pub use datafusion_ext::registry_snapshot; (line 25)`,
  'Update any imports in `codeanatomy_ext.rs` to use datafusion_ext': `codeanatomy_ext.rs (${PY}/src/codeanatomy_ext.rs) imports 2 paths from datafusion_ext (line 3)`,
  'Delete `rust/datafusion_python/src/registry_snapshot.rs` (857 lines)': `${PY}/src/registry_snapshot.rs is absent`,
  ...Object.fromEntries(DECOMMISSIONED.map((m) => [`\`${PY}/src/${m}.rs\``, `${PY}/src/${m}.rs is absent`])),
};

describe('evaluatePlan: the shared plan on its workspace', () => {
  let parser: RustParser;
  let syntax: RustSyntax;
  let plan: Plan;
  const dirs: string[] = [];

  before(async () => {
    parser = await RustParser.load();
    syntax = await RustSyntax.load();
    plan = parsePlan(SHARED, fs.readFileSync(SHARED, 'utf8'));
  });
  after(() => {
    dirs.forEach(removeFixture);
    syntax.dispose();
    parser.dispose();
  });

  async function workspace(state: 'before' | 'after', root = '.') {
    const dir = writeFixture(planWorkspace(state));
    dirs.push(dir);
    const index = new WorkspaceIndex([path.join(dir, root)], DEFAULT_OPTIONS, parser, silentLog);
    await index.build();
    return { dir, index };
  }

  const items = (status: PlanStatus): PlanItemStatus[] => [...status.scopes.flatMap((s) => s.items), ...status.other];
  const byText = (status: PlanStatus) => {
    const map = new Map<string, PlanItemStatus[]>();
    for (const item of items(status)) map.set(item.text, [...(map.get(item.text) ?? []), item]);
    return map;
  };

  /** Every item is in exactly one of the two lists, so none goes unasserted. */
  function assertCovered(expected: Record<string, string>): void {
    const texts = new Set(plan.scopes.flatMap((s) => [...s.tasks, ...s.decommissioning]).map((i) => i.text));
    const listed = new Set([...Object.keys(expected), ...MANUAL]);
    assert.deepEqual([...texts].filter((t) => !listed.has(t)), [], 'items neither code-decided nor manual');
    assert.deepEqual([...listed].filter((t) => !texts.has(t)), [], 'listed items the plan does not have');
  }

  describe('before the consolidation', () => {
    let index: WorkspaceIndex;
    let status: PlanStatus;
    before(async () => {
      ({ index } = await workspace('before'));
      status = evaluatePlan(plan, { index, syntax });
    });

    it('finds every code-decidable item open, with its evidence', () => {
      assertCovered(BEFORE);
      const found = byText(status);
      for (const [text, evidence] of Object.entries(BEFORE)) {
        for (const item of found.get(text)!) {
          assert.equal(item.status, 'open', text);
          assert.equal(item.evidence, evidence, text);
          assert.equal(item.regressed, false);
          assert.equal(item.markable, false);
        }
      }
    });

    it('leaves run and verify items manual, their state the checkbox', () => {
      const found = byText(status);
      for (const text of MANUAL) {
        const [item] = found.get(text)!;
        assert.equal(item.status, 'manual', text);
        assert.equal(item.check, 'manual', text);
      }
      const [build] = found.get('Run `cargo build` to verify no compile errors')!;
      assert.equal(build.evidence, 'a run or a check done by hand; the checkbox says not done');
    });

    it('counts each scope, and points the evidence at the place it names', () => {
      assert.deepEqual(
        status.scopes.map((s) => [s.number, s.done, s.total, s.phase]),
        [
          [1, 0, 27, 'Phase 1: Critical Path'],
          [2, 0, 8, 'Phase 1: Critical Path'],
          [3, 0, 10, 'Phase 2: Runtime & Error Handling'],
          [4, 0, 6, 'Phase 2: Runtime & Error Handling'],
          [5, 0, 5, 'Phase 3: Registry & Cleanup'],
          [6, 0, 0, undefined],
          [7, 0, 0, undefined],
          [8, 0, 0, undefined],
          [9, 0, 0, undefined],
          [10, 0, 6, undefined],
        ],
      );
      assert.deepEqual(status.counts, { done: 0, open: 44, manual: 18, regressed: 0, markable: 0, total: 62 });
      const [dependency] = byText(status).get('Remove `datafusion-python = "51.0.0"` from `rust/datafusion_ext/Cargo.toml`')!;
      assert.equal(dependency.at!.file, path.join(status.base!.dir, EXT, 'Cargo.toml'));
      assert.deepEqual(dependency.at!.range, { start: { line: 12, character: 0 }, end: { line: 12, character: 17 } });
      const [statik] = byText(status).get('Remove local `ASYNC_RUNTIME` static from `df_plugin_codeanatomy`')!;
      assert.equal(statik.at!.range.start.line, 10);
      assert.deepEqual(statik.files, [path.join(status.base!.dir, PLUGIN, 'src', 'lib.rs')]);
    });

    it('reads the plan\'s paths from the folder that holds rust/, whether that or rust/ itself is the workspace folder', async () => {
      assert.equal(status.base!.relativeTo, 'root');
      const inside = await workspace('before', 'rust');
      const fromInside = evaluatePlan(plan, { index: inside.index, syntax });
      const dir = inside.dir;
      assert.deepEqual(fromInside.base, { dir, relativeTo: 'parent', root: path.join(dir, 'rust') });
      assert.deepEqual(
        items(fromInside).map((i) => [i.text, i.status, i.evidence]),
        items(status).map((i) => [i.text, i.status, i.evidence]),
      );
    });

    it('flags a checked box whose evidence says open as regressed; a checked manual item counts as done', () => {
      const ticked = tick(plan, () => true);
      const drifted = evaluatePlan(ticked, { index, syntax });
      assert.equal(drifted.counts.regressed, 22, 'every task item the code decides');
      const [copies] = byText(drifted).get('Delete duplicate files from `rust/datafusion_python/src/`')!;
      assert.equal(copies.checked, true);
      assert.equal(copies.regressed, true);
      const [build] = byText(drifted).get('Run `cargo build` to verify no compile errors')!;
      assert.equal(build.status, 'manual');
      assert.equal(build.regressed, false);
      assert.equal(build.evidence, 'a run or a check done by hand; the checkbox says done');
      assert.deepEqual(
        drifted.scopes.map((s) => s.done),
        [3, 2, 2, 2, 1, 0, 0, 0, 0, 6],
      );
    });

    it('turns a decommissioning item done when its copy is deleted, through the index, without a rebuild', async () => {
      const fresh = await workspace('before');
      const copy = path.join(fresh.dir, PY, 'src', 'udf_docs.rs');
      fs.rmSync(copy);
      fresh.index.removeSource(copy);
      const next = evaluatePlan(plan, { index: fresh.index, syntax });
      const [entry] = byText(next).get(`\`${PY}/src/udf_docs.rs\``)!;
      assert.equal(entry.status, 'done');
      assert.equal(entry.evidence, `${PY}/src/udf_docs.rs is absent`);
      const [copies] = byText(next).get('Delete duplicate files from `rust/datafusion_python/src/`')!;
      // 16 copies the index finds, and registry_snapshot.rs, diverged, that the plan's table lists.
      assert.match(copies.evidence, /^17 copies left in /);
      assert.equal(next.counts.done, 1);
    });
  });

  describe('after the consolidation', () => {
    let index: WorkspaceIndex;
    let status: PlanStatus;
    before(async () => {
      ({ index } = await workspace('after'));
      status = evaluatePlan(plan, { index, syntax });
    });

    it('finds every code-decidable item done, with its evidence', () => {
      assertCovered(AFTER);
      const found = byText(status);
      for (const [text, evidence] of Object.entries(AFTER)) {
        for (const item of found.get(text)!) {
          assert.equal(item.status, 'done', text);
          assert.equal(item.evidence, evidence, text);
        }
      }
    });

    it('accepts the shared runtime function named otherwise than the plan sketched, naming both', async () => {
      // The team called it `shared_runtime`, not the plan's `get_shared_runtime`.
      const renamed = await workspace('after');
      for (const file of ['rust/datafusion_ext/src/async_runtime.rs', 'rust/datafusion_python/src/utils.rs', 'rust/df_plugin_codeanatomy/src/lib.rs']) {
        const full = path.join(renamed.dir, file);
        fs.writeFileSync(full, fs.readFileSync(full, 'utf8').replace(/get_shared_runtime/g, 'shared_runtime'));
      }
      const index = new WorkspaceIndex([path.join(renamed.dir, '.')], DEFAULT_OPTIONS, parser, silentLog);
      await index.build();
      const found = byText(evaluatePlan(plan, { index, syntax }));
      for (const [text, file] of [
        ['Update `rust/datafusion_python/src/utils.rs` to use shared runtime', `${PY}/src/utils.rs`],
        ['Update `rust/df_plugin_codeanatomy/src/lib.rs` to use shared runtime', `${PLUGIN}/src/lib.rs`],
      ]) {
        const [item] = found.get(text)!;
        assert.equal(item.status, 'done', text);
        assert.match(
          item.evidence,
          new RegExp(`^${file.replace(/[/.]/g, '\\$&')} (?:imports|refers to) datafusion_ext::async_runtime::shared_runtime \\(line \\d+\\) \\(the change its target-file table names\\), in place of the plan's datafusion_ext::async_runtime::get_shared_runtime: async_runtime has no get_shared_runtime$`),
        );
      }
    });

    it('still leaves run and verify items manual', () => {
      const found = byText(status);
      for (const text of MANUAL) assert.equal(found.get(text)![0].status, 'manual', text);
      assert.deepEqual(status.counts, { done: 44, open: 0, manual: 18, regressed: 0, markable: 22, total: 62 });
    });

    it('offers to tick every unchecked task the code shows done, and none once it is ticked', () => {
      const markable = items(status).filter((i) => i.markable);
      assert.equal(markable.length, 22);
      assert.ok(markable.every((i) => i.kind === 'task' && i.status === 'done' && i.checked === false));
      const edits = markableEdits(status);
      assert.equal(edits.length, 22);
      assert.deepEqual(edits[0], { range: { start: { line: 216, character: 2 }, end: { line: 216, character: 5 } }, newText: '[x]' });
      const ticked = evaluatePlan(parsePlan(plan.file, applyEdits(fs.readFileSync(plan.file, 'utf8'), edits)), { index, syntax });
      assert.equal(ticked.counts.markable, 0);
      assert.equal(ticked.counts.regressed, 0);
      assert.deepEqual(
        ticked.scopes.map((s) => [s.done, s.total]),
        [
          [24, 27],
          [6, 8],
          [7, 10],
          [3, 6],
          [4, 5],
          [0, 0],
          [0, 0],
          [0, 0],
          [0, 0],
          [0, 6],
        ],
      );
    });
  });

});

/** The plan with the chosen task items' boxes ticked in the text, parsed again: a plan as a user would edit it. */
function tick(plan: Plan, which: (task: PlanTask) => boolean): Plan {
  const lines = fs.readFileSync(plan.file, 'utf8').split('\n');
  for (const task of plan.scopes.flatMap((s) => s.tasks)) {
    if (!which(task)) continue;
    const { line, character } = task.checkbox.start;
    lines[line] = lines[line].slice(0, character) + '[x]' + lines[line].slice(character + 3);
  }
  return parsePlan(plan.file, lines.join('\n'));
}
