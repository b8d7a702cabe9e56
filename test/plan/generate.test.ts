// A plan written from the live findings of the demo workspace: parsing it
// gives back what was written, every item it asks for is open, and carrying
// out the consolidation turns the items done.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { applyEdits } from '../../server/src/core/fixes/fixes';
import type { TextEdit } from '../../server/src/core/fixes/fixes';
import { WorkspaceIndex } from '../../server/src/core/index';
import { DEFAULT_OPTIONS, silentLog } from '../../server/src/core/model';
import { RustParser } from '../../server/src/core/source/rust';
import { draftPlan, evaluatePlan, generatePlan, parsePlan, renderPlan, RustSyntax } from '../../server/src/core/plan';
import type { PlanDraft, PlanItemStatus } from '../../server/src/core/plan';
import { removeFixture, repoRoot, writeFixture } from '../support/fixture';

describe('generatePlan on the demo workspace', () => {
  let parser: RustParser;
  let syntax: RustSyntax;
  let dir: string;
  let planFile: string;
  let index: WorkspaceIndex;
  let draft: PlanDraft;
  let text: string;

  const build = async (root: string) => {
    const built = new WorkspaceIndex([root], DEFAULT_OPTIONS, parser, silentLog);
    await built.build();
    return built;
  };

  before(async () => {
    parser = await RustParser.load();
    syntax = await RustSyntax.load();
    // The demo under rust/, as in the user's repository; the plan is written beside rust/.
    dir = writeFixture('');
    fs.cpSync(path.join(repoRoot, 'demo', 'rust'), path.join(dir, 'rust'), { recursive: true });
    planFile = path.join(dir, 'rust_consolidation_plan.md');
    index = await build(path.join(dir, 'rust'));
    draft = draftPlan(index, { relativeTo: dir });
    text = renderPlan(draft);
    fs.writeFileSync(planFile, text);
  });
  after(() => {
    removeFixture(dir);
    syntax.dispose();
    parser.dispose();
  });

  it('writes one scope per kind of finding, then the roadmap', () => {
    assert.deepEqual(
      draft.scopes.map((s) => s.title),
      [
        'Duplicate File Elimination',
        'Near-Duplicate File Elimination',
        'Inverted Dependency Removal',
        'Diverged Copy Alignment',
        'Duplicated Singleton Consolidation',
        'Implementation Roadmap',
      ],
    );
    assert.equal(generatePlan(index, { relativeTo: dir }), text);
    assert.match(text, /^# Rust Consolidation Plan\n/);
    assert.match(text, /\n## 1\. Duplicate File Elimination\n/);
    // The summary counts the lines of the 12 copies in datafusion_python, read here from disk.
    const copies = index.allFindings().filter((f) => f.code === 'duplicate-file' || f.code === 'near-duplicate-file');
    assert.equal(copies.length, 12);
    const lines = copies.reduce((n, f) => n + fs.readFileSync(f.file, 'utf8').split('\n').length - 1, 0);
    assert.ok(text.endsWith(`| \`datafusion-python\` | \`datafusion_ext\` | 12 | ${lines} |\n| **Total** |  | **12** | **${lines}** |\n`));
  });

  it('round-trips: parsing the plan gives back its scopes, items, decommissioning lists, tables and phases', () => {
    const plan = parsePlan(planFile, text);
    assert.deepEqual(
      plan.scopes.map((s) => [s.number, s.title]),
      draft.scopes.map((s, i) => [i + 1, s.title]),
    );
    plan.scopes.forEach((scope, i) => {
      const sections = draft.scopes[i].sections;
      assert.deepEqual(
        scope.tasks.map((t) => [t.text, t.checked, t.section]),
        sections.flatMap((s) => (s.tasks ?? []).map((t) => [t, false, s.heading])),
      );
      assert.deepEqual(
        scope.decommissioning.map((d) => d.text),
        sections.filter((s) => /decommission/i.test(s.heading)).flatMap((s) => s.bullets ?? []),
      );
      assert.deepEqual(
        scope.tables.map((t) => [t.columns, t.rows.map((r) => r.cells)]),
        sections.filter((s) => s.table).map((s) => [s.table!.columns, s.table!.rows]),
      );
    });
    assert.deepEqual(
      plan.scopes.map((s) => s.phase?.title),
      [
        'Phase 2: File Deduplication',
        'Phase 2: File Deduplication',
        'Phase 1: Dependency Architecture',
        'Phase 2: File Deduplication',
        'Phase 3: Items and Shared State',
        undefined,
      ],
    );
    const [copies] = plan.scopes;
    assert.deepEqual(copies.tables[0].rows[0], {
      line: copies.tables[0].rows[0].line,
      file: 'rust/datafusion_python/src/delta_control_plane.rs',
      cells: ['`rust/datafusion_python/src/delta_control_plane.rs`', String(index.factsOf(path.join(dir, 'rust/datafusion_python/src/delta_control_plane.rs'))!.lines), '`rust/datafusion_ext/src/delta_control_plane.rs`'],
    });
  });

  it('words every checklist item so that the code decides it, but builds and tests', () => {
    const plan = parsePlan(planFile, text);
    assert.deepEqual(
      plan.scopes.map((s) => s.tasks.map((t) => `${t.check.kind}: ${t.text}`)),
      [
        [
          'dependency-present: Add `datafusion_ext` as path dependency in `rust/datafusion_python/Cargo.toml`',
          'refers-to: Update `rust/datafusion_python/src/lib.rs` to use the copied modules from `datafusion_ext`',
          'copies-absent: Delete duplicate files from `rust/datafusion_python/src/`',
          'manual: Run `cargo build --workspace` to verify no compile errors',
        ],
        ['file-absent: Delete `rust/datafusion_python/src/udf_builtin.rs`', 'manual: Run `cargo build --workspace` to verify no compile errors'],
        [
          'dependency-absent: Remove `datafusion-python` dependency from `rust/datafusion_ext/Cargo.toml`',
          'imports-absent: Update any imports in `datafusion_ext` that reference `datafusion_python`',
          'manual: Verify `cargo build --workspace` succeeds',
        ],
        [
          // Aligning is by hand; the re-export that replaces the copy and its deletion are decided from the code.
          'manual: Align `rust/datafusion_python/src/registry_snapshot.rs` with `rust/datafusion_ext/src/registry_snapshot.rs`: `struct RegistrySnapshot` lacks simplify, coerce_types, short_circuits, config_defaults; `fn registry_snapshot` differs',
          'code-present: Add `pub use datafusion_ext::registry_snapshot;` to `rust/datafusion_python/src/lib.rs`',
          'file-absent: Delete `rust/datafusion_python/src/registry_snapshot.rs` after aligning it with `rust/datafusion_ext/src/registry_snapshot.rs`',
          'manual: Run `cargo build --workspace` to verify no compile errors',
        ],
        [
          'dependency-present: Add `df_plugin_codeanatomy` as path dependency in `rust/datafusion_python/Cargo.toml`',
          'item-absent: Remove `static RUNTIME` from `rust/datafusion_python/src/utils.rs`',
          'manual: Run `cargo build --workspace` to verify no compile errors',
        ],
        ['manual: `cargo build --workspace` succeeds', 'manual: `cargo test --workspace` passes'],
      ],
    );
    assert.deepEqual(
      plan.scopes[0].decommissioning.map((d) => d.check.kind),
      Array(11).fill('file-absent'),
    );
    assert.deepEqual(plan.scopes[2].decommissioning.map((d) => d.check), [
      { kind: 'dependency-absent', dependency: 'datafusion-python', manifest: 'rust/datafusion_ext/Cargo.toml' },
    ]);
    assert.deepEqual(plan.scopes[3].decommissioning.map((d) => d.check), [{ kind: 'file-absent', path: 'rust/datafusion_python/src/registry_snapshot.rs' }]);
    // The diverged copy's table: how alike, and what to align.
    assert.deepEqual(plan.scopes[3].tables[0].columns, ['File', 'Lines', 'Diverged from', 'Similarity', 'Items to align']);
    assert.deepEqual(plan.scopes[3].tables[0].rows[0].cells.slice(2, 4), ['`rust/datafusion_ext/src/registry_snapshot.rs`', '87%']);
    assert.deepEqual(
      plan.scopes[4].tables[0].rows.map((r) => r.cells),
      [
        ['`rust/datafusion_python/src/utils.rs:16`', '`static RUNTIME`', '`OnceLock<TokioRuntime>`', '`datafusion-python`'],
        ['`rust/df_plugin_codeanatomy/src/lib.rs:19`', '`static ASYNC_RUNTIME`', '`OnceLock<Runtime>`', '`df_plugin_codeanatomy` (kept)'],
      ],
    );
  });

  it('finds everything it asks for open on the workspace it was written from', () => {
    const status = evaluatePlan(parsePlan(planFile, text), { index, syntax });
    assert.equal(status.base?.relativeTo, 'parent');
    const all = status.scopes.flatMap((s) => s.items);
    assert.deepEqual(
      all.filter((i) => i.status !== 'manual' && i.status !== 'open').map((i) => i.text),
      [],
    );
    assert.deepEqual(status.counts, { done: 0, open: 24, manual: 8, regressed: 0, markable: 0, total: 32 });
  });

  it('turns the copy and dependency items done once the workspace is consolidated, and says what is left', async () => {
    consolidate(index);
    const after = await build(path.join(dir, 'rust'));
    const status = evaluatePlan(parsePlan(planFile, text), { index: after, syntax });
    const open = status.scopes.flatMap((s) => s.items).filter((i: PlanItemStatus) => i.status === 'open');
    // The copies are re-exported and the registry dependency is gone; the
    // import of datafusion_python::expr::PyExpr in datafusion_ext, the
    // diverged copy and the second runtime are the work left.
    const snapshot = 'rust/datafusion_python/src/registry_snapshot.rs';
    assert.deepEqual(
      open.map((i) => [i.text, i.evidence]),
      [
        ['Update any imports in `datafusion_ext` that reference `datafusion_python`', 'rust/datafusion_ext/src/udf_builtin.rs still uses datafusion_python (line 7)'],
        ['Add `pub use datafusion_ext::registry_snapshot;` to `rust/datafusion_python/src/lib.rs`', 'rust/datafusion_python/src/lib.rs lacks pub use datafusion_ext::registry_snapshot'],
        [`Delete \`${snapshot}\` after aligning it with \`rust/datafusion_ext/src/registry_snapshot.rs\``, `${snapshot} is still there (47 lines)`],
        [`\`${snapshot}\``, `${snapshot} is still there (47 lines)`],
        ['Add `df_plugin_codeanatomy` as path dependency in `rust/datafusion_python/Cargo.toml`', 'rust/datafusion_python/Cargo.toml has no df_plugin_codeanatomy dependency'],
        ['Remove `static RUNTIME` from `rust/datafusion_python/src/utils.rs`', 'static RUNTIME is still in rust/datafusion_python/src/utils.rs (line 16)'],
      ],
    );
    assert.deepEqual(status.counts, { done: 18, open: 6, manual: 8, regressed: 0, markable: 5, total: 32 });
  });
});

const NEAR_MISSES = `
//- a/Cargo.toml
[package]
name = "a"
version = "0.1.0"
edition = "2021"
//- a/src/lib.rs
use std::sync::{Mutex, OnceLock};

pub mod util;

pub static REGISTRY: OnceLock<Mutex<Vec<String>>> = OnceLock::new();

pub fn registry() -> &'static Mutex<Vec<String>> {
    REGISTRY.get_or_init(|| Mutex::new(Vec::new()))
}
//- a/src/util.rs
/// Names trimmed, lower-cased, sorted and without repeats.
pub fn normalise_names(items: &[&str]) -> Vec<String> {
    let mut names: Vec<String> = items.iter().map(|s| s.trim().to_lowercase()).collect();
    names.sort();
    names.dedup();
    names.retain(|n| !n.is_empty());
    names
}

pub fn total(values: &[u64]) -> u64 {
    values.iter().sum()
}
//- b/Cargo.toml
[package]
name = "b"
version = "0.1.0"
edition = "2021"

[dependencies]
a = { path = "../a" }
//- b/src/lib.rs
use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

static CACHE: OnceLock<Mutex<Vec<String>>> = OnceLock::new();

pub fn cached() -> &'static Mutex<Vec<String>> {
    CACHE.get_or_init(|| Mutex::new(normalise_names(&["b", "a"])))
}

pub fn normalise_names(items: &[&str]) -> Vec<String> {
    let mut names: Vec<String> = items.iter().map(|s| s.trim().to_lowercase()).collect();
    names.sort();
    names.dedup();
    names.retain(|n| !n.is_empty());
    names
}

pub fn counts(words: &[&str]) -> HashMap<String, usize> {
    let mut counts = HashMap::new();
    for word in words {
        *counts.entry(word.to_string()).or_insert(0) += 1;
    }
    counts
}
`;

const B_AFTER = `use std::collections::HashMap;
use std::sync::Mutex;
use a::util::normalise_names;

pub fn cached() -> &'static Mutex<Vec<String>> {
    a::registry()
}

pub fn names() -> Vec<String> {
    normalise_names(&["b", "a"])
}

pub fn counts(words: &[&str]) -> HashMap<String, usize> {
    let mut counts = HashMap::new();
    for word in words {
        *counts.entry(word.to_string()).or_insert(0) += 1;
    }
    counts
}
`;

describe('generatePlan on near misses: a copied item and a duplicated singleton', () => {
  it('writes a scope for each, that round-trips and whose items the code decides, open then done', async () => {
    const parser = await RustParser.load();
    const syntax = await RustSyntax.load();
    const dir = writeFixture(NEAR_MISSES);
    try {
      const index = new WorkspaceIndex([dir], DEFAULT_OPTIONS, parser, silentLog);
      await index.build();
      const draft = draftPlan(index, { relativeTo: dir });
      const text = renderPlan(draft);
      const plan = parsePlan(path.join(dir, 'consolidation.md'), text);
      assert.deepEqual(
        plan.scopes.map((s) => s.title),
        ['Copied Item Elimination', 'Duplicated Singleton Consolidation', 'Implementation Roadmap'],
      );
      plan.scopes.forEach((scope, i) => {
        const sections = draft.scopes[i].sections;
        assert.deepEqual(scope.tasks.map((t) => t.text), sections.flatMap((s) => s.tasks ?? []));
        assert.deepEqual(
          scope.tables.map((t) => [t.columns, t.rows.map((r) => r.cells)]),
          sections.filter((s) => s.table).map((s) => [s.table!.columns, s.table!.rows]),
        );
      });
      assert.deepEqual(plan.scopes[0].tables[0].rows[0].cells, ['`b/src/lib.rs:10`', '`fn normalise_names`', '7', '`fn normalise_names` in `a/src/util.rs:2`']);
      assert.deepEqual(plan.scopes.slice(0, 2).map((s) => s.phase?.title), ['Phase 1: Items and Shared State', 'Phase 1: Items and Shared State']);
      assert.deepEqual(
        plan.scopes.slice(0, 2).flatMap((s) => s.tasks.map((t) => [t.text, t.check.kind])),
        [
          ['Remove `fn normalise_names` from `b/src/lib.rs`', 'item-absent'],
          ['Update `b/src/lib.rs` to use `a::util::normalise_names`', 'refers-to'],
          ['Run `cargo build --workspace` to verify no compile errors', 'manual'],
          // The global kept is in a, the crate b depends on.
          ['Remove `static CACHE` from `b/src/lib.rs`', 'item-absent'],
          ['Run `cargo build --workspace` to verify no compile errors', 'manual'],
        ],
      );
      const before = evaluatePlan(plan, { index, syntax }).scopes.slice(0, 2).flatMap((s) => s.items);
      assert.deepEqual(
        before.filter((i) => i.status !== 'manual').map((i) => [i.status, i.evidence]),
        [
          ['open', 'fn normalise_names is still in b/src/lib.rs (line 10)'],
          ['open', 'b/src/lib.rs does not refer to a::util::normalise_names'],
          ['open', 'static CACHE is still in b/src/lib.rs (line 4)'],
        ],
      );

      fs.writeFileSync(path.join(dir, 'b', 'src', 'lib.rs'), B_AFTER);
      const after = new WorkspaceIndex([dir], DEFAULT_OPTIONS, parser, silentLog);
      await after.build();
      assert.deepEqual(after.allFindings().map((f) => f.code), []);
      const done = evaluatePlan(plan, { index: after, syntax }).scopes.slice(0, 2).flatMap((s) => s.items);
      assert.deepEqual(
        done.filter((i) => i.status !== 'manual').map((i) => [i.status, i.evidence]),
        [
          ['done', 'b/src/lib.rs has no fn normalise_names'],
          ['done', 'b/src/lib.rs refers to a::util::normalise_names (line 3)'],
          ['done', 'b/src/lib.rs has no static CACHE'],
        ],
      );
    } finally {
      removeFixture(dir);
      syntax.dispose();
      parser.dispose();
    }
  });
});

describe('generatePlan on a dependency cycle', () => {
  it('asks to remove the dependency that closes it, in words the evaluator decides', async () => {
    const parser = await RustParser.load();
    const syntax = await RustSyntax.load();
    const manifest = (name: string, other: string) =>
      `[package]\nname = "${name}"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\n${other} = { path = "../${other}" }\n`;
    const dir = writeFixture(
      `//- a/Cargo.toml\n${manifest('a', 'b')}//- a/src/lib.rs\npub fn a() {}\n//- b/Cargo.toml\n${manifest('b', 'a')}//- b/src/lib.rs\npub fn b() {}\n`,
    );
    try {
      const index = new WorkspaceIndex([dir], DEFAULT_OPTIONS, parser, silentLog);
      await index.build();
      const text = generatePlan(index);
      const plan = parsePlan(path.join(dir, 'consolidation.md'), text);
      assert.deepEqual(
        plan.scopes.map((s) => s.title),
        ['Dependency Cycle Removal', 'Implementation Roadmap'],
      );
      assert.deepEqual(
        plan.scopes[0].tasks.map((t) => [t.text, t.check.kind]),
        [
          ['Remove `a` dependency from `b/Cargo.toml`', 'dependency-absent'],
          ['Verify `cargo build --workspace` succeeds', 'manual'],
        ],
      );
      assert.deepEqual(plan.scopes[0].tables[0].rows[0].cells, ['`b/Cargo.toml`', '`a`', '7', 'a → b → a']);
      assert.equal(plan.scopes[0].phase?.title, 'Phase 1: Dependency Architecture');
      const [item] = evaluatePlan(plan, { index, syntax }).scopes[0].items;
      assert.equal(item.status, 'open');
      assert.equal(item.evidence, 'a is still a dependency in b/Cargo.toml (line 7)');
    } finally {
      removeFixture(dir);
      syntax.dispose();
      parser.dispose();
    }
  });
});

describe('generatePlan on a workspace without findings', () => {
  it('writes only the roadmap with its verification steps, and parses back', async () => {
    const parser = await RustParser.load();
    const dir = writeFixture('//- a/Cargo.toml\n[package]\nname = "a"\nversion = "0.1.0"\nedition = "2021"\n//- a/src/lib.rs\npub fn a() {}\n');
    try {
      const index = new WorkspaceIndex([dir], DEFAULT_OPTIONS, parser, silentLog);
      await index.build();
      const text = generatePlan(index, { title: 'Nothing to Do' });
      const plan = parsePlan(path.join(dir, 'consolidation.md'), text);
      assert.equal(plan.title, 'Nothing to Do');
      assert.deepEqual(
        plan.scopes.map((s) => [s.title, s.tasks.map((t) => t.text)]),
        [['Implementation Roadmap', ['`cargo build --workspace` succeeds', '`cargo test --workspace` passes']]],
      );
      assert.match(
        text,
        /0 files copied between crates \(0 duplicated lines\), 0 inverted dependencies, 0 dependency cycles, 0 diverged copies, 0 copied items and 0 duplicated singletons\./,
      );
    } finally {
      removeFixture(dir);
      parser.dispose();
    }
  });
});

/**
 * What the re-export fixes and the dependency fix do, written out by hand so
 * the test does not hang on how the fixes are computed: each copy's `mod`
 * line becomes a `pub use` of the module kept, the copy is deleted, the
 * crate that kept it becomes a path dependency, the registry dependency goes.
 */
function consolidate(index: WorkspaceIndex): void {
  const edits = new Map<string, TextEdit[]>();
  const edit = (file: string, e: TextEdit) => edits.set(file, [...(edits.get(file) ?? []), e]);
  for (const finding of index.allFindings()) {
    if (finding.code === 'duplicate-file' || finding.code === 'near-duplicate-file') {
      const kept = index.cloneClassOf(finding.file)!.members[0];
      edit(finding.declaration!.file, { range: finding.declaration!.range, newText: `pub use ${kept.crate.libName}::${kept.module!.path.join('::')};` });
      fs.rmSync(finding.file);
      const manifest = index.graph.crateOf(finding.file)!.manifest;
      const dependency = `[dependencies.${kept.crate.name}]\npath = "${path.relative(path.dirname(manifest), kept.crate.dir)}"\n`;
      const text = fs.readFileSync(manifest, 'utf8');
      if (!text.includes(dependency)) fs.writeFileSync(manifest, `${text}\n${dependency}`);
    } else if (finding.code === 'inverted-dependency') {
      const entry = index.manifestOf(finding.file)!.dependencies.find((d) => d.keyRange.start.line === finding.range.start.line)!;
      edit(finding.file, { range: entry.entryRange, newText: '' });
    }
  }
  for (const [file, list] of edits) fs.writeFileSync(file, applyEdits(fs.readFileSync(file, 'utf8'), list));
}
