//! The CodeAnatomy functions as a DataFusion plugin.
//!
//! The host loads this library and calls `df_plugin_entry`; every function
//! comes from `datafusion_ext`, wrapped for the FFI boundary.

use std::future::Future;
use std::sync::{Arc, OnceLock};

use abi_stable::std_types::RVec;
use datafusion::execution::context::SessionContext;
use datafusion_ext::delta_control_plane::{delta_provider, open_delta_table, DeltaScanOverrides};
use datafusion_ext::udf_builtin::builtin_udfs;
use datafusion_ffi::udf::FFI_ScalarUDF;
use df_plugin_api::{PluginExports, PluginManifest};
use tokio::runtime::Runtime;

const PLUGIN_NAME: &str = "codeanatomy";

static ASYNC_RUNTIME: OnceLock<Runtime> = OnceLock::new();

fn manifest() -> PluginManifest {
    let mut manifest = PluginManifest::new(PLUGIN_NAME, env!("CARGO_PKG_VERSION"));
    manifest.capabilities.push("scalar_udf".into());
    manifest.capabilities.push("delta_provider".into());
    manifest
}

#[no_mangle]
pub extern "C" fn df_plugin_entry() -> PluginExports {
    let scalar_udfs: RVec<FFI_ScalarUDF> = builtin_udfs().into_iter().map(FFI_ScalarUDF::from).collect();
    PluginExports { manifest: manifest(), scalar_udfs }
}

/// Registers a Delta table for the host, which has no async runtime of its own.
pub fn register_delta_table(ctx: &SessionContext, name: &str, uri: &str) -> Result<(), String> {
    let table = block_on(open_delta_table(uri, Default::default()))?;
    let provider = delta_provider(ctx, &table, &DeltaScanOverrides::default())?;
    ctx.register_table(name, provider as Arc<_>).map_err(|e| e.to_string())?;
    Ok(())
}

fn block_on<F: Future>(future: F) -> F::Output {
    async_runtime().block_on(future)
}

fn async_runtime() -> &'static Runtime {
    ASYNC_RUNTIME.get_or_init(|| Runtime::new().expect("plugin async runtime"))
}
