//! DataFusion extension for native function registration.

pub mod delta_control_plane;
pub mod delta_maintenance;
pub mod delta_mutations;
pub mod delta_observability;
pub mod delta_protocol;
pub mod function_factory;
pub mod function_rewrite;
pub mod registry_snapshot;
pub mod udaf_builtin;
pub mod udf_async;
pub mod udf_builtin;
pub mod udf_config;
pub mod udf_docs;
pub mod udtf_external;

use std::sync::Arc;

use datafusion::execution::context::SessionContext;

/// Registers every function this crate provides on `ctx`.
pub fn install_functions(ctx: &SessionContext) -> registry_snapshot::RegistrySnapshot {
    for udf in udf_builtin::builtin_udfs() {
        ctx.register_udf(udf.as_ref().clone());
    }
    for udaf in udaf_builtin::builtin_udafs() {
        ctx.register_udaf(udaf.as_ref().clone());
    }
    ctx.add_function_rewrite(Arc::new(function_rewrite::StringConcatRewrite));
    let mut snapshot = registry_snapshot::registry_snapshot(ctx, &["stable_hash", "sorted_set"]);
    udtf_external::register_external_udtfs(ctx, &mut snapshot.table);
    snapshot
}
