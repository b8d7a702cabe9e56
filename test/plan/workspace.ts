// The workspace the shared consolidation plan was written for, in miniature,
// as an inline fixture: `rust/` with its five crates, before the plan is
// carried out (copies in datafusion_python, the registry datafusion-python
// dependency, a private runtime in the plugin) and after it.
import * as path from 'node:path';

/** The files the plan's scope 1 decommissions, in datafusion_python/src/. */
export const DECOMMISSIONED = [
  'delta_control_plane',
  'delta_maintenance',
  'delta_mutations',
  'delta_observability',
  'delta_protocol',
  'function_factory',
  'function_rewrite',
  'udf_async',
  'udf_builtin',
  'udaf_builtin',
  'udtf_external',
  'udf_custom',
  'udf_docs',
  'udf_registry',
  'registry_snapshot',
  'expr_planner',
  'udtf_builtin',
  'udwf_builtin',
];

/** Copied byte for byte; udf_builtin differs in its `use` path, registry_snapshot has diverged. */
export const IDENTICAL = DECOMMISSIONED.filter((m) => m !== 'udf_builtin' && m !== 'registry_snapshot');

const file = (relative: string, content: string) => `//- ${relative}\n${content.endsWith('\n') ? content : content + '\n'}`;

/** A module well over the 50 tokens that make a copy, distinct per name. */
function moduleBody(name: string): string {
  return `pub fn ${name}_names(items: &[&str]) -> Vec<String> {
    let mut names: Vec<String> = items.iter().map(|s| s.trim().to_lowercase()).collect();
    names.sort();
    names.dedup();
    names
}

pub fn ${name}_weight(values: &[u64]) -> u64 {
    values.iter().fold(0, |acc, v| acc.wrapping_mul(31).wrapping_add(*v))
}
`;
}

/** udf_builtin.rs, with its `PyExpr` import on line 7 as the plan says. */
function udfBuiltin(pyExpr: string): string {
  return `//! Built-in scalar UDFs.

use std::sync::Arc;

use datafusion::logical_expr::ScalarUDF;

use ${pyExpr};

pub fn builtin_udfs() -> Vec<Arc<ScalarUDF>> {
    Vec::new()
}

pub fn wrap(expr: PyExpr) -> PyExpr {
    expr
}

${moduleBody('udf_builtin')}`;
}

function registrySnapshot(extra: string[]): string {
  return `use std::collections::BTreeMap;

#[derive(Debug, Default)]
pub struct RegistrySnapshot {
    pub scalar: Vec<String>,
    pub aggregate: Vec<String>,
    pub aliases: BTreeMap<String, Vec<String>>,
${extra.map((f) => `    pub ${f}: BTreeMap<String, bool>,`).join('\n')}
}

pub fn registry_snapshot(names: &[&str]) -> RegistrySnapshot {
    RegistrySnapshot { scalar: names.iter().map(|n| n.to_string()).collect(), ..Default::default() }
}
`;
}

const WORKSPACE = `[workspace]
members = ["datafusion_ext", "datafusion_python", "df_plugin_api", "df_plugin_host", "df_plugin_codeanatomy"]
resolver = "2"
`;

/** datafusion-python is on line 13. */
const EXT_MANIFEST_BEFORE = `[package]
name = "datafusion_ext"
version = "0.1.0"
edition = "2021"

[lib]
name = "datafusion_ext"
crate-type = ["rlib"]

[dependencies]
arrow = "57.1.0"
datafusion = { version = "51.0.0", default-features = false, features = ["parquet"] }
datafusion-python = "51.0.0"
df_plugin_host = { path = "../df_plugin_host" }
pyo3 = { version = "0.26", features = ["extension-module"] }
tokio = { version = "1.49.0", features = ["rt-multi-thread"] }

[features]
default = []
async-udf = []
`;

const EXT_MANIFEST_AFTER = `[package]
name = "datafusion_ext"
version = "0.1.0"
edition = "2021"

[lib]
name = "datafusion_ext"
crate-type = ["rlib"]

[dependencies]
arrow = "57.1.0"
datafusion = { version = "51.0.0", default-features = false, features = ["parquet"] }
df_plugin_host = { path = "../df_plugin_host" }
pyo3 = { version = "0.26", features = ["extension-module"], optional = true }
tokio = { version = "1.49.0", features = ["rt-multi-thread"] }

[features]
default = []
async-udf = []
python = ["pyo3"]
`;

