//! Table provider construction and scan configuration for Delta tables.

use std::collections::BTreeMap;
use std::sync::Arc;

use arrow::datatypes::SchemaRef;
use datafusion::execution::context::SessionContext;
use deltalake::delta_datafusion::{DeltaScanConfigBuilder, DeltaTableProvider};
use deltalake::DeltaTable;

use crate::delta_protocol::{check_reader_features, DeltaProtocolSnapshot};

#[derive(Debug, Clone, Default)]
pub struct DeltaScanOverrides {
    pub file_column_name: Option<String>,
    pub enable_parquet_pushdown: Option<bool>,
    pub schema_force_view_types: Option<bool>,
    pub wrap_partition_values: Option<bool>,
    pub schema: Option<SchemaRef>,
}

#[derive(Debug, Clone, Default)]
pub struct DeltaCdfScanOptions {
    pub starting_version: Option<i64>,
    pub ending_version: Option<i64>,
    pub starting_timestamp: Option<String>,
    pub ending_timestamp: Option<String>,
    pub allow_out_of_range: bool,
}

impl DeltaCdfScanOptions {
    /// A change feed scan with no upper bound follows the table as it grows.
    pub fn is_bounded(&self) -> bool {
        self.ending_version.is_some() || self.ending_timestamp.is_some()
    }
}

pub async fn open_delta_table(
    table_uri: &str,
    storage_options: BTreeMap<String, String>,
) -> Result<DeltaTable, String> {
    let table = deltalake::open_table_with_storage_options(table_uri, storage_options.into_iter().collect())
        .await
        .map_err(|e| format!("cannot open delta table at {table_uri}: {e}"))?;
    check_reader_features(&DeltaProtocolSnapshot::from_table(&table)?)?;
    Ok(table)
}

pub fn delta_provider(
    ctx: &SessionContext,
    table: &DeltaTable,
    overrides: &DeltaScanOverrides,
) -> Result<Arc<DeltaTableProvider>, String> {
    let snapshot = table.snapshot().map_err(|e| e.to_string())?;
    let mut builder = DeltaScanConfigBuilder::new();
    if let Some(name) = &overrides.file_column_name {
        builder = builder.with_file_column_name(name);
    }
    if let Some(pushdown) = overrides.enable_parquet_pushdown {
        builder = builder.with_parquet_pushdown(pushdown);
    }
    if let Some(wrap) = overrides.wrap_partition_values {
        builder = builder.wrap_partition_values(wrap);
    }
    if let Some(schema) = &overrides.schema {
        builder = builder.with_schema(schema.clone());
    }
    let config = builder.build(snapshot).map_err(|e| e.to_string())?;
    let provider = DeltaTableProvider::try_new(snapshot.clone(), table.log_store(), config)
        .map_err(|e| e.to_string())?;
    ctx.runtime_env().register_object_store(&table.log_store().root_uri().parse().map_err(|_| "bad uri")?, table.object_store());
    Ok(Arc::new(provider))
}
