//! Rewrites applied to expressions before planning.

use datafusion::common::tree_node::{Transformed, TreeNode};
use datafusion::common::{Column, DFSchema, Result};
use datafusion::config::ConfigOptions;
use datafusion::functions::string::expr_fn::concat;
use datafusion::logical_expr::expr_rewriter::FunctionRewrite;
use datafusion::logical_expr::{BinaryExpr, Expr, Operator};

/// Turns `a || b` into `concat(a, b)` so that NULL handling matches Spark.
#[derive(Debug, Default)]
pub struct StringConcatRewrite;

impl FunctionRewrite for StringConcatRewrite {
    fn name(&self) -> &str {
        "codeanatomy_string_concat"
    }

    fn rewrite(&self, expr: Expr, _schema: &DFSchema, _config: &ConfigOptions) -> Result<Transformed<Expr>> {
        match expr {
            Expr::BinaryExpr(BinaryExpr { left, op: Operator::StringConcat, right }) => {
                Ok(Transformed::yes(concat(vec![*left, *right])))
            }
            other => Ok(Transformed::no(other)),
        }
    }
}

/// Replaces `$1`, `$2`, ... in a SQL macro body with columns `arg_1`, `arg_2`, ...
pub fn substitute_parameters(body: Expr) -> Expr {
    let rewritten = body.clone().transform(|e| match e {
        Expr::Placeholder(p) => {
            let index = p.id.trim_start_matches('$').to_string();
            Ok(Transformed::yes(Expr::Column(Column::from_name(format!("arg_{index}")))))
        }
        other => Ok(Transformed::no(other)),
    });
    rewritten.map(|t| t.data).unwrap_or(body)
}
