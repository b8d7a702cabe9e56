//! Built-in scalar UDFs, callable from SQL and from the Python bindings.

use std::sync::Arc;

use arrow::array::{ArrayRef, Int64Array, StringArray};
use datafusion::logical_expr::{create_udf, ColumnarValue, ScalarUDF, Volatility};
use datafusion_python::expr::PyExpr;
use pyo3::prelude::*;

fn fnv1a(bytes: &[u8]) -> i64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in bytes {
        hash ^= u64::from(*byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash as i64
}

fn stable_hash_impl(args: &[ColumnarValue]) -> datafusion::common::Result<ColumnarValue> {
    let arrays = ColumnarValue::values_to_arrays(args)?;
    let input = arrays[0].as_any().downcast_ref::<StringArray>().expect("utf8 argument");
    let hashes: Int64Array = input.iter().map(|v| v.map(|s| fnv1a(s.as_bytes()))).collect();
    Ok(ColumnarValue::Array(Arc::new(hashes) as ArrayRef))
}

pub fn stable_hash_udf() -> ScalarUDF {
    create_udf(
        "stable_hash",
        vec![arrow::datatypes::DataType::Utf8],
        arrow::datatypes::DataType::Int64,
        Volatility::Immutable,
        Arc::new(stable_hash_impl),
    )
}

pub fn builtin_udfs() -> Vec<Arc<ScalarUDF>> {
    vec![Arc::new(stable_hash_udf())]
}

/// `stable_hash(expr)` for Python callers building expressions.
#[pyfunction]
pub fn stable_hash(expr: PyExpr) -> PyExpr {
    stable_hash_udf().call(vec![expr.expr]).into()
}
