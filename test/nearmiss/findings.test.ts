// The near-miss findings through WorkspaceIndex: the line counts of a
// diverged copy, the settings that decide what is small or alike enough, and
// the forms of a lazily initialised global.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { WorkspaceIndex } from '../../server/src/core/index';
import { RustParser } from '../../server/src/core/source/rust';
import { removeFixture, writeFixture } from '../support/fixture';
import { buildIndex, lineCount, makeWorkspace, only, summary } from './support';
import { extrasCopy, scatteredCopy } from './udfCustom';

const ALL_NEAR_MISS = [
  'diverged-copy datafusion_python/src/registry_snapshot.rs',
  'diverged-copy datafusion_python/src/udf_custom.rs',
  'diverged-copy df_plugin_codeanatomy/src/udf_extras.rs',
  'duplicate-item datafusion_python/src/sql_utils.rs',
  'duplicate-item df_plugin_codeanatomy/src/lib.rs',
  'duplicate-item df_plugin_codeanatomy/src/providers.rs',
  'duplicate-singleton datafusion_python/src/utils.rs',
  'duplicate-singleton df_plugin_codeanatomy/src/lib.rs',
];
/** The plain data struct duplicate-item reports by mistake (see the skipped test in acceptance.test.ts). */
const PLAIN_DATA = 'duplicate-item codeanatomy_engine/src/plan_stats.rs';
const withoutPlainData = (list: string[]) => list.filter((s) => s !== PLAIN_DATA);

const file = (relative: string, content: string) => `//- ${relative}\n${content.endsWith('\n') ? content : content + '\n'}`;
const crate = (name: string, files: Record<string, string>, lib?: string) =>
  file(`${name}/Cargo.toml`, `[package]\nname = "${name}"\nversion = "0.1.0"\nedition = "2021"\n`) +
  file(`${name}/src/lib.rs`, lib ?? Object.keys(files).map((m) => `pub mod ${m};`).join('\n')) +
  Object.entries(files)
    .map(([m, content]) => file(`${name}/src/${m}.rs`, content))
    .join('');

