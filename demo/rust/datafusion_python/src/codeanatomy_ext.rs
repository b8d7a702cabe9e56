//! The `datafusion._internal.codeanatomy` submodule: Delta and UDF entry points.

use std::collections::BTreeMap;

use pyo3::prelude::*;

use crate::delta_control_plane::{open_delta_table, DeltaScanOverrides};
use crate::delta_maintenance::{run_maintenance, MaintenanceAction};
use crate::delta_observability::drain_events_json;
use crate::errors::py_runtime_err;
use crate::utils::wait_for_future;

#[pyfunction]
#[pyo3(signature = (table_uri, storage_options=None))]
fn delta_version(py: Python, table_uri: &str, storage_options: Option<BTreeMap<String, String>>) -> PyResult<Option<i64>> {
    let table = wait_for_future(py, open_delta_table(table_uri, storage_options.unwrap_or_default()))?
        .map_err(py_runtime_err)?;
    Ok(table.version())
}

#[pyfunction]
fn delta_checkpoint(py: Python, table_uri: &str) -> PyResult<String> {
    let run = async {
        let table = open_delta_table(table_uri, BTreeMap::new()).await?;
        run_maintenance(table, MaintenanceAction::Checkpoint).await
    };
    let (_, metrics) = wait_for_future(py, run)?.map_err(py_runtime_err)?;
    serde_json::to_string(&metrics).map_err(py_runtime_err)
}

#[pyfunction]
fn delta_events() -> String {
    drain_events_json()
}

/// The functions a fresh session starts with, as JSON.
#[pyfunction]
fn registry_snapshot_json() -> PyResult<String> {
    let snapshot = crate::registry_snapshot::registry_snapshot(&datafusion::execution::context::SessionContext::new(), &[]);
    serde_json::to_string_pretty(&snapshot).map_err(|e| PyErr::new::<pyo3::exceptions::PyRuntimeError, _>(e.to_string()))
}

pub(crate) fn init_module(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let _defaults = DeltaScanOverrides::default();
    m.add_function(wrap_pyfunction!(delta_version, m)?)?;
    m.add_function(wrap_pyfunction!(delta_checkpoint, m)?)?;
    m.add_function(wrap_pyfunction!(delta_events, m)?)?;
    m.add_function(wrap_pyfunction!(crate::udf_builtin::stable_hash, m)?)?;
    m.add_function(wrap_pyfunction!(registry_snapshot_json, m)?)?;
    Ok(())
}
