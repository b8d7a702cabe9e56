//! `CREATE FUNCTION` support: SQL macros registered as scalar UDFs.

use std::any::Any;
use std::sync::Arc;

use arrow::datatypes::DataType;
use async_trait::async_trait;
use datafusion::common::{not_impl_err, plan_err, Result};
use datafusion::execution::context::{FunctionFactory, RegisterFunction, SessionState};
use datafusion::logical_expr::simplify::{ExprSimplifyResult, SimplifyInfo};
use datafusion::logical_expr::{
    ColumnarValue, CreateFunction, Documentation, Expr, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature,
    Volatility,
};

use crate::function_rewrite::substitute_parameters;
use crate::udf_docs::documentation_for;

#[derive(Debug, Default)]
pub struct SqlMacroFactory;

#[async_trait]
impl FunctionFactory for SqlMacroFactory {
    async fn create(&self, _state: &SessionState, statement: CreateFunction) -> Result<RegisterFunction> {
        let Some(body) = statement.params.function_body.clone() else {
            return plan_err!("CREATE FUNCTION {} needs a RETURN body", statement.name);
        };
        let Some(return_type) = statement.return_type.clone() else {
            return plan_err!("CREATE FUNCTION {} needs a RETURNS type", statement.name);
        };
        let args = statement.args.clone().unwrap_or_default();
        let udf = SqlMacroUdf {
            name: statement.name.clone(),
            signature: Signature::exact(args.iter().map(|a| a.data_type.clone()).collect(), Volatility::Immutable),
            body: substitute_parameters(body),
            return_type,
        };
        Ok(RegisterFunction::Scalar(Arc::new(ScalarUDF::from(udf))))
    }
}

#[derive(Debug)]
struct SqlMacroUdf {
    name: String,
    signature: Signature,
    body: Expr,
    return_type: DataType,
}

impl ScalarUDFImpl for SqlMacroUdf {
    fn as_any(&self) -> &dyn Any {
        self
    }

    fn name(&self) -> &str {
        &self.name
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn return_type(&self, _arg_types: &[DataType]) -> Result<DataType> {
        Ok(self.return_type.clone())
    }

    fn invoke_with_args(&self, _args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        not_impl_err!("SQL macro {} must be inlined by the simplifier", self.name)
    }

    fn simplify(&self, _args: Vec<Expr>, _info: &dyn SimplifyInfo) -> Result<ExprSimplifyResult> {
        Ok(ExprSimplifyResult::Simplified(self.body.clone()))
    }

    fn documentation(&self) -> Option<&Documentation> {
        documentation_for(&self.name)
    }
}
