// The near-miss findings kept up to date one file at a time: after each
// updateSource or removeSource the index reports what a fresh build of the
// same files reports, having read only the file that changed.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { WorkspaceIndex } from '../../server/src/core/index';
import { RustParser } from '../../server/src/core/source/rust';
import { removeFixture } from '../support/fixture';
import { FIXTURE, buildIndex, makeWorkspace, only, summary } from './support';
import { originalUdfText } from './udfCustom';

const PLAIN_DATA = 'duplicate-item codeanatomy_engine/src/plan_stats.rs';

/** A registry_snapshot.rs rewritten: the struct now comes from datafusion_ext, the module only converts it. */
const REGISTRY_REWRITTEN = `//! The registry snapshot comes from datafusion_ext now; this module only
//! hands it to Python as a dict.

use pyo3::prelude::*;
use pyo3::types::PyDict;

pub fn snapshot_to_dict<'py>(py: Python<'py>, names: &[String], counts: &[usize]) -> PyResult<Bound<'py, PyDict>> {
    let dict = PyDict::new(py);
    for (name, count) in names.iter().zip(counts) {
        dict.set_item(name, *count)?;
    }
    dict.set_item("total", counts.iter().sum::<usize>())?;
    Ok(dict)
}
`;

/** A udf_custom.rs rewritten: the functions are registered from a table now. */
const UDF_REWRITTEN = `//! Custom UDFs, described by a table and built by one generic function.

use std::collections::HashMap;

pub struct UdfSpec {
    pub name: &'static str,
    pub arity: usize,
    pub deterministic: bool,
}

pub const SPECS: &[UdfSpec] = &[
    UdfSpec { name: "utf8_normalize", arity: 1, deterministic: true },
    UdfSpec { name: "span_make", arity: 2, deterministic: true },
    UdfSpec { name: "json_field", arity: 2, deterministic: true },
];

pub fn by_arity() -> HashMap<usize, Vec<&'static str>> {
    let mut grouped: HashMap<usize, Vec<&'static str>> = HashMap::new();
    for spec in SPECS.iter().filter(|s| s.deterministic) {
        grouped.entry(spec.arity).or_default().push(spec.name);
    }
    grouped
}
`;

