//! Python bindings for DataFusion, with the CodeAnatomy extensions.

use pyo3::prelude::*;

pub mod errors;
pub mod expr;
pub mod utils;

mod codeanatomy_ext;

pub mod delta_control_plane;
pub mod delta_maintenance;
pub mod delta_mutations;
pub(crate) mod delta_observability;
pub mod delta_protocol;
/// `CREATE FUNCTION` support for SQL macros.
pub mod function_factory;
mod function_rewrite;
pub mod registry_snapshot;
pub mod udaf_builtin;
pub mod udf_async;
pub mod udf_builtin;
pub mod udf_docs;
pub mod udtf_external;

/// The Tokio runtime the bindings run futures on.
#[derive(Debug)]
pub struct TokioRuntime(pub tokio::runtime::Runtime);

#[pymodule]
fn _internal(py: Python, m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<expr::PyExpr>()?;
    let codeanatomy = PyModule::new(py, "codeanatomy")?;
    codeanatomy_ext::init_module(&codeanatomy)?;
    m.add_submodule(&codeanatomy)?;
    Ok(())
}
