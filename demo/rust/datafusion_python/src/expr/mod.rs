//! Python wrappers around DataFusion logical expressions.

use datafusion::logical_expr::{col, lit, Expr};
use pyo3::prelude::*;

/// A DataFusion `Expr` as seen from Python.
#[pyclass(name = "Expr", module = "datafusion.expr", subclass)]
#[derive(Debug, Clone)]
pub struct PyExpr {
    pub expr: Expr,
}

impl From<Expr> for PyExpr {
    fn from(expr: Expr) -> PyExpr {
        PyExpr { expr }
    }
}

impl From<PyExpr> for Expr {
    fn from(expr: PyExpr) -> Expr {
        expr.expr
    }
}

#[pymethods]
impl PyExpr {
    #[staticmethod]
    fn column(name: &str) -> PyExpr {
        col(name).into()
    }

    #[staticmethod]
    fn literal(value: i64) -> PyExpr {
        lit(value).into()
    }

    fn alias(&self, name: &str) -> PyExpr {
        self.expr.clone().alias(name).into()
    }

    fn __repr__(&self) -> String {
        format!("Expr({})", self.expr)
    }
}
