//! Table functions over files outside the catalog, such as `read_symbols('path')`.

use std::sync::Arc;

use datafusion::catalog::{TableFunctionImpl, TableProvider};
use datafusion::common::{plan_err, Result, ScalarValue};
use datafusion::datasource::file_format::json::JsonFormat;
use datafusion::datasource::listing::{ListingOptions, ListingTable, ListingTableConfig, ListingTableUrl};
use datafusion::execution::context::SessionContext;
use datafusion::logical_expr::Expr;

#[derive(Debug)]
pub struct ReadSymbolsFunction {
    ctx: SessionContext,
}

impl ReadSymbolsFunction {
    pub fn new(ctx: SessionContext) -> Self {
        Self { ctx }
    }

    fn path_argument(exprs: &[Expr]) -> Result<String> {
        match exprs {
            [Expr::Literal(ScalarValue::Utf8(Some(path)), _)] => Ok(path.clone()),
            [other] => plan_err!("read_symbols expects a string literal, got {other}"),
            _ => plan_err!("read_symbols takes exactly one argument, got {}", exprs.len()),
        }
    }
}

impl TableFunctionImpl for ReadSymbolsFunction {
    fn call(&self, exprs: &[Expr]) -> Result<Arc<dyn TableProvider>> {
        let path = Self::path_argument(exprs)?;
        let url = ListingTableUrl::parse(&path)?;
        let options = ListingOptions::new(Arc::new(JsonFormat::default())).with_file_extension(".jsonl");
        let state = self.ctx.state();
        let schema = futures::executor::block_on(options.infer_schema(&state, &url))?;
        let config = ListingTableConfig::new(url).with_listing_options(options).with_schema(schema);
        Ok(Arc::new(ListingTable::try_new(config)?))
    }
}

/// Registers the external table functions and adds their names to the list.
pub fn register_external_udtfs(ctx: &SessionContext, table_functions: &mut Vec<String>) {
    ctx.register_udtf("read_symbols", Arc::new(ReadSymbolsFunction::new(ctx.clone())));
    table_functions.push("read_symbols".to_string());
}
