//! Vacuum, optimize and checkpoint operations on Delta tables.

use std::time::Duration;

use deltalake::operations::optimize::OptimizeType;
use deltalake::{DeltaOps, DeltaTable};

use crate::delta_observability::{record_maintenance, MaintenanceMetrics};

#[derive(Debug, Clone)]
pub enum MaintenanceAction {
    Vacuum { retention: Duration, dry_run: bool },
    Compact { target_size: u64 },
    ZOrder { columns: Vec<String> },
    Checkpoint,
}

impl MaintenanceAction {
    pub fn name(&self) -> &'static str {
        match self {
            MaintenanceAction::Vacuum { .. } => "vacuum",
            MaintenanceAction::Compact { .. } => "compact",
            MaintenanceAction::ZOrder { .. } => "z_order",
            MaintenanceAction::Checkpoint => "checkpoint",
        }
    }
}

pub async fn run_maintenance(
    table: DeltaTable,
    action: MaintenanceAction,
) -> Result<(DeltaTable, MaintenanceMetrics), String> {
    let operation = action.name().to_string();
    let (table, files_removed, files_added) = match action {
        MaintenanceAction::Vacuum { retention, dry_run } => {
            let retention = chrono::Duration::from_std(retention).map_err(|e| e.to_string())?;
            let (table, metrics) = DeltaOps(table)
                .vacuum()
                .with_retention_period(retention)
                .with_dry_run(dry_run)
                .await
                .map_err(|e| e.to_string())?;
            (table, metrics.files_deleted.len() as u64, 0)
        }
        MaintenanceAction::Compact { target_size } => {
            let (table, metrics) = DeltaOps(table)
                .optimize()
                .with_target_size(target_size)
                .await
                .map_err(|e| e.to_string())?;
            (table, metrics.num_files_removed, metrics.num_files_added)
        }
        MaintenanceAction::ZOrder { columns } => {
            let (table, metrics) = DeltaOps(table)
                .optimize()
                .with_type(OptimizeType::ZOrder(columns))
                .await
                .map_err(|e| e.to_string())?;
            (table, metrics.num_files_removed, metrics.num_files_added)
        }
        MaintenanceAction::Checkpoint => {
            deltalake::checkpoints::create_checkpoint(&table, None)
                .await
                .map_err(|e| e.to_string())?;
            (table, 0, 0)
        }
    };
    let metrics = MaintenanceMetrics { operation, version: table.version(), files_removed, files_added };
    record_maintenance(&metrics);
    Ok((table, metrics))
}
