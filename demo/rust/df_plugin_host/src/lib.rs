//! Finds, loads and registers DataFusion plugins built as shared libraries.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use datafusion::execution::context::SessionContext;
use datafusion::logical_expr::ScalarUDF;
use datafusion_ffi::udf::ForeignScalarUDF;
use df_plugin_api::{PluginEntry, PluginManifest, ENTRY_SYMBOL, PLUGIN_ABI_VERSION};
use libloading::Library;

#[derive(Debug, thiserror::Error)]
pub enum PluginError {
    #[error("cannot load {path}: {source}")]
    Load { path: PathBuf, source: libloading::Error },
    #[error("plugin {name} targets ABI {found}, host speaks {expected}")]
    AbiMismatch { name: String, found: u32, expected: u32 },
    #[error("plugin {0} exported an unusable function: {1}")]
    BadExport(String, String),
}

/// A loaded plugin. The library stays open for as long as this lives.
pub struct LoadedPlugin {
    pub manifest: PluginManifest,
    udfs: Vec<Arc<ScalarUDF>>,
    _library: Library,
}

pub fn load_plugin(path: &Path) -> Result<LoadedPlugin, PluginError> {
    let load_err = |source| PluginError::Load { path: path.to_path_buf(), source };
    // SAFETY: the plugin is trusted; its ABI version is checked before use.
    let library = unsafe { Library::new(path) }.map_err(load_err)?;
    let entry: PluginEntry = unsafe { *library.get::<PluginEntry>(ENTRY_SYMBOL).map_err(load_err)? };
    let exports = entry();
    let manifest = exports.manifest;
    if manifest.abi_version != PLUGIN_ABI_VERSION {
        return Err(PluginError::AbiMismatch {
            name: manifest.name.to_string(),
            found: manifest.abi_version,
            expected: PLUGIN_ABI_VERSION,
        });
    }
    let mut udfs = Vec::new();
    for ffi in exports.scalar_udfs.iter() {
        let foreign = ForeignScalarUDF::try_from(ffi)
            .map_err(|e| PluginError::BadExport(manifest.name.to_string(), e.to_string()))?;
        udfs.push(Arc::new(ScalarUDF::new_from_impl(foreign)));
    }
    Ok(LoadedPlugin { manifest, udfs, _library: library })
}

impl LoadedPlugin {
    pub fn register(&self, ctx: &SessionContext) {
        for udf in &self.udfs {
            ctx.register_udf(udf.as_ref().clone());
        }
    }
}
