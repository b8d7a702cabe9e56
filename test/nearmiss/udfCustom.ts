// The large module of the fixture, written by code: datafusion_ext's
// udf_custom.rs (twelve scalar UDFs, about 500 lines), the copy in
// datafusion_python with a few dozen scattered edits, and the plugin's
// udf_extras.rs, the same module lightly edited under another name. Every
// edit is recorded, so a test can say how many lines the copies share.

interface Udf {
  /** snake_case SQL name. */
  name: string;
  doc: string;
  args: string[];
  returns: string;
  /** The body of `invoke_with_args`, indented by 8. */
  body: string[];
}

const UDFS: Udf[] = [
  {
    name: 'utf8_normalize',
    doc: 'Unicode NFC normalisation of a string column.',
    args: ['Utf8'],
    returns: 'Utf8',
    body: [
      'let [text] = take_args::<1>(args.args, "utf8_normalize")?;',
      'let strings = text.into_array(args.number_rows)?;',
      'let strings = as_string_array(&strings)?;',
      'let normalized: StringArray = strings',
      '    .iter()',
      '    .map(|value| value.map(|s| s.nfc().collect::<String>()))',
      '    .collect();',
      'Ok(ColumnarValue::Array(Arc::new(normalized)))',
    ],
  },
  {
    name: 'span_make',
    doc: 'A half-open span `[start, end)` written as text, null when end < start.',
    args: ['Int64', 'Int64'],
    returns: 'Utf8',
    body: [
      'let [start, end] = take_args::<2>(args.args, "span_make")?;',
      'let starts = start.into_array(args.number_rows)?;',
      'let ends = end.into_array(args.number_rows)?;',
      'let starts = as_int64_array(&starts)?;',
      'let ends = as_int64_array(&ends)?;',
      'let mut builder = StringBuilder::with_capacity(starts.len(), starts.len() * 16);',
      'for (start, end) in starts.iter().zip(ends.iter()) {',
      '    match (start, end) {',
      '        (Some(s), Some(e)) if s <= e => builder.append_value(format!("[{s}, {e})")),',
      '        _ => builder.append_null(),',
      '    }',
      '}',
      'Ok(ColumnarValue::Array(Arc::new(builder.finish())))',
    ],
  },
  {
    name: 'str_len_bytes',
    doc: 'The length of a string in UTF-8 bytes.',
    args: ['Utf8'],
    returns: 'Int64',
    body: [
      'let [text] = take_args::<1>(args.args, "str_len_bytes")?;',
      'let strings = text.into_array(args.number_rows)?;',
      'let strings = as_string_array(&strings)?;',
      'let lengths: Int64Array = strings.iter().map(|s| s.map(|s| s.len() as i64)).collect();',
      'Ok(ColumnarValue::Array(Arc::new(lengths)))',
    ],
  },
  {
    name: 'hash_bucket',
    doc: 'The bucket of an integer among a constant number of buckets.',
    args: ['Int64', 'Int64'],
    returns: 'Int64',
    body: [
      'let [value, buckets] = take_args::<2>(args.args, "hash_bucket")?;',
      'let ColumnarValue::Scalar(ScalarValue::Int64(Some(buckets))) = buckets else {',
      '    return plan_err!("hash_bucket: the bucket count must be a constant");',
      '};',
      'if buckets <= 0 {',
      '    return plan_err!("hash_bucket: the bucket count must be positive, got {buckets}");',
      '}',
      'let values = value.into_array(args.number_rows)?;',
      'let values = as_int64_array(&values)?;',
      'let bucketed: Int64Array = values.iter().map(|v| v.map(|v| v.rem_euclid(buckets))).collect();',
      'Ok(ColumnarValue::Array(Arc::new(bucketed)))',
    ],
  },
  {
    name: 'path_basename',
    doc: 'The last component of a path, with `/` or `\\` as separator.',
    args: ['Utf8'],
    returns: 'Utf8',
    body: [
      'let [path] = take_args::<1>(args.args, "path_basename")?;',
      'let paths = path.into_array(args.number_rows)?;',
      'let paths = as_string_array(&paths)?;',
      'let names: StringArray = paths',
      '    .iter()',
      "    .map(|p| p.map(|p| p.rsplit(['/', '\\\\']).next().unwrap_or(p)))",
      '    .collect();',
      'Ok(ColumnarValue::Array(Arc::new(names)))',
    ],
  },
  {
    name: 'line_count',
    doc: 'How many lines a text has; an empty text has none.',
    args: ['Utf8'],
    returns: 'Int64',
    body: [
      'let [text] = take_args::<1>(args.args, "line_count")?;',
      'let strings = text.into_array(args.number_rows)?;',
      'let strings = as_string_array(&strings)?;',
      'let mut counts = Int64Builder::with_capacity(strings.len());',
      'for value in strings.iter() {',
      '    match value {',
      '        Some(s) if s.is_empty() => counts.append_value(0),',
      '        Some(s) => counts.append_value(s.lines().count() as i64),',
      '        None => counts.append_null(),',
      '    }',
      '}',
      'Ok(ColumnarValue::Array(Arc::new(counts.finish())))',
    ],
  },
  {
    name: 'is_identifier',
    doc: 'Whether a string is a valid identifier: a letter or `_`, then letters, digits or `_`.',
    args: ['Utf8'],
    returns: 'Boolean',
    body: [
      'let [text] = take_args::<1>(args.args, "is_identifier")?;',
      'let strings = text.into_array(args.number_rows)?;',
      'let strings = as_string_array(&strings)?;',
      'let flags: BooleanArray = strings',
      '    .iter()',
      '    .map(|value| {',
      '        value.map(|s| {',
      '            let mut chars = s.chars();',
      "            chars.next().is_some_and(|c| c.is_alphabetic() || c == '_')",
      "                && chars.all(|c| c.is_alphanumeric() || c == '_')",
      '        })',
      '    })',
      '    .collect();',
      'Ok(ColumnarValue::Array(Arc::new(flags)))',
    ],
  },
  {
    name: 'clamp_span',
    doc: 'An integer clamped to constant bounds.',
    args: ['Int64', 'Int64', 'Int64'],
    returns: 'Int64',
    body: [
      'let [value, low, high] = take_args::<3>(args.args, "clamp_span")?;',
      'let (Some(low), Some(high)) = (scalar_i64(&low), scalar_i64(&high)) else {',
      '    return exec_err!("clamp_span: the bounds must be constant integers");',
      '};',
      'if low > high {',
      '    return exec_err!("clamp_span: the lower bound {low} is above the upper bound {high}");',
      '}',
      'let values = value.into_array(args.number_rows)?;',
      'let clamped: Int64Array = as_int64_array(&values)?.iter().map(|v| v.map(|v| v.clamp(low, high))).collect();',
      'Ok(ColumnarValue::Array(Arc::new(clamped)))',
    ],
  },
  {
    name: 'json_field',
    doc: 'One field of a JSON object, as JSON text; null when the text is not JSON or has no such field.',
    args: ['Utf8', 'Utf8'],
    returns: 'Utf8',
    body: [
      'let [document, field] = take_args::<2>(args.args, "json_field")?;',
      'let Some(field) = scalar_utf8(&field) else {',
      '    return exec_err!("json_field: the field name must be a constant string");',
      '};',
      'let documents = document.into_array(args.number_rows)?;',
      'let documents = as_string_array(&documents)?;',
      'let mut builder = StringBuilder::new();',
      'for doc in documents.iter() {',
      '    let value = doc',
      '        .and_then(|d| serde_json::from_str::<serde_json::Value>(d).ok())',
      '        .and_then(|v| v.get(&field).map(|f| f.to_string()));',
      '    builder.append_option(value);',
      '}',
      'Ok(ColumnarValue::Array(Arc::new(builder.finish())))',
    ],
  },
  {
    name: 'trim_prefix',
    doc: 'A string without a constant prefix, unchanged when it does not start with it.',
    args: ['Utf8', 'Utf8'],
    returns: 'Utf8',
    body: [
      'let [text, prefix] = take_args::<2>(args.args, "trim_prefix")?;',
      'let Some(prefix) = scalar_utf8(&prefix) else {',
      '    return exec_err!("trim_prefix: the prefix must be a constant string");',
      '};',
      'let strings = text.into_array(args.number_rows)?;',
      'let trimmed: StringArray = as_string_array(&strings)?',
      '    .iter()',
      '    .map(|s| s.map(|s| s.strip_prefix(prefix.as_str()).unwrap_or(s)))',
      '    .collect();',
      'Ok(ColumnarValue::Array(Arc::new(trimmed)))',
    ],
  },
  {
    name: 'count_matches',
    doc: 'How many times a constant needle occurs in a string, without overlaps.',
    args: ['Utf8', 'Utf8'],
    returns: 'Int64',
    body: [
      'let [text, needle] = take_args::<2>(args.args, "count_matches")?;',
      'let needle = scalar_utf8(&needle).unwrap_or_default();',
      'if needle.is_empty() {',
      '    return exec_err!("count_matches: the needle must not be empty");',
      '}',
      'let strings = text.into_array(args.number_rows)?;',
      'let counts: Int64Array = as_string_array(&strings)?',
      '    .iter()',
      '    .map(|s| s.map(|s| s.matches(needle.as_str()).count() as i64))',
      '    .collect();',
      'Ok(ColumnarValue::Array(Arc::new(counts)))',
    ],
  },
  {
    name: 'null_if_blank',
    doc: 'Null for a string of only whitespace, the string otherwise.',
    args: ['Utf8'],
    returns: 'Utf8',
    body: [
      'let [text] = take_args::<1>(args.args, "null_if_blank")?;',
      'let strings = text.into_array(args.number_rows)?;',
      'let strings = as_string_array(&strings)?;',
      'let kept: StringArray = strings',
      '    .iter()',
      '    .map(|s| s.filter(|s| !s.trim().is_empty()))',
      '    .collect();',
      'Ok(ColumnarValue::Array(Arc::new(kept)))',
    ],
  },
];

