//! A serialisable view of every function registered in a session.

use std::collections::BTreeMap;

use datafusion::execution::context::SessionContext;
use datafusion::logical_expr::Volatility;
use serde::Serialize;

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

fn volatility_name(v: Volatility) -> &'static str {
    match v {
        Volatility::Immutable => "immutable",
        Volatility::Stable => "stable",
        Volatility::Volatile => "volatile",
    }
}

pub fn registry_snapshot(ctx: &SessionContext, custom: &[&str]) -> RegistrySnapshot {
    let state = ctx.state();
    let mut snapshot = RegistrySnapshot::default();
    for (name, udf) in state.scalar_functions() {
        snapshot.scalar.push(name.clone());
        snapshot.volatility.insert(name.clone(), volatility_name(udf.signature().volatility).to_string());
        if !udf.aliases().is_empty() {
            snapshot.aliases.insert(name.clone(), udf.aliases().to_vec());
        }
    }
    snapshot.aggregate.extend(state.aggregate_functions().keys().cloned());
    snapshot.window.extend(state.window_functions().keys().cloned());
    snapshot.custom_udfs = custom.iter().map(|s| s.to_string()).collect();
    snapshot.scalar.sort();
    snapshot
}
