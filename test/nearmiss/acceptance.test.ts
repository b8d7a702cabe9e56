// Acceptance of the near-miss analysis: `rust-consolidate check --format json`
// on a fixture that mirrors the plan's diverged cases (test/nearmiss/fixture
// plus the generated udf_custom modules):
//
// - datafusion_ext is the crate to keep (df_plugin_codeanatomy depends on it);
// - registry_snapshot.rs in datafusion_ext and datafusion_python, the
//   datafusion_ext struct with four more fields;
// - udf_custom.rs (about 600 lines) in both, with a few dozen scattered edits;
// - the plugin's `mod udf_extras;`, datafusion_ext's udf_custom.rs lightly edited;
// - one function, one impl block and one renamed function copied into
//   otherwise different files;
// - a Tokio runtime in a OnceLock in datafusion_python (through the newtype
//   `TokioRuntime`) and in the plugin, and a OnceLock<HashMap> in a third crate;
// - decoys in codeanatomy_engine: files named like the originals with other
//   content, items copied but too small, use-only files, a plain data struct.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { removeFixture } from '../support/fixture';
import { NEAR_MISS, checkJson, lineCount, lineOf, makeWorkspace } from './support';
import type { JsonFinding } from './support';
import { extrasCopy, originalUdfModule, scatteredCopy } from './udfCustom';

/** Every near-miss finding the fixture should give, as `code file`. */
const EXPECTED = [
  'diverged-copy datafusion_python/src/registry_snapshot.rs',
  'diverged-copy datafusion_python/src/udf_custom.rs',
  'diverged-copy df_plugin_codeanatomy/src/udf_extras.rs',
  'duplicate-item datafusion_python/src/sql_utils.rs',
  'duplicate-item df_plugin_codeanatomy/src/lib.rs',
  'duplicate-item df_plugin_codeanatomy/src/providers.rs',
  'duplicate-singleton datafusion_python/src/utils.rs',
  'duplicate-singleton df_plugin_codeanatomy/src/lib.rs',
];

/** Files that must carry no finding and be no finding's related location. */
const DECOYS = [
  'codeanatomy_engine/src/registry_snapshot.rs', // named like the original, unrelated
  'codeanatomy_engine/src/udf_custom.rs', // named like the original, unrelated
  'codeanatomy_engine/src/utils.rs', // named like the runtime's file; holds two copied items too small to count
  'codeanatomy_engine/src/cache.rs', // the only OnceLock<HashMap<String, u8>>
  'codeanatomy_engine/src/prelude.rs', // `pub use` lines only, shaped like datafusion_python's
  'datafusion_python/src/prelude.rs',
  'codeanatomy_engine/src/lib.rs', // `mod` and `use` lines only
  'datafusion_ext/src/lib.rs',
  'datafusion_ext/src/udf_config.rs', // holds a OnceLock of its own type
];

/** A plain data struct (derives and fields) shaped like datafusion_ext's ScanMetrics, but another type. */
const PLAIN_DATA_DECOY = 'codeanatomy_engine/src/plan_stats.rs';

const DIVERGED = (module: string) =>
  new RegExp(
    `^This file has diverged from datafusion_ext::${module} in crate datafusion_ext \\(datafusion_ext/src/${module}\\.rs\\): ` +
      '(\\d+)% similar, (\\d+) lines shared, (\\d+) diverging\\.',
  );

const at = (line: number, character = 0) => ({ line, character });