const camel = (snake: string) => snake.replace(/(^|_)([a-z0-9])/g, (_, __, c: string) => c.toUpperCase()) + 'Udf';

const HEADER = `//! Custom scalar UDFs of CodeAnatomy: text, span and path functions.
//!
//! Each function is a struct implementing \`ScalarUDFImpl\`; \`custom_udfs\`
//! lists them all for registration.

use std::any::Any;
use std::sync::Arc;

use datafusion::arrow::array::{ArrayRef, BooleanArray, Int64Array, Int64Builder, StringArray, StringBuilder};
use datafusion::arrow::datatypes::DataType;
use datafusion::common::cast::{as_int64_array, as_string_array};
use datafusion::common::{exec_err, plan_err, Result, ScalarValue};
use datafusion::logical_expr::{ColumnarValue, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature, Volatility};
use unicode_normalization::UnicodeNormalization;

/// The arguments of a call, checked for count.
fn take_args<const N: usize>(args: Vec<ColumnarValue>, name: &str) -> Result<[ColumnarValue; N]> {
    let count = args.len();
    match args.try_into() {
        Ok(args) => Ok(args),
        Err(_) => exec_err!("{name} takes {N} arguments, got {count}"),
    }
}

/// A constant integer argument.
fn scalar_i64(value: &ColumnarValue) -> Option<i64> {
    match value {
        ColumnarValue::Scalar(ScalarValue::Int64(v)) => *v,
        _ => None,
    }
}

/// A constant string argument.
fn scalar_utf8(value: &ColumnarValue) -> Option<String> {
    match value {
        ColumnarValue::Scalar(ScalarValue::Utf8(v) | ScalarValue::LargeUtf8(v)) => v.clone(),
        _ => None,
    }
}
`;