const PYTHON_MANIFEST = (after: boolean) => `[package]
name = "datafusion-python"
version = "51.0.0"
edition = "2021"

[lib]
name = "datafusion_python"
crate-type = ["cdylib", "rlib"]

[dependencies]
pyo3 = { version = "0.26", features = ["extension-module", "abi3"] }
tokio = { version = "1.49", features = ["rt-multi-thread", "sync"] }

[dependencies.df_plugin_host]
path = "../df_plugin_host"
${after ? '\n[dependencies.datafusion_ext]\npath = "../datafusion_ext"\nfeatures = ["python"]\n' : ''}`;

const PYTHON_LIB_BEFORE = `//! Python bindings for DataFusion, with the CodeAnatomy extensions.

use pyo3::prelude::*;

pub mod errors;
pub mod expr;
pub mod utils;

mod codeanatomy_ext;

${DECOMMISSIONED.map((m) => `pub mod ${m};`).join('\n')}

/// The Tokio runtime the bindings run futures on.
#[derive(Debug)]
pub struct TokioRuntime(pub tokio::runtime::Runtime);
`;

const PYTHON_LIB_AFTER = `//! Python bindings for DataFusion, with the CodeAnatomy extensions.

use pyo3::prelude::*;

pub mod errors;
pub mod expr;
pub mod utils;

mod codeanatomy_ext;

${DECOMMISSIONED.map((m) => `pub use datafusion_ext::${m};`).join('\n')}
pub use datafusion_ext::udf_config;

/// The Tokio runtime the bindings run futures on.
#[derive(Debug)]
pub struct TokioRuntime(pub tokio::runtime::Runtime);
`;

const CODEANATOMY_EXT = (from: string) => `use pyo3::prelude::*;

use ${from}::registry_snapshot::registry_snapshot;
use ${from}::udf_builtin::builtin_udfs;

pub fn init_module(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("udf_count", builtin_udfs().len())?;
    m.add("snapshot", format!("{:?}", registry_snapshot(&["stable_hash"])))?;
    Ok(())
}
`;

const UTILS_BEFORE = `use std::sync::OnceLock;

use crate::TokioRuntime;

/// Utility to get the Tokio Runtime from Python
#[inline]
pub(crate) fn get_tokio_runtime() -> &'static TokioRuntime {
    static RUNTIME: OnceLock<TokioRuntime> = OnceLock::new();
    RUNTIME.get_or_init(|| TokioRuntime(tokio::runtime::Runtime::new().unwrap()))
}
`;

const UTILS_AFTER = `use datafusion_ext::async_runtime::get_shared_runtime;
use tokio::runtime::Runtime;

/// The runtime shared by every crate of the workspace.
#[inline]
pub(crate) fn get_tokio_runtime() -> &'static Runtime {
    get_shared_runtime()
}
`;

const PYTHON_ERRORS = (after: boolean) => `use std::fmt;

use pyo3::PyErr;
${after ? '\npub use datafusion_ext::errors::{ExtError, ExtResult};\n' : ''}
pub type PyDataFusionResult<T> = std::result::Result<T, PyDataFusionError>;

#[derive(Debug)]
pub enum PyDataFusionError {
    Common(String),
    PythonError(PyErr),${after ? '\n    ExtError(ExtError),' : ''}
}

impl fmt::Display for PyDataFusionError {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "{self:?}")
    }
}
`;

const PLUGIN_BEFORE = `//! The CodeAnatomy functions as a DataFusion plugin.

use std::future::Future;
use std::sync::OnceLock;

use datafusion_ext::udf_builtin::builtin_udfs;
use tokio::runtime::Runtime;

const PLUGIN_NAME: &str = "codeanatomy";

static ASYNC_RUNTIME: OnceLock<Runtime> = OnceLock::new();

pub fn udf_count() -> usize {
    builtin_udfs().len() + PLUGIN_NAME.len()
}

pub fn block_on<F: Future>(future: F) -> F::Output {
    async_runtime().block_on(future)
}

fn async_runtime() -> &'static Runtime {
    ASYNC_RUNTIME.get_or_init(|| Runtime::new().expect("plugin async runtime"))
}
`;

const PLUGIN_AFTER = `//! The CodeAnatomy functions as a DataFusion plugin.

use std::future::Future;

use datafusion_ext::async_runtime::get_shared_runtime;
use datafusion_ext::udf_builtin::builtin_udfs;

const PLUGIN_NAME: &str = "codeanatomy";

pub fn udf_count() -> usize {
    builtin_udfs().len() + PLUGIN_NAME.len()
}

pub fn block_on<F: Future>(future: F) -> F::Output {
    get_shared_runtime().block_on(future)
}
`;

