//! Write, update and delete operations on Delta tables.

use arrow::record_batch::RecordBatch;
use datafusion::prelude::{col, lit, Expr};
use deltalake::protocol::SaveMode;
use deltalake::{DeltaOps, DeltaTable};

use crate::delta_observability::{record_mutation, MutationReport};
use crate::delta_protocol::DeltaProtocolSnapshot;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WriteMode {
    Append,
    Overwrite,
    ErrorIfExists,
}

impl From<WriteMode> for SaveMode {
    fn from(mode: WriteMode) -> Self {
        match mode {
            WriteMode::Append => SaveMode::Append,
            WriteMode::Overwrite => SaveMode::Overwrite,
            WriteMode::ErrorIfExists => SaveMode::ErrorIfExists,
        }
    }
}

pub struct DeltaWriteRequest {
    pub batches: Vec<RecordBatch>,
    pub mode: WriteMode,
    pub partition_by: Vec<String>,
}

fn ensure_writable(table: &DeltaTable) -> Result<(), String> {
    let snapshot = DeltaProtocolSnapshot::from_table(table)?;
    if snapshot.supports_writes() {
        Ok(())
    } else {
        Err(format!("writer version {} is not supported", snapshot.min_writer_version))
    }
}

pub async fn write_batches(table: DeltaTable, request: DeltaWriteRequest) -> Result<DeltaTable, String> {
    ensure_writable(&table)?;
    let rows: usize = request.batches.iter().map(RecordBatch::num_rows).sum();
    let table = DeltaOps(table)
        .write(request.batches)
        .with_save_mode(request.mode.into())
        .with_partition_columns(request.partition_by)
        .await
        .map_err(|e| e.to_string())?;
    record_mutation(&MutationReport { operation: "write".into(), rows_affected: rows as u64, version: table.version() });
    Ok(table)
}

pub async fn delete_where(table: DeltaTable, column: &str, value: &str) -> Result<DeltaTable, String> {
    ensure_writable(&table)?;
    let predicate: Expr = col(column).eq(lit(value));
    let (table, metrics) = DeltaOps(table)
        .delete()
        .with_predicate(predicate)
        .await
        .map_err(|e| e.to_string())?;
    record_mutation(&MutationReport {
        operation: "delete".into(),
        rows_affected: metrics.num_deleted_rows as u64,
        version: table.version(),
    });
    Ok(table)
}