/** Where the parts of one UDF are, as line indexes (0-based) of the original. */
interface UdfLines {
  doc: number;
  derive: number;
  /** The blank line after the struct. */
  afterStruct: number;
  signature: number;
  invoke: number;
  /** The first `..._err!(` line of the body, if any. */
  error?: number;
  /** The body's last line, `Ok(ColumnarValue::Array(Arc::new(x)))`. */
  result: number;
}

export interface UdfModule {
  lines: string[];
  udfs: UdfLines[];
  /** The line of `pub fn custom_udfs()`. */
  registry: number;
}

/** datafusion_ext's udf_custom.rs, line by line (no line breaks). */
export function originalUdfModule(): UdfModule {
  const lines = HEADER.split('\n');
  lines.pop(); // the text ends with a line break
  const udfs: UdfLines[] = [];
  for (const udf of UDFS) {
    const type = camel(udf.name);
    const at = () => lines.length;
    lines.push('');
    const doc = at();
    lines.push(`/// \`${udf.name}\`: ${udf.doc}`);
    const derive = at();
    lines.push('#[derive(Debug, Clone)]', `pub struct ${type} {`, '    signature: Signature,', '}');
    const afterStruct = at();
    lines.push('', `impl Default for ${type} {`, '    fn default() -> Self {', '        Self {');
    const signature = at();
    lines.push(
      `            signature: Signature::exact(vec![${udf.args.map((a) => `DataType::${a}`).join(', ')}], Volatility::Immutable),`,
      '        }',
      '    }',
      '}',
      '',
      `impl ScalarUDFImpl for ${type} {`,
      '    fn as_any(&self) -> &dyn Any {',
      '        self',
      '    }',
      '',
      '    fn name(&self) -> &str {',
      `        "${udf.name}"`,
      '    }',
      '',
      '    fn signature(&self) -> &Signature {',
      '        &self.signature',
      '    }',
      '',
      '    fn return_type(&self, _arg_types: &[DataType]) -> Result<DataType> {',
      `        Ok(DataType::${udf.returns})`,
      '    }',
      '',
    );
    const invoke = at();
    lines.push('    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {');
    const bodyStart = at();
    lines.push(...udf.body.map((l) => `        ${l}`));
    const errorOffset = udf.body.findIndex((l) => /_err!\(/.test(l));
    const result = at() - 1;
    lines.push('    }', '}');
    udfs.push({ doc, derive, afterStruct, signature, invoke, error: errorOffset >= 0 ? bodyStart + errorOffset : undefined, result });
  }
  lines.push('', '/// Every function of this module, ready to register.');
  const registry = lines.length;
  lines.push('pub fn custom_udfs() -> Vec<ScalarUDF> {', '    vec![');
  for (const udf of UDFS) lines.push(`        ScalarUDF::new_from_impl(${camel(udf.name)}::default()),`);
  lines.push('    ]', '}');
  return { lines, udfs, registry };
}

export interface EditedCopy {
  text: string;
  /** Lines of the original replaced by another line. */
  replaced: number;
  /** Lines added that the original does not have. */
  inserted: number;
  /** Lines of the original left out. */
  deleted: number;
  /** Lines whose tokens changed (not only identifiers, literals or comments): what moves the similarity. */
  structural: number;
  /** The text of every line written anew, for checking none of them occurs in the original. */
  written: string[];
}

type Edit = { kind: 'replace'; line: number; text: string; structural: boolean } | { kind: 'insert'; after: number; text: string; structural: boolean } | { kind: 'delete'; line: number };

function applyEdits(original: string[], edits: Edit[]): EditedCopy {
  const replace = new Map<number, string>();
  const insert = new Map<number, string[]>();
  const remove = new Set<number>();
  let structural = 0;
  for (const e of edits) {
    if (e.kind === 'replace') {
      if (replace.has(e.line)) throw new Error(`line ${e.line} replaced twice`);
      replace.set(e.line, e.text);
    } else if (e.kind === 'insert') {
      insert.set(e.after, [...(insert.get(e.after) ?? []), e.text]);
    } else remove.add(e.line);
    if (e.kind !== 'delete' && e.structural) structural++;
  }
  const out: string[] = [];
  original.forEach((line, i) => {
    if (!remove.has(i)) out.push(replace.get(i) ?? line);
    out.push(...(insert.get(i) ?? []));
  });
  const inserted = [...insert.values()].flat();
  return {
    text: out.join('\n') + '\n',
    replaced: replace.size,
    inserted: inserted.length,
    deleted: remove.size,
    structural,
    written: [...replace.values(), ...inserted],
  };
}

/**
 * datafusion_python's copy: every doc comment reworded, some UDFs made
 * Stable, error messages reworded, a debug assertion added to four bodies,
 * two results bound before they are returned, a derive narrowed, and three
 * blank lines dropped.
 */
export function scatteredCopy(module: UdfModule = originalUdfModule()): EditedCopy {
  const { lines, udfs } = module;
  const edits: Edit[] = [];
  udfs.forEach((u, i) => {
    edits.push({ kind: 'replace', line: u.doc, text: lines[u.doc].replace(/: (.)/, (_, c: string) => `: (Python) ${c.toLowerCase()}`), structural: false });
    if (i % 3 === 1) edits.push({ kind: 'replace', line: u.signature, text: lines[u.signature].replace('Volatility::Immutable', 'Volatility::Stable'), structural: false });
    if (i % 4 === 0) {
      edits.push({ kind: 'insert', after: u.invoke, text: `        debug_assert!(args.number_rows > 0 || args.args.is_empty(), "${i}");`, structural: true });
    }
    if (u.error !== undefined) edits.push({ kind: 'replace', line: u.error, text: lines[u.error].replace(' must ', ' has to '), structural: false });
    if (i === 5 || i === 10) {
      const value = /Arc::new\((.*)\)\)\)$/.exec(lines[u.result])![1];
      edits.push({ kind: 'replace', line: u.result, text: `        let result: ArrayRef = Arc::new(${value});`, structural: true });
      edits.push({ kind: 'insert', after: u.result, text: '        Ok(ColumnarValue::Array(result))', structural: true });
    }
    if (i === 2 || i === 9) edits.push({ kind: 'replace', line: u.derive, text: '#[derive(Debug)]', structural: true });
    if (i === 3 || i === 7 || i === 11) edits.push({ kind: 'delete', line: u.afterStruct });
  });
  return applyEdits(lines, edits);
}

/** The plugin's udf_extras.rs: the module under another name, its doc and registry function renamed, one check added. */
export function extrasCopy(module: UdfModule = originalUdfModule()): EditedCopy {
  const { lines, udfs, registry } = module;
  return applyEdits(lines, [
    { kind: 'replace', line: 0, text: '//! The plugin\'s extra scalar UDFs: text, span and path functions (from datafusion_ext).', structural: false },
    { kind: 'replace', line: registry, text: lines[registry].replace('custom_udfs', 'extra_udfs'), structural: false },
    { kind: 'insert', after: udfs[4].invoke, text: '        assert_eq!(args.args.len(), 1, "path_basename takes one argument");', structural: true },
  ]);
}

export const originalUdfText = (module: UdfModule = originalUdfModule()): string => module.lines.join('\n') + '\n';
