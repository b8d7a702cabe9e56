// The rules that decide whether a finding is true, each on a small fixture of
// its own: an inverted dependency only on the same package, a singleton only
// for a global that owns a resource, across crates.
import * as assert from 'node:assert/strict';
import type { AnalysisOptions } from '../../server/src/core/model';
import { satisfies } from '../../server/src/core/cargo/release';
import { RustParser } from '../../server/src/core/source/rust';
import { file, rustCrate, rustModule, useFixtures, WHOLE_FILE_OPTIONS } from '../support/fixture';
import { variedModule } from './similarity.test';
import { buildIndex } from './support';

describe('finding rules', () => {
  let parser: RustParser;
  const fixture = useFixtures();
  before(async () => {
    parser = await RustParser.load();
  });

  async function codes(text: string, options: Partial<AnalysisOptions> = WHOLE_FILE_OPTIONS, code?: string) {
    const index = await buildIndex(fixture(text), parser, options);
    const found = index.allFindings().filter((f) => !code || f.code === code);
    return { index, found, summary: found.map((f) => `${f.code} ${index.display(f.file)}`).sort() };
  }

  describe('cargo version requirements', () => {
    it('reads bare, caret, tilde, exact, wildcard and range requirements as cargo does', () => {
      const cases: [string, string, boolean][] = [
        ['1.4.0', '1.2', true],
        ['2.0.0', '1.2', false],
        ['0.3.1', '0.3', true],
        ['0.4.0', '0.3', false],
        ['0.0.3', '^0.0.3', true],
        ['0.0.4', '^0.0.3', false],
        ['1.2.9', '~1.2.3', true],
        ['1.3.0', '~1.2.3', false],
        ['1.2.7', '=1.2', true],
        ['1.2.7', '=1.2.6', false],
        ['1.9.0', '1.*', true],
        ['1.3.0', '1.2.*', false],
        ['2.5.0', '>=1, <3', true],
        ['3.0.0', '>=1, <3', false],
        ['7.0.0', '*', true],
      ];
      for (const [version, requirement, expected] of cases) assert.equal(satisfies(version, requirement), expected, `${version} against ${requirement}`);
      assert.equal(satisfies('1.0.0-alpha', '1'), undefined, 'a pre-release is not concluded on');
    });
  });

  describe('inverted-dependency', () => {
    const pair = (dependency: string, lib = '', root = '[workspace]\nmembers = ["app", "lib"]\n') =>
      (root ? file('Cargo.toml', root) : '') +
      rustCrate('app', 'app', { x: rustModule('x') }, `[dependencies]\n${dependency}\n`) +
      rustCrate('lib', 'lib', { x: rustModule('x') }, lib);

    it('reports a dependency the local crate can satisfy (the control case)', async () => {
      assert.deepEqual((await codes(pair('lib = "0.1"'), WHOLE_FILE_OPTIONS, 'inverted-dependency')).summary, ['inverted-dependency app/Cargo.toml']);
    });

    it('reports nothing when the local crate is publish = false: no registry has it', async () => {
      assert.deepEqual((await codes(pair('lib = "0.1"', 'publish = false\n'), WHOLE_FILE_OPTIONS, 'inverted-dependency')).summary, []);
      assert.deepEqual((await codes(pair('lib = "0.1"', 'publish = []\n'), WHOLE_FILE_OPTIONS, 'inverted-dependency')).summary, []);
    });

    it('reports nothing when the local version cannot satisfy the requirement', async () => {
      assert.deepEqual((await codes(pair('lib = "2"'), WHOLE_FILE_OPTIONS, 'inverted-dependency')).summary, []);
    });

    it('reads the version a crate inherits from [workspace.package]', async () => {
      const fixture = (requirement: string) =>
        file('Cargo.toml', '[workspace]\nmembers = ["app", "lib"]\n[workspace.package]\nversion = "3.1.0"\n') +
        rustCrate('app', 'app', { x: rustModule('x') }, `[dependencies]\nlib = "${requirement}"\n`) +
        file('lib/Cargo.toml', '[package]\nname = "lib"\nversion.workspace = true\nedition = "2021"\n') +
        file('lib/src/lib.rs', 'pub mod x;') +
        file('lib/src/x.rs', rustModule('x'));
      assert.deepEqual((await codes(fixture('3'), WHOLE_FILE_OPTIONS, 'inverted-dependency')).summary, ['inverted-dependency app/Cargo.toml']);
      assert.deepEqual((await codes(fixture('0.1'), WHOLE_FILE_OPTIONS, 'inverted-dependency')).summary, []);
    });

    it('reports nothing for a dependency renamed with package =, which marks it as another package', async () => {
      assert.deepEqual((await codes(pair('upstream_lib = { package = "lib", version = "0.1" }'), WHOLE_FILE_OPTIONS, 'inverted-dependency')).summary, []);
    });

    it('reports nothing when the dependent is a workspace of its own (an example depending on the repository through git)', async () => {
      const fixture =
        file('Cargo.toml', '[workspace]\nmembers = ["lib"]\nexclude = ["app"]\n') +
        rustCrate('app', 'app', { x: rustModule('x') }, '[dependencies]\nlib = { git = "https://example.com/lib.git" }\n', '[workspace]\n\n') +
        rustCrate('lib', 'lib', { x: rustModule('x') });
      assert.deepEqual((await codes(fixture, WHOLE_FILE_OPTIONS, 'inverted-dependency')).summary, []);
    });

    it('names the git URL a dependency inherits with workspace = true', async () => {
      const fixture =
        file('Cargo.toml', '[workspace]\nmembers = ["app", "lib"]\n[workspace.dependencies]\nlib = { git = "https://example.com/lib.git" }\n') +
        rustCrate('app', 'app', { x: rustModule('x') }, '[dependencies]\nlib = { workspace = true }\n') +
        rustCrate('lib', 'lib', { x: rustModule('x') });
      const { found } = await codes(fixture, WHOLE_FILE_OPTIONS, 'inverted-dependency');
      assert.equal(found.length, 1);
      assert.match(found[0].message, /^app depends on lib from git \(https:\/\/example\.com\/lib\.git\), but lib is the local crate lib/);
      assert.doesNotMatch(found[0].message, /undefined/);
    });
  });
  describe('duplicate-singleton', () => {
    const NEAR: Partial<AnalysisOptions> = {};
    const global = (declaration: string) => `use once_cell::sync::Lazy;\nuse std::sync::OnceLock;\n\n${declaration}\n`;
    const crates = (...declarations: string[]) =>
      declarations.map((d, i) => rustCrate(`c${i}`, `c${i}`, { g: global(d) })).join('');

    it('reports nothing for immutable values computed lazily in each crate: numbers, env flags, init guards, names', async () => {
      for (const type of ['u64', 'bool', '()', 'Identifier', 'Vec<String>']) {
        const { summary } = await codes(crates(`static VALUE: Lazy<${type}> = Lazy::new(|| compute());`, `static VALUE: Lazy<${type}> = Lazy::new(|| compute());`), NEAR, 'duplicate-singleton');
        assert.deepEqual(summary, [], type);
      }
    });

    it('reports globals that own shared state (a lock, an atomic, a pool, a client, a registry) in two crates', async () => {
      for (const type of ['Mutex<HashMap<String, u32>>', 'AtomicUsize', 'rayon::ThreadPool', 'reqwest::Client', 'prometheus::Registry']) {
        const { summary } = await codes(crates(`static STATE: OnceLock<${type}> = OnceLock::new();`, `static STATE: OnceLock<${type}> = OnceLock::new();`), NEAR, 'duplicate-singleton');
        assert.deepEqual(summary, ['duplicate-singleton c0/src/g.rs', 'duplicate-singleton c1/src/g.rs'], type);
      }
    });

    it('does not see a value through a newtype as a resource: a newtype of u64 holds a u64', async () => {
      const { summary } = await codes(
        crates('pub struct Ticks(u64);\nstatic T: Lazy<Ticks> = Lazy::new(|| Ticks(1));', 'pub struct Ticks(u64);\nstatic T: Lazy<Ticks> = Lazy::new(|| Ticks(1));'),
        NEAR,
        'duplicate-singleton',
      );
      assert.deepEqual(summary, []);
    });

    it('relates and counts only the globals of other crates, never a second one of its own crate', async () => {
      const fixture =
        rustCrate('a', 'a', { x: global('static FIRST: OnceLock<Runtime> = OnceLock::new();'), y: global('static SECOND: OnceLock<Runtime> = OnceLock::new();') }) +
        rustCrate('b', 'b', { z: global('static RT: OnceLock<Runtime> = OnceLock::new();') });
      const { found, index } = await codes(fixture, NEAR, 'duplicate-singleton');
      const onA = found.filter((f) => index.display(f.file).startsWith('a/'));
      assert.equal(onA.length, 2);
      for (const f of onA) {
        assert.deepEqual(f.related.map((r) => index.display(r.file)), ['b/src/z.rs']);
        assert.match(f.message, /is one of 2 lazily initialised Runtime globals, in crates a, b:/);
      }
      const onB = found.filter((f) => index.display(f.file).startsWith('b/'));
      assert.deepEqual(onB.map((f) => f.related.length), [2]);
    });

    it('compares how globals are built: two runtimes built by different constructors are not one service', async () => {
      const runtime = (builder: string) => `static RT: Lazy<Runtime> = Lazy::new(|| ${builder}().unwrap());`;
      const different = await codes(crates(runtime('tokio::runtime::Builder::new_current_thread'), runtime('Runtime::new')), NEAR, 'duplicate-singleton');
      assert.deepEqual(different.summary, []);
      const same = await codes(crates(runtime('Runtime::new'), runtime('tokio::runtime::Runtime::new')), NEAR, 'duplicate-singleton');
      assert.deepEqual(same.summary, ['duplicate-singleton c0/src/g.rs', 'duplicate-singleton c1/src/g.rs']);
    });
  });

  describe('duplicate-item under another name', () => {
    const NEAR: Partial<AnalysisOptions> = {};
    const pair = (a: string, b: string) => rustCrate('a', 'a', { m: a }) + rustCrate('b', 'b', { m: b });

    // Every wrapper's Iterator forwards to its field: one shape, not one copy.
    const forwarding = (type: string, field: string) => `pub struct ${type}<'a, T> {
    ${field}: std::slice::Iter<'a, T>,
}

impl<'a, T> Iterator for ${type}<'a, T> {
    type Item = &'a T;

    #[inline]
    fn next(&mut self) -> Option<&'a T> {
        self.${field}.next()
    }
    #[inline]
    fn size_hint(&self) -> (usize, Option<usize>) {
        self.${field}.size_hint()
    }
}
`;

    it('reports nothing for a trait impl for another type whose methods forward in a line each', async () => {
      const { summary } = await codes(pair(forwarding('Iter', 'inner'), forwarding('Keys', 'base')), NEAR, 'duplicate-item');
      assert.deepEqual(summary, []);
    });

    // A long signature the trait dictates, over one line of body.
    const relation = (type: string) => `pub struct ${type};

impl ${type} {
    pub fn binders<T: Clone>(
        &mut self,
        a: Vec<T>,
        b: Vec<T>,
        depth: usize,
    ) -> Result<Vec<T>, String>
    where
        T: std::fmt::Debug,
    {
        Ok(a.into_iter().chain(b).skip(depth).collect())
    }
}
`;

    it('reports nothing for a method of another type with one line of body under a long signature', async () => {
      const { summary } = await codes(pair(relation('Generalizer'), relation('Matcher')), NEAR, 'duplicate-item');
      assert.deepEqual(summary, []);
    });

    const normalise = (name: string, locals: [string, string, string], separator: string, helper = 'to_ascii_lowercase') => {
      const [input, out, gap] = locals;
      return `pub fn ${name}(${input}: &str) -> String {
    let mut ${out} = String::with_capacity(${input}.len());
    let mut ${gap} = false;
    for c in ${input}.trim().chars() {
        if c.is_ascii_alphanumeric() {
            if ${gap} && !${out}.is_empty() {
                ${out}.push('${separator}');
            }
            ${out}.push(c.${helper}());
            ${gap} = false;
        } else {
            ${gap} = true;
        }
    }
    ${out}
}
`;
    };

    it('reports a function copied under another name with its locals renamed (the control case)', async () => {
      const { found } = await codes(pair(normalise('normalize_name', ['raw', 'normalized', 'pending'], '_'), normalise('canonical_name', ['input', 'out', 'gap'], '-')), NEAR, 'duplicate-item');
      assert.deepEqual(found.map((f) => f.message), [
        'fn canonical_name is a copy of normalize_name in crate a (a/src/m.rs:1), 16 lines, under another name, with one literal changed.',
      ]);
    });

    it('reports nothing when the function under another name calls something else: a method, a helper, a variant', async () => {
      const { summary } = await codes(pair(normalise('normalize_name', ['raw', 'normalized', 'pending'], '_'), normalise('canonical_name', ['input', 'out', 'gap'], '_', 'to_ascii_uppercase')), NEAR, 'duplicate-item');
      assert.deepEqual(summary, []);
    });
  });

  describe('diverged-copy of one template', () => {
    // A CLI's command files: one skeleton, each with its own name, text and helper.
    const command = (name: string, helper: string) => `use crate::engine::{Call, Category, EngineState, PipelineData, ShellError, Signature, Stack, Type};

#[derive(Clone)]
pub struct ${name};

impl ${name} {
    pub fn name(&self) -> &str {
        "${name.toLowerCase()} command"
    }

    pub fn signature(&self) -> Signature {
        Signature::build("${name.toLowerCase()}")
            .input_output_types(vec![(Type::String, Type::String)])
            .allow_variants_without_examples(true)
            .category(Category::${name})
    }

    pub fn description(&self) -> &str {
        "Run the ${name.toLowerCase()} step on every value of the input."
    }

    pub fn run(&self, engine_state: &EngineState, _stack: &mut Stack, call: &Call, input: PipelineData) -> Result<PipelineData, ShellError> {
        let head = call.head;
        if let PipelineData::Empty = input {
            return Err(ShellError::PipelineEmpty { dst_span: head });
        }
        input.map(move |value| ${helper}(value, head), engine_state.signals())
    }
}
`;
    // What makes a template: its names are the framework's, written in many files (here an engine crate of 70).
    const names = ['Bytes', 'Hash', 'Math', 'Random', 'Format', 'Split', 'Date', 'Path'];
    const commands = (crate: number) =>
      Object.fromEntries(names.map((n) => [`${n.toLowerCase()}${crate}`, command(`${n}${crate}`, `${n.toLowerCase()}${crate}_value`)]));
    const engineUse = (i: number) => `use crate::{Call, Category, EngineState, PipelineData, ShellError, Signature, Stack, Type};

pub fn step_${i}(engine_state: &EngineState, _stack: &mut Stack, call: &Call, input: PipelineData) -> Result<PipelineData, ShellError> {
    let head = call.head;
    let _shape = Signature::build("step ${i}").input_output_types(vec![(Type::String, Type::String)]).allow_variants_without_examples(false).category(Category::Math);
    match input {
        PipelineData::Empty => Err(ShellError::PipelineEmpty { dst_span: head }),
        other => Ok(other.map(move |value| value, engine_state.signals())),
    }
}

pub struct Step${i};

impl Step${i} {
    pub fn name(&self) -> &str { "step" }
    pub fn signature(&self) -> Signature { Signature::build("s") }
    pub fn description(&self) -> &str { "d" }
    pub fn run(&self) {}
}
`;
    const engine = rustCrate('engine', 'engine', Object.fromEntries(Array.from({ length: 70 }, (_, i) => [`step${i}`, engineUse(i)])));

    it('reports no copies among command files of 3 crates that share only the skeleton, each with its own names and text', async () => {
      const { summary } = await codes(engine + [0, 1, 2].map((c) => rustCrate(`cmd${c}`, `cmd${c}`, commands(c))).join(''), {}, 'diverged-copy');
      assert.deepEqual(summary, []);
    });

    it('reports a command file copied with its names and text and then edited (the control case)', async () => {
      const copied = command('Bytes', 'bytes_value').replace('pub fn description', 'pub fn usage(&self) -> &str {\n        "bytes <value>"\n    }\n\n    pub fn description');
      const { summary } = await codes(rustCrate('cmd0', 'cmd0', { bytes: command('Bytes', 'bytes_value') }) + rustCrate('cmd1', 'cmd1', { bytes: copied }), {}, 'diverged-copy');
      assert.deepEqual(summary, ['diverged-copy cmd1/src/bytes.rs']);
    });
  });

  describe('diverged-copy with statements inserted', () => {
    it('reports a copy with a statement inserted every few lines, with a similarity its line counts bear out', async () => {
      const original = variedModule();
      // Six statements of its own in 50 lines, the edit that breaks the most k-grams per line.
      let n = 0;
      const copy = original
        .split('\n')
        .flatMap((line) => (/^\s+let /.test(line) && n < 6 ? [line, `${/^\s+/.exec(line)![0]}let _trace_${n} = ${n++} * 7;`] : [line]))
        .join('\n');
      assert.equal(n, 6);
      const { found } = await codes(rustCrate('a', 'a', { ledger: original }) + rustCrate('b', 'b', { ledger: copy }), {}, 'diverged-copy');
      assert.equal(found.length, 1, found.map((f) => f.message).join('\n'));
      const [, percent, shared, diverging] = /(\d+)% similar, (\d+) lines shared, (\d+) diverging/.exec(found[0].message)!.map(Number);
      assert.ok(percent >= 70 && percent <= Math.round((200 * shared) / (2 * shared + diverging)), found[0].message);
    });
  });
});