describe('acceptance: check on the diverged cases of the plan', () => {
  let dir: string;
  let status: number | null;
  let findings: JsonFinding[];
  const key = (f: JsonFinding) => `${f.code} ${f.file}`;
  const find = (code: string, file: string): JsonFinding => {
    const found = findings.filter((f) => f.code === code && f.file === file);
    assert.equal(found.length, 1, `one ${code} on ${file}; got ${findings.map(key).join('; ')}`);
    return found[0];
  };
  const text = (relative: string) => fs.readFileSync(path.join(dir, relative), 'utf8');

  before(() => {
    dir = makeWorkspace();
    ({ status, findings } = checkJson(dir));
  });
  after(() => removeFixture(dir));

  it('exits with status 1 and reports the expected findings, and on files besides the plain-data decoy nothing else', () => {
    assert.equal(status, 1);
    assert.deepEqual(findings.filter((f) => f.file !== PLAIN_DATA_DECOY).map(key).sort(), EXPECTED);
  });

  it('reports nothing on a plain data struct that has only the shape of another crate\'s (derives and fields only)', () => {
    assert.deepEqual(findings.filter((f) => f.file === PLAIN_DATA_DECOY || f.related.some((r) => r.file === PLAIN_DATA_DECOY)).map(key), []);
    assert.deepEqual(findings.map(key).sort(), EXPECTED);
  });

  it('reports the superset struct on the copy that is not kept, naming the fields only the kept copy has', () => {
    const finding = find('diverged-copy', 'datafusion_python/src/registry_snapshot.rs');
    const match = DIVERGED('registry_snapshot').exec(finding.message);
    assert.ok(match, finding.message);
    const similarity = Number(match[1]);
    assert.ok(similarity >= 70 && similarity < 100, `similarity ${similarity}`);
    // datafusion_ext has 9 lines the copy lacks (the 4 fields, the 3 lines
    // filling them, a `use` and a blank line); the copy has none of its own.
    assert.equal(Number(match[3]), 9, finding.message);
    assert.ok(
      finding.message.endsWith(
        ' RegistrySnapshot in datafusion_ext has 4 fields this copy lacks: simplify, coerce_types, short_circuits, config_defaults.',
      ),
      finding.message,
    );
    assert.equal(finding.severity, 'warning');
    assert.deepEqual(finding.range.start, at(0));
    const struct = lineOf(dir, 'datafusion_ext/src/registry_snapshot.rs', 'pub struct RegistrySnapshot {');
    assert.deepEqual(
      finding.related.map((r) => [r.file, r.range.start, r.message]),
      [
        ['datafusion_ext/src/registry_snapshot.rs', at(0), `${similarity}% similar, in crate datafusion_ext`],
        ['datafusion_ext/src/registry_snapshot.rs', at(struct), 'RegistrySnapshot in crate datafusion_ext'],
      ],
    );
    // The kept copy carries nothing.
    assert.deepEqual(findings.filter((f) => f.file.startsWith('datafusion_ext/')).map(key), []);
  });

  it('reports the large file with scattered edits as at least 90% similar, with the diverging lines the edits made', () => {
    const copy = scatteredCopy();
    assert.ok(lineCount(text('datafusion_ext/src/udf_custom.rs')) >= 400);
    assert.ok(copy.replaced + copy.inserted + copy.deleted >= 24, 'a few dozen edited lines');
    const finding = find('diverged-copy', 'datafusion_python/src/udf_custom.rs');
    const match = DIVERGED('udf_custom').exec(finding.message);
    assert.ok(match, finding.message);
    const similarity = Number(match[1]);
    assert.ok(similarity >= 90 && similarity < 100, `similarity ${similarity}`);
    // A replaced line diverges on both sides; an inserted or deleted one on one.
    assert.equal(Number(match[3]), 2 * copy.replaced + copy.inserted + copy.deleted, finding.message);
    // Only the kept copy is better than this one: the plugin's resembles it too but is not kept.
    // The scattered edits changed literals in some functions: the message names them.
    assert.match(finding.message, / diverging\. (?:One item keeps its shape|\d+ items keep their shape) with other literals or types: [^.]+\.$/);
    assert.deepEqual(
      finding.related.map((r) => [r.file, r.range.start, r.message]),
      [['datafusion_ext/src/udf_custom.rs', at(0), `${similarity}% similar, in crate datafusion_ext`]],
    );
  });

  it('reports the copy under another file name and module path, and the other copy it resembles', () => {
    const copy = extrasCopy();
    const finding = find('diverged-copy', 'df_plugin_codeanatomy/src/udf_extras.rs');
    const match = DIVERGED('udf_custom').exec(finding.message);
    assert.ok(match, finding.message);
    const similarity = Number(match[1]);
    assert.ok(similarity >= 95 && similarity < 100, `similarity ${similarity}`);
    assert.equal(Number(match[3]), 2 * copy.replaced + copy.inserted, finding.message);
    assert.ok(finding.message.endsWith(' diverging. It also resembles 1 other file.'), finding.message);
    assert.deepEqual(
      finding.related.map((r) => [r.file, r.range.start, r.message.replace(/^\d+%/, 'N%')]),
      [
        ['datafusion_ext/src/udf_custom.rs', at(0), 'N% similar, in crate datafusion_ext'],
        ['datafusion_python/src/udf_custom.rs', at(0), 'N% similar, in crate datafusion_python'],
      ],
    );
    assert.equal(finding.related[0].message, `${similarity}% similar, in crate datafusion_ext`);
  });

  it('reports a function copied into an otherwise different file, on the copy, with the original related', () => {
    const finding = find('duplicate-item', 'datafusion_python/src/sql_utils.rs');
    const original = lineOf(dir, 'datafusion_ext/src/planner.rs', 'pub fn split_qualified_name');
    assert.equal(
      finding.message,
      `fn split_qualified_name is a copy of split_qualified_name in crate datafusion_ext (datafusion_ext/src/planner.rs:${original + 1}), 12 lines.`,
    );
    assert.deepEqual(finding.range.start, at(lineOf(dir, 'datafusion_python/src/sql_utils.rs', 'pub fn split_qualified_name')));
    assert.deepEqual(
      finding.related.map((r) => [r.file, r.range.start, r.message]),
      [['datafusion_ext/src/planner.rs', at(original), 'the copy to keep: split_qualified_name, in crate datafusion_ext']],
    );
  });

  it('reports a copied impl block once, for the impl, not for each of its functions', () => {
    const onProviders = findings.filter((f) => f.file === 'df_plugin_codeanatomy/src/providers.rs');
    assert.equal(onProviders.length, 1, onProviders.map((f) => f.message).join('\n'));
    const [finding] = onProviders;
    const original = lineOf(dir, 'datafusion_ext/src/catalog.rs', 'impl TableRef {');
    assert.equal(finding.code, 'duplicate-item');
    assert.equal(finding.message, `impl TableRef is a copy of TableRef in crate datafusion_ext (datafusion_ext/src/catalog.rs:${original + 1}), 28 lines.`);
    assert.deepEqual(finding.range.start, at(lineOf(dir, 'df_plugin_codeanatomy/src/providers.rs', 'impl TableRef {')));
    assert.deepEqual(
      finding.related.map((r) => [r.file, r.range.start, r.message]),
      [['datafusion_ext/src/catalog.rs', at(original), 'the copy to keep: TableRef, in crate datafusion_ext']],
    );
  });

  it('reports a copy whose identifiers and literals were renamed, saying it is under another name', () => {
    const finding = find('duplicate-item', 'df_plugin_codeanatomy/src/lib.rs');
    const original = lineOf(dir, 'datafusion_ext/src/naming.rs', 'pub fn normalize_udf_name');
    assert.equal(
      finding.message,
      `fn canonical_function_name is a copy of normalize_udf_name in crate datafusion_ext (datafusion_ext/src/naming.rs:${original + 1}), 16 lines, under another name, with one literal changed.`,
    );
    assert.deepEqual(finding.range.start, at(lineOf(dir, 'df_plugin_codeanatomy/src/lib.rs', 'pub fn canonical_function_name')));
    assert.deepEqual(
      finding.related.map((r) => [r.file, r.range.start, r.message]),
      [['datafusion_ext/src/naming.rs', at(original), 'the copy to keep: normalize_udf_name, in crate datafusion_ext']],
    );
  });

  it('reports the runtime singleton on each of the two crates, through the TokioRuntime newtype, each pointing at the other', () => {
    const python = find('duplicate-singleton', 'datafusion_python/src/utils.rs');
    const plugin = find('duplicate-singleton', 'df_plugin_codeanatomy/src/lib.rs');
    const pythonLine = lineOf(dir, 'datafusion_python/src/utils.rs', 'static RUNTIME');
    const pluginLine = lineOf(dir, 'df_plugin_codeanatomy/src/lib.rs', 'static ASYNC_RUNTIME');
    const tail = ': a process that links them gets one per crate. Keep one, in a crate the others depend on.';
    assert.equal(
      python.message,
      `static RUNTIME: OnceLock<TokioRuntime> is one of 2 lazily initialised Runtime globals, in crates datafusion_python, df_plugin_codeanatomy${tail}`,
    );
    assert.equal(
      plugin.message,
      `static ASYNC_RUNTIME: OnceLock<Runtime> is one of 2 lazily initialised Runtime globals, in crates df_plugin_codeanatomy, datafusion_python${tail}`,
    );
    // The static inside get_tokio_runtime is indented by 4.
    assert.deepEqual(python.range.start, at(pythonLine, 4));
    assert.deepEqual(plugin.range.start, at(pluginLine));
    assert.deepEqual(
      python.related.map((r) => [r.file, r.range.start, r.message]),
      [['df_plugin_codeanatomy/src/lib.rs', at(pluginLine), 'static ASYNC_RUNTIME: OnceLock<Runtime>, in crate df_plugin_codeanatomy']],
    );
    assert.deepEqual(
      plugin.related.map((r) => [r.file, r.range.start, r.message]),
      [['datafusion_python/src/utils.rs', at(pythonLine, 4), 'static RUNTIME: OnceLock<TokioRuntime>, in crate datafusion_python']],
    );
  });

  it('reports nothing on the decoys, and relates no finding to them', () => {
    for (const decoy of DECOYS) assert.ok(fs.existsSync(path.join(dir, decoy)), decoy);
    const touching = findings.filter((f) => DECOYS.includes(f.file) || f.related.some((r) => DECOYS.includes(r.file)));
    assert.deepEqual(touching.map(key), []);
    // Nothing in the decoy crate at all but the plain-data struct (the skipped test above).
    assert.deepEqual(findings.filter((f) => f.file.startsWith('codeanatomy_engine/') && f.file !== PLAIN_DATA_DECOY).map(key), []);
  });

  it('reports no whole-file copy and no manifest finding: every copy here has diverged', () => {
    assert.deepEqual(findings.filter((f) => !NEAR_MISS.has(f.code)).map(key), []);
  });
});

