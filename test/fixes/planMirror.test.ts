// The plan's first two phases on a compile fixture with its real structure
// and small contents of our own: datafusion_ext keeps thirteen modules that
// datafusion_python copies byte for byte and that use each other in a ring,
// a near duplicate (udf_builtin.rs) that reads PyExpr from the registry's
// datafusion-python in datafusion_ext and from crate::expr in
// datafusion_python, and that inverted dependency with four use sites. The
// registry is a vendored directory source, so cargo builds it offline.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { removeFixture, repoRoot, writeFixture } from '../support/fixture';
import { Cargo, file } from './support';

const CLI = path.join(repoRoot, 'dist', 'cli.js');

const COPIES = [
  'delta_control_plane', 'delta_maintenance', 'delta_mutations', 'delta_observability', 'delta_protocol', 'function_factory',
  'function_rewrite', 'registry_snapshot', 'udaf_builtin', 'udf_async', 'udf_docs', 'udtf_external', 'udf_registry',
];

const camel = (name: string) => name.replace(/(^|_)([a-z])/g, (_, __, c: string) => c.toUpperCase());

/** Module i uses module i+1 (a ring through all thirteen): none can go alone. */
function copiedModule(i: number): string {
  const name = COPIES[i];
  const next = COPIES[(i + 1) % COPIES.length];
  return `//! ${name}: shared by datafusion_ext and datafusion_python.
use crate::${next}::${next}_weight;

pub struct ${camel(name)}Stats {
    pub count: u64,
    pub total: u64,
}

impl ${camel(name)}Stats {
    pub fn new() -> Self {
        ${camel(name)}Stats { count: 0, total: 0 }
    }
    pub fn record(&mut self, value: u64) -> u64 {
        self.count += 1;
        self.total = self.total.wrapping_add(value);
        self.total
    }
}

pub fn ${name}_weight(depth: u32) -> u64 {
    if depth == 0 {
        return ${i + 1};
    }
    ${next}_weight(depth - 1) + ${i}
}
`;
}

const EXPR = `//! The expression type the UDFs build.
pub struct PyExpr {
    pub name: String,
    pub arguments: Vec<String>,
}

impl PyExpr {
    pub fn new(name: &str) -> Self {
        PyExpr { name: name.to_string(), arguments: Vec::new() }
    }
    pub fn with_argument(mut self, argument: &str) -> Self {
        self.arguments.push(argument.to_string());
        self
    }
}
`;

const udfBuiltin = (exprPath: string) => `//! Built-in UDFs.
use ${exprPath}::PyExpr;

pub fn builtin_udfs() -> Vec<PyExpr> {
    let names = ["stable_hash", "sorted_set", "col_to_list"];
    let mut found = Vec::new();
    for name in names {
        let arity = name.len() % 3;
        found.push(PyExpr::new(name).with_argument(&arity.to_string()));
    }
    found
}
`;

const EXT_LIB = `//! DataFusion extensions.
${COPIES.map((c) => `pub mod ${c};`).join('\n')}
pub mod udf_builtin;
pub mod udf_config;

pub fn make_expr(name: &str) -> datafusion_python::expr::PyExpr {
    datafusion_python::expr::PyExpr::new(name)
}
`;

const UDF_CONFIG = `use datafusion_python::expr::PyExpr;

pub fn configured() -> PyExpr {
    PyExpr::new("configured")
}
`;

const PYTHON_LIB = `//! Python bindings.
pub mod expr;
${COPIES.map((c, i) => (i === 3 ? `pub(crate) mod ${c};` : `pub mod ${c};`)).join('\n')}
pub mod udf_builtin;

pub fn total() -> u64 {
    delta_observability::delta_observability_weight(3) + udf_builtin::builtin_udfs().len() as u64
}
`;

const manifest = (name: string, dependencies = '', version = '0.1.0') =>
  `[package]\nname = "${name}"\nversion = "${version}"\nedition = "2021"\n${dependencies ? `\n[dependencies]\n${dependencies}` : ''}`;

export function planWorkspace(): string {
  return (
    file('Cargo.toml', '[workspace]\nmembers = ["datafusion_ext", "datafusion_python", "df_plugin_codeanatomy"]\nexclude = ["vendor"]\nresolver = "2"') +
    file('.cargo/config.toml', '[source.crates-io]\nreplace-with = "vendored-sources"\n\n[source.vendored-sources]\ndirectory = "vendor"') +
    file('vendor/datafusion-python/Cargo.toml', '[package]\nname = "datafusion-python"\nversion = "51.0.0"\nedition = "2021"') +
    file('vendor/datafusion-python/src/lib.rs', 'pub mod expr {\n    pub struct PyExpr { pub name: String, pub arguments: Vec<String> }\n    impl PyExpr {\n        pub fn new(name: &str) -> Self { PyExpr { name: name.to_string(), arguments: Vec::new() } }\n        pub fn with_argument(mut self, a: &str) -> Self { self.arguments.push(a.to_string()); self }\n    }\n}') +
    file('vendor/datafusion-python/.cargo-checksum.json', `{"files":{},"package":"${'0'.repeat(64)}"}`) +
    file('datafusion_ext/Cargo.toml', manifest('datafusion_ext', 'datafusion-python = "51.0.0"')) +
    file('datafusion_ext/src/lib.rs', EXT_LIB) +
    file('datafusion_ext/src/udf_config.rs', UDF_CONFIG) +
    file('datafusion_ext/src/udf_builtin.rs', udfBuiltin('datafusion_python::expr')) +
    COPIES.map((c, i) => file(`datafusion_ext/src/${c}.rs`, copiedModule(i))).join('') +
    file('datafusion_python/Cargo.toml', manifest('datafusion-python', '', '51.0.0')) +
    file('datafusion_python/src/lib.rs', PYTHON_LIB) +
    file('datafusion_python/src/expr.rs', EXPR) +
    file('datafusion_python/src/udf_builtin.rs', udfBuiltin('crate::expr')) +
    COPIES.map((c, i) => file(`datafusion_python/src/${c}.rs`, copiedModule(i))).join('') +
    // A plugin that depends on datafusion_ext makes it the crate that keeps the modules.
    file('df_plugin_codeanatomy/Cargo.toml', manifest('df_plugin_codeanatomy', 'datafusion_ext = { path = "../datafusion_ext" }')) +
    file('df_plugin_codeanatomy/src/lib.rs', 'pub fn weight() -> u64 {\n    datafusion_ext::udf_docs::udf_docs_weight(1)\n}')
  );
}