describe('near-miss findings, incrementally', () => {
  let parser: RustParser;
  let dir: string;
  let index: WorkspaceIndex;
  const at = (relative: string) => path.join(dir, relative);
  const read = (relative: string) => fs.readFileSync(at(relative), 'utf8');
  const near = () => summary(index).filter((s) => s !== PLAIN_DATA);

  before(async () => {
    parser = await RustParser.load();
  });
  beforeEach(async () => {
    dir = makeWorkspace();
    index = await buildIndex(dir, parser);
  });
  afterEach(() => removeFixture(dir));

  /** Writes a file and tells the index; returns the files whose findings changed. */
  async function save(relative: string, text: string): Promise<string[]> {
    fs.writeFileSync(at(relative), text);
    const read = index.filesRead;
    const changed = await index.updateSource(at(relative));
    assert.equal(index.filesRead - read, 1, 'only the saved file is read');
    return changed.map((f) => index.display(f)).sort();
  }

  async function remove(relative: string): Promise<string[]> {
    fs.rmSync(at(relative));
    return index.removeSource(at(relative)).map((f) => index.display(f)).sort();
  }

  /** The updated index reports exactly what a fresh build of the same files does. */
  async function assertFresh(): Promise<void> {
    const fresh = await buildIndex(dir, parser);
    assert.deepEqual(summary(index, true), summary(fresh, true));
    assert.deepEqual(index.allFindings(), fresh.allFindings());
  }

  const registryCopy = 'datafusion_python/src/registry_snapshot.rs';
  const lacking = (finding: { message: string }) => / RegistrySnapshot in datafusion_ext has .*$/.exec(finding.message)?.[0];

  it('lists 3 missing fields once the copy gains one of the 4, and a field of its own the other way round', async () => {
    const changed = await save(registryCopy, read(registryCopy).replace('    pub rewrite_tags: BTreeMap<String, Vec<String>>,\n', '$&    pub simplify: BTreeMap<String, bool>,\n'));
    assert.ok(changed.includes(registryCopy), changed.join(', '));
    assert.equal(
      lacking(only(index, 'diverged-copy', registryCopy)),
      ' RegistrySnapshot in datafusion_ext has 3 fields this copy lacks: coerce_types, short_circuits, config_defaults.',
    );
    await assertFresh();

    await save(registryCopy, read(registryCopy).replace('    pub custom_udfs: Vec<String>,\n', '$&    pub deprecated: Vec<String>,\n'));
    assert.match(
      only(index, 'diverged-copy', registryCopy).message,
      / RegistrySnapshot in datafusion_ext has 3 fields this copy lacks: coerce_types, short_circuits, config_defaults\. RegistrySnapshot here has 1 field that datafusion_ext's lacks: deprecated\.$/,
    );
    await assertFresh();
  });

  it('says nothing of fields once the copy has them all, and is still a diverged copy', async () => {
    const original = read('datafusion_ext/src/registry_snapshot.rs');
    const struct = /pub struct RegistrySnapshot \{[^}]*\}/.exec(original)![0];
    await save(registryCopy, read(registryCopy).replace(/pub struct RegistrySnapshot \{[^}]*\}/, struct));
    const finding = only(index, 'diverged-copy', registryCopy);
    assert.ok(!finding.message.includes('lacks'), finding.message);
    assert.equal(finding.related.length, 1);
    await assertFresh();
  });

  it('drops the diverged-copy of a copy rewritten so it no longer resembles the original', async () => {
    const changed = await save(registryCopy, REGISTRY_REWRITTEN);
    assert.ok(changed.includes(registryCopy), changed.join(', '));
    assert.deepEqual(index.findingsFor(at(registryCopy)), []);
    assert.ok(!near().some((s) => s.endsWith(registryCopy)));
    await assertFresh();
  });

  it('drops the diverged-copies of the other side when the original is rewritten, and the remaining copies find each other', async () => {
    const changed = await save('datafusion_ext/src/udf_custom.rs', UDF_REWRITTEN);
    // Both copies of the old original change: one loses its finding, the other finds another original.
    assert.ok(changed.includes('datafusion_python/src/udf_custom.rs') && changed.includes('df_plugin_codeanatomy/src/udf_extras.rs'), changed.join(', '));
    assert.deepEqual(index.findingsFor(at('datafusion_python/src/udf_custom.rs')), []);
    const extras = only(index, 'diverged-copy', 'df_plugin_codeanatomy/src/udf_extras.rs');
    assert.match(extras.message, /^This file has diverged from datafusion_python::udf_custom in crate datafusion_python \(datafusion_python\/src\/udf_custom\.rs\): \d+% similar, \d+ lines shared, \d+ diverging\.(?: \d+ items keep their shape with other literals or types: [^.]+\.)?$/);
    await assertFresh();

    // And back: the original again, the findings as they were.
    await save('datafusion_ext/src/udf_custom.rs', originalUdfText());
    const fresh = await buildIndex(dir, parser);
    assert.deepEqual(near(), summary(fresh).filter((s) => s !== PLAIN_DATA));
    assert.ok(near().includes('diverged-copy datafusion_python/src/udf_custom.rs'));
    await assertFresh();
  });

  it('turns the copy under another name into a duplicate-file when it is made exact, and back', async () => {
    const extras = 'df_plugin_codeanatomy/src/udf_extras.rs';
    const edited = read(extras);
    await save(extras, originalUdfText());
    assert.deepEqual(index.findingsFor(at(extras)).map((f) => f.code), ['duplicate-file']);
    assert.ok(near().includes('diverged-copy datafusion_python/src/udf_custom.rs'));
    await assertFresh();
    await save(extras, edited);
    assert.deepEqual(index.findingsFor(at(extras)).map((f) => f.code), ['diverged-copy']);
    await assertFresh();
  });

  it('clears the findings of a removed copy, and those that pointed at it', async () => {
    const changed = await remove(registryCopy);
    assert.ok(changed.includes(registryCopy), changed.join(', '));
    assert.deepEqual(index.findingsFor(at(registryCopy)), []);
    await assertFresh();

    // The runtime: removing one of the two leaves the other alone.
    const removed = await remove('datafusion_python/src/utils.rs');
    assert.ok(removed.includes('df_plugin_codeanatomy/src/lib.rs'), removed.join(', '));
    assert.ok(!near().some((s) => s.startsWith('duplicate-singleton')), near().join(', '));
    await assertFresh();

    // A copy of the large file: the other copy is no longer told it resembles it.
    await remove('datafusion_python/src/udf_custom.rs');
    const extras = only(index, 'diverged-copy', 'df_plugin_codeanatomy/src/udf_extras.rs');
    assert.ok(!extras.message.includes('also resembles'), extras.message);
    assert.equal(extras.related.length, 1);
    await assertFresh();
  });

  it('drops and brings back a duplicate-item as the copied function goes and comes', async () => {
    const file = 'datafusion_python/src/sql_utils.rs';
    const text = read(file);
    const fn = /\/\/\/ Splits `schema\.function`[\s\S]*?\n}\n\n/.exec(text)![0];
    await save(file, text.replace(fn, ''));
    assert.deepEqual(index.findingsFor(at(file)), []);
    await assertFresh();
    await save(file, text);
    assert.equal(only(index, 'duplicate-item', file).related[0].file, at('datafusion_ext/src/planner.rs'));
    await assertFresh();

    // The original changed in shape: the copy is no longer a copy.
    const planner = 'datafusion_ext/src/planner.rs';
    await save(planner, read(planner).replace("let parts: Vec<&str> = name.split('.').collect();", "let parts: Vec<&str> = name.trim().split('.').collect();"));
    assert.deepEqual(index.findingsFor(at(file)), []);
    await assertFresh();
  });

  it('drops the singleton finding of both crates when one runtime goes, and brings both back', async () => {
    const lib = 'df_plugin_codeanatomy/src/lib.rs';
    const text = read(lib);
    await save(lib, text.replace('static ASYNC_RUNTIME: OnceLock<Runtime> = OnceLock::new();', 'thread_local! { static ASYNC_RUNTIME: Runtime = Runtime::new().unwrap(); }'));
    assert.ok(!near().some((s) => s.startsWith('duplicate-singleton')), near().join(', '));
    await assertFresh();
    await save(lib, text);
    assert.deepEqual(near().filter((s) => s.startsWith('duplicate-singleton')), [
      'duplicate-singleton datafusion_python/src/utils.rs',
      'duplicate-singleton df_plugin_codeanatomy/src/lib.rs',
    ]);
    await assertFresh();
  });

  it('follows a newtype declared in another file than the static: findings go when it stops wrapping a Runtime, and come back', async () => {
    const lib = 'datafusion_python/src/lib.rs';
    const text = read(lib);
    await save(lib, text.replace('pub struct TokioRuntime(pub tokio::runtime::Runtime);', 'pub struct TokioRuntime {\n    pub inner: tokio::runtime::Runtime,\n}'));
    assert.ok(!near().some((s) => s.startsWith('duplicate-singleton')), near().join(', '));
    await assertFresh();
    await save(lib, text);
    assert.ok(near().includes('duplicate-singleton datafusion_python/src/utils.rs'), near().join(', '));
    await assertFresh();
  });

  it('follows a newtype declared in the same file as the static', async () => {
    // Move the newtype into utils.rs: one file holds both.
    const lib = 'datafusion_python/src/lib.rs';
    const utils = 'datafusion_python/src/utils.rs';
    const newtype = 'pub struct TokioRuntime(pub tokio::runtime::Runtime);';
    await save(lib, read(lib).replace(newtype, ''));
    await save(utils, read(utils).replace('use crate::TokioRuntime;', newtype));
    assert.ok(near().includes('duplicate-singleton datafusion_python/src/utils.rs'), near().join(', '));
    await assertFresh();
    await save(utils, read(utils).replace(newtype, 'pub struct TokioRuntime {\n    pub inner: tokio::runtime::Runtime,\n}'));
    assert.ok(!near().some((s) => s.startsWith('duplicate-singleton')), near().join(', '));
    await assertFresh();
  });

  it('changes nothing when a file without near-miss relations is saved', async () => {
    const before = JSON.stringify(index.allFindings());
    const file = 'codeanatomy_engine/src/utils.rs';
    const changed = await save(file, read(file).replace('batch size must be positive', 'the batch size must be above 0'));
    assert.deepEqual(changed, []);
    assert.equal(JSON.stringify(index.allFindings()), before);
  });

  it('starts from the fixture as checked in', () => {
    // The fixture folder itself is not touched by these tests.
    assert.ok(fs.readFileSync(path.join(FIXTURE, registryCopy), 'utf8').includes('pub custom_udfs: Vec<String>,\n}'));
  });
});
