//! Telemetry payloads for Delta operations, drained by the Python side.

use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

use serde::Serialize;

const MAX_BUFFERED_EVENTS: usize = 1024;

#[derive(Debug, Clone, Serialize)]
pub struct MaintenanceMetrics {
    pub operation: String,
    pub version: Option<i64>,
    pub files_removed: u64,
    pub files_added: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct MutationReport {
    pub operation: String,
    pub rows_affected: u64,
    pub version: Option<i64>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DeltaEvent {
    Maintenance { at_ms: u128, metrics: MaintenanceMetrics },
    Mutation { at_ms: u128, report: MutationReport },
}

static EVENTS: Mutex<Vec<DeltaEvent>> = Mutex::new(Vec::new());

fn now_ms() -> u128 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis()).unwrap_or(0)
}

fn push(event: DeltaEvent) {
    if let Ok(mut events) = EVENTS.lock() {
        if events.len() >= MAX_BUFFERED_EVENTS {
            events.remove(0);
        }
        events.push(event);
    }
}

pub fn record_maintenance(metrics: &MaintenanceMetrics) {
    push(DeltaEvent::Maintenance { at_ms: now_ms(), metrics: metrics.clone() });
}

pub fn record_mutation(report: &MutationReport) {
    push(DeltaEvent::Mutation { at_ms: now_ms(), report: report.clone() });
}

pub fn drain_events_json() -> String {
    let drained = EVENTS.lock().map(|mut events| std::mem::take(&mut *events)).unwrap_or_default();
    serde_json::to_string(&drained).unwrap_or_else(|_| "[]".to_string())
}
