//! Asynchronous scalar UDFs: lookups that wait on I/O without blocking a worker.

use std::any::Any;
use std::time::Duration;

use arrow::array::{ArrayRef, StringArray, StringBuilder};
use async_trait::async_trait;
use datafusion::common::{exec_err, Result};
use datafusion::config::ConfigOptions;
use datafusion::logical_expr::async_udf::AsyncScalarUDFImpl;
use datafusion::logical_expr::{ColumnarValue, ScalarFunctionArgs, ScalarUDFImpl, Signature, Volatility};

const DEFAULT_TIMEOUT: Duration = Duration::from_secs(5);

#[derive(Debug)]
pub struct ResolveSymbolUdf {
    signature: Signature,
    timeout: Duration,
}

impl ResolveSymbolUdf {
    pub fn new(timeout: Option<Duration>) -> Self {
        Self {
            signature: Signature::string(1, Volatility::Volatile),
            timeout: timeout.unwrap_or(DEFAULT_TIMEOUT),
        }
    }

    async fn resolve(&self, symbol: &str) -> Option<String> {
        let lookup = async { symbol.rsplit("::").next().map(str::to_owned) };
        tokio::time::timeout(self.timeout, lookup).await.ok().flatten()
    }
}

#[async_trait]
impl AsyncScalarUDFImpl for ResolveSymbolUdf {
    fn ideal_batch_size(&self) -> Option<usize> {
        Some(256)
    }

    async fn invoke_async_with_args(&self, args: ScalarFunctionArgs, _options: &ConfigOptions) -> Result<ArrayRef> {
        let arrays = ColumnarValue::values_to_arrays(&args.args)?;
        let Some(input) = arrays[0].as_any().downcast_ref::<StringArray>() else {
            return exec_err!("resolve_symbol expects a string argument");
        };
        let mut out = StringBuilder::with_capacity(input.len(), input.len() * 16);
        for value in input.iter() {
            match value {
                Some(symbol) => out.append_option(self.resolve(symbol).await),
                None => out.append_null(),
            }
        }
        Ok(std::sync::Arc::new(out.finish()))
    }
}

impl ScalarUDFImpl for ResolveSymbolUdf {
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn name(&self) -> &str {
        "resolve_symbol"
    }
    fn signature(&self) -> &Signature {
        &self.signature
    }
    fn return_type(&self, _args: &[arrow::datatypes::DataType]) -> Result<arrow::datatypes::DataType> {
        Ok(arrow::datatypes::DataType::Utf8)
    }
    fn invoke_with_args(&self, _args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        exec_err!("resolve_symbol can only be called asynchronously")
    }
}
