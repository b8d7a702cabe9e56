//! The ABI between the plugin host and DataFusion plugins.
//!
//! Everything here crosses a shared-library boundary, so it uses
//! `abi_stable` types and never changes shape within a major version.

use abi_stable::std_types::{RStr, RString, RVec};
use abi_stable::StableAbi;
use datafusion_ffi::udf::FFI_ScalarUDF;

/// Bumped whenever `PluginManifest` or `PluginExports` change shape.
pub const PLUGIN_ABI_VERSION: u32 = 3;

/// The symbol every plugin exports.
pub const ENTRY_SYMBOL: &[u8] = b"df_plugin_entry\0";

#[repr(C)]
#[derive(StableAbi, Debug, Clone)]
pub struct PluginManifest {
    pub abi_version: u32,
    pub name: RString,
    pub version: RString,
    pub capabilities: RVec<RString>,
}

#[repr(C)]
#[derive(StableAbi)]
pub struct PluginExports {
    pub manifest: PluginManifest,
    pub scalar_udfs: RVec<FFI_ScalarUDF>,
}

pub type PluginEntry = extern "C" fn() -> PluginExports;

impl PluginManifest {
    pub fn new(name: &str, version: &str) -> Self {
        Self {
            abi_version: PLUGIN_ABI_VERSION,
            name: name.into(),
            version: version.into(),
            capabilities: RVec::new(),
        }
    }

    pub fn has_capability(&self, wanted: RStr<'_>) -> bool {
        self.capabilities.iter().any(|c| c.as_rstr() == wanted)
    }
}
