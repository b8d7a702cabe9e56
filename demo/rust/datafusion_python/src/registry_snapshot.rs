//! Function registry introspection for the Python `SessionContext`.

use std::collections::BTreeMap;

use datafusion::execution::context::SessionContext;
use pyo3::prelude::*;
use serde::Serialize;

use crate::errors::{py_runtime_err, PyDataFusionResult};

#[derive(Debug, Clone, Default, Serialize)]
pub struct RegistrySnapshot {
    pub scalar: Vec<String>,
    pub aggregate: Vec<String>,
    pub window: Vec<String>,
    pub table: Vec<String>,
    pub aliases: BTreeMap<String, Vec<String>>,
    pub parameter_names: BTreeMap<String, Vec<String>>,
    pub volatility: BTreeMap<String, String>,
    pub rewrite_tags: BTreeMap<String, Vec<String>>,
    pub signature_inputs: BTreeMap<String, Vec<Vec<String>>>,
    pub return_types: BTreeMap<String, Vec<String>>,
    pub custom_udfs: Vec<String>,
}

impl RegistrySnapshot {
    pub fn capture(ctx: &SessionContext, custom: &[&str]) -> Self {
        let state = ctx.state();
        let mut snapshot = Self::default();
        for (name, udf) in state.scalar_functions() {
            snapshot.scalar.push(name.clone());
            snapshot.volatility.insert(name.clone(), format!("{:?}", udf.signature().volatility).to_lowercase());
            snapshot.aliases.insert(name.clone(), udf.aliases().to_vec());
        }
        snapshot.aggregate = state.aggregate_functions().keys().cloned().collect();
        snapshot.window = state.window_functions().keys().cloned().collect();
        snapshot.custom_udfs = custom.iter().map(|s| s.to_string()).collect();
        snapshot
    }

    pub fn to_json(&self) -> PyDataFusionResult<String> {
        serde_json::to_string_pretty(self).map_err(|e| py_runtime_err(e).into())
    }
}

/// The functions a fresh session starts with, as JSON.
#[pyfunction]
pub fn registry_snapshot_json() -> PyResult<String> {
    Ok(RegistrySnapshot::capture(&SessionContext::new(), &[]).to_json()?)
}
