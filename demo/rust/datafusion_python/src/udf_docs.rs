//! Documentation for the custom functions, shown by `SHOW FUNCTIONS` and the Python help.

use std::collections::HashMap;
use std::sync::OnceLock;

use datafusion::logical_expr::{DocSection, Documentation, DocumentationBuilder};

const DOC_SECTION_CODEANATOMY: DocSection = DocSection {
    include: true,
    label: "CodeAnatomy Functions",
    description: Some("Functions for querying parsed source code."),
};

struct DocEntry {
    name: &'static str,
    description: &'static str,
    syntax: &'static str,
    arguments: &'static [(&'static str, &'static str)],
}

const ENTRIES: &[DocEntry] = &[
    DocEntry {
        name: "stable_hash",
        description: "Returns a 64-bit hash of the argument that is stable across releases.",
        syntax: "stable_hash(expression)",
        arguments: &[("expression", "Any value; NULL hashes to NULL.")],
    },
    DocEntry {
        name: "resolve_symbol",
        description: "Resolves a qualified symbol path to its final segment, asynchronously.",
        syntax: "resolve_symbol(path)",
        arguments: &[("path", "A `::`-separated symbol path.")],
    },
    DocEntry {
        name: "sorted_set",
        description: "Aggregates the distinct strings of a group into a sorted list.",
        syntax: "sorted_set(expression)",
        arguments: &[("expression", "A string column.")],
    },
];

fn build(entry: &DocEntry) -> Documentation {
    let mut builder = DocumentationBuilder::new_with_details(DOC_SECTION_CODEANATOMY, entry.description, entry.syntax);
    for (name, text) in entry.arguments {
        builder = builder.with_argument(*name, *text);
    }
    builder.build()
}

pub fn documentation_for(name: &str) -> Option<&'static Documentation> {
    static DOCS: OnceLock<HashMap<&'static str, Documentation>> = OnceLock::new();
    DOCS.get_or_init(|| ENTRIES.iter().map(|e| (e.name, build(e))).collect()).get(name)
}
