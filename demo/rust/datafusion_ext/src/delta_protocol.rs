//! Protocol versions and feature gates for Delta tables.

use deltalake::kernel::Protocol;
use deltalake::DeltaTable;

pub const MAX_SUPPORTED_READER_VERSION: i32 = 3;
pub const MAX_SUPPORTED_WRITER_VERSION: i32 = 7;

const SUPPORTED_READER_FEATURES: &[&str] = &["columnMapping", "deletionVectors", "timestampNtz", "v2Checkpoint"];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeltaProtocolSnapshot {
    pub min_reader_version: i32,
    pub min_writer_version: i32,
    pub reader_features: Vec<String>,
    pub writer_features: Vec<String>,
}

impl DeltaProtocolSnapshot {
    pub fn from_table(table: &DeltaTable) -> Result<Self, String> {
        let protocol: &Protocol = table.protocol().map_err(|e| e.to_string())?;
        let names = |set: Option<Vec<String>>| set.unwrap_or_default();
        Ok(Self {
            min_reader_version: protocol.min_reader_version(),
            min_writer_version: protocol.min_writer_version(),
            reader_features: names(protocol.reader_features().map(|f| f.iter().map(|x| x.to_string()).collect())),
            writer_features: names(protocol.writer_features().map(|f| f.iter().map(|x| x.to_string()).collect())),
        })
    }

    pub fn supports_writes(&self) -> bool {
        self.min_writer_version <= MAX_SUPPORTED_WRITER_VERSION
    }

    pub fn has_deletion_vectors(&self) -> bool {
        self.reader_features.iter().any(|f| f == "deletionVectors")
    }
}

pub fn check_reader_features(snapshot: &DeltaProtocolSnapshot) -> Result<(), String> {
    if snapshot.min_reader_version > MAX_SUPPORTED_READER_VERSION {
        return Err(format!(
            "reader version {} is newer than the supported {}",
            snapshot.min_reader_version, MAX_SUPPORTED_READER_VERSION
        ));
    }
    let unsupported: Vec<&str> = snapshot
        .reader_features
        .iter()
        .map(String::as_str)
        .filter(|f| !SUPPORTED_READER_FEATURES.contains(f))
        .collect();
    if unsupported.is_empty() {
        Ok(())
    } else {
        Err(format!("unsupported reader features: {}", unsupported.join(", ")))
    }
}