describe('near-miss findings', () => {
  let parser: RustParser;
  let dir: string;
  let index: WorkspaceIndex;
  const dirs: string[] = [];
  const read = (relative: string) => fs.readFileSync(path.join(dir, relative), 'utf8');
  before(async () => {
    parser = await RustParser.load();
    dir = makeWorkspace();
    dirs.push(dir);
    index = await buildIndex(dir, parser);
  });
  after(() => dirs.forEach(removeFixture));

  async function analyse(fixture: string) {
    const d = writeFixture(fixture);
    dirs.push(d);
    return buildIndex(d, parser);
  }

  describe('line counts of a diverged copy', () => {
    const counts = (relative: string) => {
      const m = /: (\d+)% similar, (\d+) lines shared, (\d+) diverging\./.exec(only(index, 'diverged-copy', relative).message);
      assert.ok(m);
      return { similarity: Number(m[1]), shared: Number(m[2]), diverging: Number(m[3]) };
    };

    it('counts as diverging each line only one side has: 2 per replaced line, 1 per inserted or deleted one', () => {
      const copy = scatteredCopy();
      assert.equal(counts('datafusion_python/src/udf_custom.rs').diverging, 2 * copy.replaced + copy.inserted + copy.deleted);
      const extras = extrasCopy();
      assert.equal(counts('df_plugin_codeanatomy/src/udf_extras.rs').diverging, 2 * extras.replaced + extras.inserted);
    });

    it('writes no edited line that the original has, so the counts are exact', () => {
      const original = new Set(read('datafusion_ext/src/udf_custom.rs').split('\n').map((l) => l.trim()));
      for (const copy of [scatteredCopy(), extrasCopy()]) {
        for (const line of copy.written) assert.ok(!original.has(line.trim()), `written line also in the original: ${line}`);
      }
    });

    it('counts as shared the lines of the original that the copy kept, no more', () => {
      const original = lineCount(read('datafusion_ext/src/udf_custom.rs'));
      const copy = scatteredCopy();
      assert.equal(counts('datafusion_python/src/udf_custom.rs').shared, original - copy.replaced - copy.deleted);
      assert.equal(counts('df_plugin_codeanatomy/src/udf_extras.rs').shared, original - extrasCopy().replaced);
      // registry_snapshot: the copy's 94 lines are all in the original.
      assert.equal(counts('datafusion_python/src/registry_snapshot.rs').shared, lineCount(read('datafusion_python/src/registry_snapshot.rs')));
    });

    it('gives a similarity that falls as the copy diverges: the light copy above the scattered one, both above the threshold', () => {
      const extras = counts('df_plugin_codeanatomy/src/udf_extras.rs').similarity;
      const scattered = counts('datafusion_python/src/udf_custom.rs').similarity;
      const registry = counts('datafusion_python/src/registry_snapshot.rs').similarity;
      assert.ok(extras > scattered && scattered > registry && registry >= 70, `${extras} > ${scattered} > ${registry} >= 70`);
    });
  });

  describe('settings', () => {
    it('reports the expected near-miss findings by default (besides the plain data struct)', () => {
      assert.deepEqual(withoutPlainData(summary(index)), ALL_NEAR_MISS);
    });

    it('reports the small copied items once the minimum item size is lowered: they are left out for their size', async () => {
      const lowered = await buildIndex(dir, parser, { minimumItemLines: 3, minimumItemTokens: 10 });
      const onUtils = lowered.findingsFor(path.join(dir, 'codeanatomy_engine/src/utils.rs')).map((f) => f.message.replace(/ \(.*/, ''));
      assert.deepEqual(onUtils.sort(), [
        'fn default_schema is a copy of default_schema in crate datafusion_ext',
        'fn is_qualified is a copy of is_qualified in crate datafusion_ext',
      ]);
    });

    it('leaves out, with a higher similarity threshold, the copies below it', async () => {
      const strict = await buildIndex(dir, parser, { similarityThreshold: 0.97 });
      const diverged = strict.allFindings().filter((f) => f.code === 'diverged-copy');
      assert.deepEqual(diverged.map((f) => strict.display(f.file)), ['df_plugin_codeanatomy/src/udf_extras.rs']);
      // datafusion_python's copy is no longer alike enough to be mentioned.
      assert.ok(!diverged[0].message.includes('also resembles'), diverged[0].message);
      assert.deepEqual(diverged[0].related.map((r) => strict.display(r.file)), ['datafusion_ext/src/udf_custom.rs']);
    });

    it('reports no code whose severity is off, and the others as set', async () => {
      const quiet = await buildIndex(dir, parser, { severity: { 'diverged-copy': 'off', 'duplicate-singleton': 'hint' } });
      assert.deepEqual(
        withoutPlainData(summary(quiet)),
        ALL_NEAR_MISS.filter((s) => !s.startsWith('diverged-copy ')),
      );
      assert.ok(quiet.allFindings().filter((f) => f.code === 'duplicate-singleton').every((f) => f.severity === 'hint'));
      const none = await buildIndex(dir, parser, { severity: { 'diverged-copy': 'off', 'duplicate-item': 'off', 'duplicate-singleton': 'off' } });
      assert.deepEqual(summary(none), []);
    });

    it('runs none of it with nearMiss off', async () => {
      assert.deepEqual(summary(await buildIndex(dir, parser, { nearMiss: false })), []);
    });
  });

  describe('duplicate-singleton', () => {
    /** A file that holds one declaration: too small for the files to be compared as copies. */
    const runtimeUser = (decl: string) => `use std::sync::OnceLock;\n\n${decl}\n`;

    it('groups OnceLock, LazyLock, once_cell Lazy and lazy_static! globals by the type they hold, paths left out', async () => {
      const index = await analyse(
        crate('alpha', { rt: runtimeUser('static RUNTIME: OnceLock<tokio::runtime::Runtime> = OnceLock::new();') }) +
          crate('beta', {
            rt: runtimeUser(
              'lazy_static::lazy_static! {\n    static ref RUNTIME: tokio::runtime::Runtime = tokio::runtime::Runtime::new().unwrap();\n}',
            ),
          }) +
          crate('gamma', {
            rt: runtimeUser('static RUNTIME: std::sync::LazyLock<Runtime> = std::sync::LazyLock::new(|| Runtime::new().unwrap());'),
          }) +
          crate('delta', {
            rt: runtimeUser('static RUNTIME: once_cell::sync::Lazy<Runtime> = once_cell::sync::Lazy::new(|| Runtime::new().unwrap());'),
          }) +
          // Another type in a cell, and a Runtime behind a Mutex: other types, no finding.
          crate('epsilon', {
            rt: runtimeUser(
              'static NAMES: OnceLock<Vec<String>> = OnceLock::new();\nstatic SHARED: OnceLock<std::sync::Mutex<Runtime>> = OnceLock::new();',
            ),
          }),
      );
      assert.deepEqual(summary(index), [
        'duplicate-singleton alpha/src/rt.rs',
        'duplicate-singleton beta/src/rt.rs',
        'duplicate-singleton delta/src/rt.rs',
        'duplicate-singleton gamma/src/rt.rs',
      ]);
      for (const finding of index.allFindings()) {
        assert.match(finding.message, /is one of 4 lazily initialised Runtime globals, in crates /);
        assert.equal(finding.related.length, 3);
      }
      const onBeta = only(index, 'duplicate-singleton', 'beta/src/rt.rs');
      assert.match(onBeta.message, /^static RUNTIME: Lazy<tokio::runtime::Runtime> /);
      // The `static ref` line inside the macro.
      assert.equal(onBeta.range.start.line, 3);
    });

    it('reports nothing for two globals of one type in a single crate', async () => {
      const index = await analyse(
        crate('alpha', {
          a: runtimeUser('static FIRST: OnceLock<Runtime> = OnceLock::new();'),
          b: runtimeUser('static SECOND: OnceLock<Runtime> = OnceLock::new();'),
        }),
      );
      assert.deepEqual(summary(index), []);
    });

    it('leaves out globals built from a literal, such as one regex per crate, but not a runtime whose literal is a message', async () => {
      const regex = (name: string, pattern: string) =>
        `use once_cell::sync::Lazy;\nuse regex::Regex;\n\nstatic ${name}: Lazy<Regex> = Lazy::new(|| Regex::new(r"${pattern}").unwrap());\n\npub fn matches(text: &str) -> bool {\n    ${name}.is_match(text)\n}\n`;
      const runtime = (name: string) =>
        `use once_cell::sync::Lazy;\nuse tokio::runtime::Runtime;\n\nstatic ${name}: Lazy<Runtime> = Lazy::new(|| Runtime::new().expect("a runtime"));\n\npub fn runtime() -> &'static Runtime {\n    &${name}\n}\n`;
      const index = await analyse(
        crate('alpha', { words: regex('WORD', '\\w+'), rt: runtime('ALPHA_RT') }) +
          crate('beta', { numbers: regex('NUMBER', '\\d+'), rt: runtime('BETA_RT') }),
      );
      assert.deepEqual(
        summary(index).filter((s) => s.startsWith('duplicate-singleton')),
        ['duplicate-singleton alpha/src/rt.rs', 'duplicate-singleton beta/src/rt.rs'],
      );
    });

    it('does not see through a newtype of another crate: the newtype is read in the crate that declares it', async () => {
      const index = await analyse(
        crate('alpha', { rt: runtimeUser('static RUNTIME: OnceLock<Runtime> = OnceLock::new();') }) +
          crate('beta', {
            rt: runtimeUser('pub struct TokioRuntime(pub tokio::runtime::Runtime);'),
          }) +
          crate('gamma', { rt: runtimeUser('static RUNTIME: OnceLock<TokioRuntime> = OnceLock::new();') }),
      );
      assert.deepEqual(summary(index), []);
    });
  });

  describe('diverged-copy of repetitive files', () => {
    it('does not compare files too repetitive to measure, such as lib.rs files of mod lines and provide calls', async () => {
      const lib = (modules: string[]) =>
        modules.map((m) => `mod ${m};`).join('\n') +
        `\n\npub fn provide(providers: &mut Providers) {\n${modules.map((m) => `    ${m}::provide(providers);`).join('\n')}\n}\n`;
      const modules = (names: string[]) => Object.fromEntries(names.map((n) => [n, `pub fn provide(_p: &mut crate::Providers) {}\n`]));
      const alpha = ['assoc', 'common', 'consts', 'instance', 'layout', 'needs_drop', 'representability', 'ty'];
      const beta = ['check_attr', 'check_const', 'dead', 'diagnostic_items', 'entry', 'hir_id', 'lang_items', 'liveness', 'loops', 'naked'];
      const index = await analyse(
        crate('alpha', modules(alpha), lib(alpha) + 'pub struct Providers;\n') + crate('beta', modules(beta), lib(beta) + 'pub struct Providers;\n'),
      );
      assert.deepEqual(summary(index).filter((s) => s.startsWith('diverged-copy')), []);
    });
  });

  describe('duplicate-item', () => {
    /** Three impls of one shape, as error conversions are: repeated within one file. */
    const impls = (message: string) =>
      ['Io', 'Parse', 'Arrow']
        .map(
          (kind) => `
impl From<${kind}Error> for EngineError {
    fn from(error: ${kind}Error) -> Self {
        let message = error.to_string();
        let kind = ErrorKind::${kind};
        tracing::warn!(%message, "${message}");
        EngineError { kind, message, source: Some(Box::new(error)) }
    }
}
`,
        )
        .join('');
    const conversions = (message: string) => `use std::error::Error;

pub enum ErrorKind {
    Io,
    Parse,
    Arrow,
}

pub struct EngineError {
    kind: ErrorKind,
    message: String,
    source: Option<Box<dyn Error + Send + Sync>>,
}
${impls(message)}`;

    it('does not report items that repeat within a crate, in a diverged copy', async () => {
      const index = await analyse(crate('a', { errors: conversions('converting') }) + crate('b', { errors: conversions('converting an error') }));
      assert.deepEqual(summary(index), ['diverged-copy b/src/errors.rs']);
    });

    it('counts and relates only the copies in other crates', async () => {
      // b has the three impls in a file that is otherwise its own: not a diverged copy.
      const own = `//! Errors of the loader, and how they are reported.

use std::fmt;

pub struct LoaderReport {
    pub attempts: u32,
    pub failures: Vec<String>,
}

impl fmt::Display for LoaderReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{} attempts, {} failures", self.attempts, self.failures.len())?;
        for (i, failure) in self.failures.iter().enumerate() {
            writeln!(f, "  {}. {failure}", i + 1)?;
        }
        Ok(())
    }
}

pub fn retry<T, E: fmt::Display>(attempts: u32, mut run: impl FnMut(u32) -> Result<T, E>) -> (Option<T>, LoaderReport) {
    let mut report = LoaderReport { attempts: 0, failures: Vec::new() };
    while report.attempts < attempts {
        report.attempts += 1;
        match run(report.attempts) {
            Ok(value) => return (Some(value), report),
            Err(e) => report.failures.push(e.to_string()),
        }
        std::thread::sleep(std::time::Duration::from_millis(10 << report.attempts.min(6)));
    }
    (None, report)
}
`;
      const index = await analyse(crate('a', { errors: conversions('converting') }) + crate('b', { errors: own + impls('converting') }));
      const findings = index.allFindings().filter((f) => f.code === 'duplicate-item');
      assert.deepEqual(summary(index), ['duplicate-item b/src/errors.rs', 'duplicate-item b/src/errors.rs', 'duplicate-item b/src/errors.rs']);
      for (const f of findings) {
        // Each impl is a copy of its namesake; the 8-line impls for other error types are too short to count as renamed copies.
        assert.match(f.message, / in crate a \(a\/src\/errors\.rs:\d+\), 8 lines\.$/);
        assert.deepEqual([...new Set(f.related.map((r) => index.display(r.file)))], ['a/src/errors.rs']);
      }
    });
  });
});
