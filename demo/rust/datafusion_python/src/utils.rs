//! Helpers shared by the Python bindings.

use std::future::Future;
use std::sync::OnceLock;
use std::time::Duration;

use pyo3::prelude::*;
use tokio::task::JoinHandle;

use crate::errors::{PyDataFusionError, PyDataFusionResult};
use crate::TokioRuntime;

/// Utility to get the Tokio Runtime from Python
#[inline]
pub(crate) fn get_tokio_runtime() -> &'static TokioRuntime {
    static RUNTIME: OnceLock<TokioRuntime> = OnceLock::new();
    RUNTIME.get_or_init(|| TokioRuntime(tokio::runtime::Runtime::new().unwrap()))
}

pub(crate) fn spawn_future<F, T>(future: F) -> JoinHandle<T>
where
    F: Future<Output = T> + Send + 'static,
    T: Send + 'static,
{
    get_tokio_runtime().0.spawn(future)
}

/// Waits for `future`, checking for Python signals (Ctrl-C) every 100 ms.
pub(crate) fn wait_for_future<F>(py: Python, future: F) -> PyDataFusionResult<F::Output>
where
    F: Future + Send,
    F::Output: Send,
{
    let runtime = &get_tokio_runtime().0;
    py.allow_threads(|| {
        runtime.block_on(async {
            tokio::pin!(future);
            loop {
                tokio::select! {
                    out = &mut future => return Ok(out),
                    _ = tokio::time::sleep(Duration::from_millis(100)) => {
                        Python::with_gil(|py| py.check_signals()).map_err(PyDataFusionError::from)?;
                    }
                }
            }
        })
    })
}