const ASYNC_RUNTIME = `//! Shared async runtime for every crate of the workspace.

use std::sync::OnceLock;

use tokio::runtime::Runtime;

static SHARED_RUNTIME: OnceLock<Runtime> = OnceLock::new();

pub fn get_shared_runtime() -> &'static Runtime {
    SHARED_RUNTIME.get_or_init(|| Runtime::new().expect("shared runtime"))
}
`;

const EXT_ERRORS = `//! Core error types for DataFusion extensions.

#[derive(Debug)]
pub enum ExtError {
    Generic(String),
    Delta(String),
    Plugin(String),
}

pub type ExtResult<T> = std::result::Result<T, ExtError>;
`;

const smallCrate = (dir: string, name: string, dependencies: string, lib: string) =>
  file(`rust/${dir}/Cargo.toml`, `[package]\nname = "${name}"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\n${dependencies}`) +
  file(`rust/${dir}/src/lib.rs`, lib);

/** The whole workspace as fixture text, before or after the plan is carried out. */
export function planWorkspace(state: 'before' | 'after'): string {
  const after = state === 'after';
  const extModules = [...DECOMMISSIONED, 'udf_config', ...(after ? ['async_runtime', 'errors', 'expr'] : [])].sort();
  const parts = [
    file('rust/Cargo.toml', WORKSPACE),
    file('rust/datafusion_ext/Cargo.toml', after ? EXT_MANIFEST_AFTER : EXT_MANIFEST_BEFORE),
    file('rust/datafusion_ext/src/lib.rs', `//! DataFusion extension for native function registration.\n\n${extModules.map((m) => `pub mod ${m};`).join('\n')}\n`),
    ...IDENTICAL.map((m) => file(`rust/datafusion_ext/src/${m}.rs`, moduleBody(m))),
    file('rust/datafusion_ext/src/udf_builtin.rs', udfBuiltin(after ? 'crate::expr::PyExpr' : 'datafusion_python::expr::PyExpr')),
    file('rust/datafusion_ext/src/registry_snapshot.rs', registrySnapshot(['simplify', 'coerce_types', 'short_circuits'])),
    file('rust/datafusion_ext/src/udf_config.rs', moduleBody('udf_config')),
    file('rust/datafusion_python/Cargo.toml', PYTHON_MANIFEST(after)),
    file('rust/datafusion_python/src/lib.rs', after ? PYTHON_LIB_AFTER : PYTHON_LIB_BEFORE),
    file('rust/datafusion_python/src/codeanatomy_ext.rs', CODEANATOMY_EXT(after ? 'datafusion_ext' : 'crate')),
    file('rust/datafusion_python/src/utils.rs', after ? UTILS_AFTER : UTILS_BEFORE),
    file('rust/datafusion_python/src/errors.rs', PYTHON_ERRORS(after)),
    file('rust/datafusion_python/src/expr/mod.rs', '#[derive(Debug, Clone)]\npub struct PyExpr;\n'),
    smallCrate('df_plugin_api', 'df_plugin_api', 'abi_stable = "0.11"\n', 'pub struct PluginManifest;\n'),
    smallCrate('df_plugin_host', 'df_plugin_host', 'df_plugin_api = { path = "../df_plugin_api" }\n', 'pub use df_plugin_api::PluginManifest;\n'),
    smallCrate(
      'df_plugin_codeanatomy',
      'df_plugin_codeanatomy',
      'datafusion_ext = { path = "../datafusion_ext" }\ndf_plugin_api = { path = "../df_plugin_api" }\ntokio = { version = "1.49.0", features = ["rt-multi-thread"] }\n',
      after ? PLUGIN_AFTER : PLUGIN_BEFORE,
    ),
  ];
  if (after) {
    parts.push(
      file('rust/datafusion_ext/src/async_runtime.rs', ASYNC_RUNTIME),
      file('rust/datafusion_ext/src/errors.rs', EXT_ERRORS),
      file('rust/datafusion_ext/src/expr.rs', '#[derive(Debug, Clone)]\npub struct PyExpr;\n'),
    );
  } else {
    parts.push(
      ...IDENTICAL.map((m) => file(`rust/datafusion_python/src/${m}.rs`, moduleBody(m))),
      file('rust/datafusion_python/src/udf_builtin.rs', udfBuiltin('crate::expr::PyExpr')),
      file('rust/datafusion_python/src/registry_snapshot.rs', registrySnapshot([])),
    );
  }
  return parts.join('');
}

/** The shared plan, beside the clone: ../shared/plan/ from the repository root. */
export function sharedPlanPath(repoRoot: string): string {
  return path.join(repoRoot, '..', 'shared', 'plan', 'rust_codebase_consolidation_plan.md');
}