describe('acceptance: the plan\'s first two phases on a compile fixture', function () {
  this.timeout(240_000);
  const cargo = new Cargo();
  let dir: string;
  before(() => {
    dir = writeFixture(planWorkspace());
  });
  after(() => {
    removeFixture(dir);
    cargo.dispose();
  });
  const at = (relative: string) => path.join(dir, relative);
  const build = () => cargo.check(at('Cargo.toml'), '--workspace', '--all-targets');
  const fix = () => {
    const result = spawnSync(process.execPath, [CLI, 'fix', dir], { encoding: 'utf8', timeout: 120_000 });
    assert.equal(result.signal, null, 'fix returns');
    assert.ok(result.status === 0 || result.status === 1, `fix exited ${result.status}: ${result.stderr}`);
    return result.stdout;
  };
  const copyFindings = () => {
    const result = spawnSync(process.execPath, [CLI, 'check', dir, '--format', 'json'], { encoding: 'utf8' });
    const report = JSON.parse(result.stdout) as { findings: { code: string; file: string }[] };
    return report.findings.filter((f) => f.code === 'duplicate-file' || f.code === 'near-duplicate-file' || f.code === 'inverted-dependency');
  };

  it('first fix: the thirteen copies go as one ring; the dependency removal is refused with its four use sites; the near duplicate waits for it', () => {
    build();
    const out = fix();
    for (const copy of COPIES) assert.match(out, new RegExp(`^fixed datafusion_python/src/${copy}\\.rs: Replace with re-export from datafusion_ext`, 'm'));
    assert.match(
      out,
      /^refused datafusion_ext\/Cargo\.toml: Remove inverted dependency: the crate still uses datafusion_python: datafusion_ext\/src\/lib\.rs:18, datafusion_ext\/src\/lib\.rs:19, datafusion_ext\/src\/udf_builtin\.rs:2, datafusion_ext\/src\/udf_config\.rs:1; move those uses first$/m,
    );
    assert.match(out, /^refused datafusion_python\/src\/udf_builtin\.rs: .*It waits for the inverted-dependency fix at datafusion_ext\/Cargo\.toml:7/m);
    build();
    for (const copy of COPIES) assert.equal(fs.existsSync(at(`datafusion_python/src/${copy}.rs`)), false, copy);
    assert.match(fs.readFileSync(at('datafusion_python/src/lib.rs'), 'utf8'), /^pub\(crate\) use datafusion_ext::delta_observability;$/m);
    assert.deepEqual(copyFindings().map((f) => `${f.code} ${f.file}`).sort(), [
      'inverted-dependency datafusion_ext/Cargo.toml',
      'near-duplicate-file datafusion_python/src/udf_builtin.rs',
    ]);
  });

  it('after the uses move to datafusion_ext\'s own expr module (the plan\'s checklist item), a second fix removes the dependency and the last copy, and it builds', () => {
    // What a developer does for "Update udf_builtin.rs to use crate::expr::PyExpr".
    fs.writeFileSync(at('datafusion_ext/src/expr.rs'), EXPR);
    for (const relative of ['datafusion_ext/src/lib.rs', 'datafusion_ext/src/udf_builtin.rs', 'datafusion_ext/src/udf_config.rs']) {
      const text = fs.readFileSync(at(relative), 'utf8').replace(/datafusion_python::expr/g, 'crate::expr');
      fs.writeFileSync(at(relative), relative.endsWith('lib.rs') ? text.replace('pub mod udf_builtin;', 'pub mod expr;\npub mod udf_builtin;') : text);
    }
    build();
    const out = fix();
    assert.match(out, /^fixed datafusion_ext\/Cargo\.toml: Remove inverted dependency$/m);
    assert.match(out, /^fixed datafusion_python\/src\/udf_builtin\.rs: Replace with re-export from datafusion_ext/m);
    assert.doesNotMatch(out, /^refused/m);
    build();
    assert.doesNotMatch(fs.readFileSync(at('datafusion_ext/Cargo.toml'), 'utf8'), /datafusion-python/);
    assert.deepEqual(copyFindings(), []);
  });
});