describe('acceptance: check when the copy under another name is not edited', () => {
  let dir: string;
  let findings: JsonFinding[];
  before(() => {
    dir = makeWorkspace('exact');
    ({ findings } = checkJson(dir));
  });
  after(() => removeFixture(dir));

  it('reports it as a duplicate-file with its `mod` line, and not as a diverged copy', () => {
    const onExtras = findings.filter((f) => f.file === 'df_plugin_codeanatomy/src/udf_extras.rs');
    assert.deepEqual(onExtras.map((f) => f.code), ['duplicate-file']);
    const [finding] = onExtras as (JsonFinding & { declaration?: { file: string; range: { start: { line: number } } } })[];
    const lines = lineCount(originalUdfModule().lines.join('\n') + '\n');
    assert.equal(
      finding.message,
      `This file is a copy of datafusion_ext::udf_custom in crate datafusion_ext (datafusion_ext/src/udf_custom.rs), identical byte for byte (${lines} lines).`,
    );
    assert.deepEqual(finding.related.map((r) => [r.file, r.message]), [['datafusion_ext/src/udf_custom.rs', 'the copy to keep, in crate datafusion_ext']]);
    assert.equal(finding.declaration?.file, 'df_plugin_codeanatomy/src/lib.rs');
    assert.equal(finding.declaration?.range.start.line, lineOf(dir, 'df_plugin_codeanatomy/src/lib.rs', 'mod udf_extras;'));
  });

  it('still reports datafusion_python\'s copy as diverged from the kept one, and leaves the other findings as they were', () => {
    const finding = findings.find((f) => f.code === 'diverged-copy' && f.file === 'datafusion_python/src/udf_custom.rs');
    assert.ok(finding, findings.map((f) => `${f.code} ${f.file}`).join('; '));
    assert.match(finding.message, DIVERGED('udf_custom'));
    assert.deepEqual(
      findings
        .filter((f) => f.file !== PLAIN_DATA_DECOY)
        .map((f) => `${f.code} ${f.file}`)
        .sort(),
      [...EXPECTED.filter((e) => e !== 'diverged-copy df_plugin_codeanatomy/src/udf_extras.rs'), 'duplicate-file df_plugin_codeanatomy/src/udf_extras.rs'].sort(),
    );
  });
});
