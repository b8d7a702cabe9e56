//! Session options for the custom UDFs, under the `codeanatomy_udf` prefix.

use datafusion::common::config::{ConfigEntry, ConfigExtension, ExtensionOptions};
use datafusion::common::{config_err, Result};

#[derive(Debug, Clone, PartialEq)]
pub enum UdfConfigValue {
    Bool(bool),
    Int(i32),
    String(String),
}

#[derive(Debug, Clone)]
pub struct CodeAnatomyUdfConfig {
    pub utf8_normalize_mode: String,
    pub utf8_normalize_warn_on_fallback: bool,
    pub span_make_granularity: String,
    pub span_make_include_empty: bool,
    pub map_normalize_sort_keys: bool,
}

impl Default for CodeAnatomyUdfConfig {
    fn default() -> Self {
        Self {
            utf8_normalize_mode: "nfc".to_string(),
            utf8_normalize_warn_on_fallback: true,
            span_make_granularity: "line".to_string(),
            span_make_include_empty: false,
            map_normalize_sort_keys: true,
        }
    }
}

impl ConfigExtension for CodeAnatomyUdfConfig {
    const PREFIX: &'static str = "codeanatomy_udf";
}

impl ExtensionOptions for CodeAnatomyUdfConfig {
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }

    fn as_any_mut(&mut self) -> &mut dyn std::any::Any {
        self
    }

    fn cloned(&self) -> Box<dyn ExtensionOptions> {
        Box::new(self.clone())
    }

    fn set(&mut self, key: &str, value: &str) -> Result<()> {
        let flag = || value.parse::<bool>().map_err(|e| datafusion::common::DataFusionError::Configuration(e.to_string()));
        match key {
            "utf8_normalize_mode" => self.utf8_normalize_mode = value.to_string(),
            "utf8_normalize_warn_on_fallback" => self.utf8_normalize_warn_on_fallback = flag()?,
            "span_make_granularity" => self.span_make_granularity = value.to_string(),
            "span_make_include_empty" => self.span_make_include_empty = flag()?,
            "map_normalize_sort_keys" => self.map_normalize_sort_keys = flag()?,
            _ => return config_err!("unknown codeanatomy_udf option: {key}"),
        }
        Ok(())
    }

    fn entries(&self) -> Vec<ConfigEntry> {
        let entry = |key: &str, value: String| ConfigEntry { key: format!("{}.{key}", Self::PREFIX), value: Some(value), description: "" };
        vec![
            entry("utf8_normalize_mode", self.utf8_normalize_mode.clone()),
            entry("span_make_granularity", self.span_make_granularity.clone()),
            entry("map_normalize_sort_keys", self.map_normalize_sort_keys.to_string()),
        ]
    }
}

/// The defaults as plain values, for the registry snapshot.
pub fn config_defaults() -> Vec<(&'static str, UdfConfigValue)> {
    let d = CodeAnatomyUdfConfig::default();
    vec![
        ("utf8_normalize_mode", UdfConfigValue::String(d.utf8_normalize_mode)),
        ("span_make_include_empty", UdfConfigValue::Bool(d.span_make_include_empty)),
        ("map_normalize_sort_keys", UdfConfigValue::Bool(d.map_normalize_sort_keys)),
    ]
}
