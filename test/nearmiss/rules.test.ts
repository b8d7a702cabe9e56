// The rules that decide whether a finding is true, each on a small fixture of
// its own: an inverted dependency only on the same package, a singleton only
// for a global that owns a resource, across crates.
import * as assert from 'node:assert/strict';
import { WorkspaceIndex } from '../../server/src/core/index';
import { DEFAULT_OPTIONS, silentLog } from '../../server/src/core/model';
import type { AnalysisOptions } from '../../server/src/core/model';
import { satisfies } from '../../server/src/core/cargo/release';
import { RustParser } from '../../server/src/core/source/rust';
import { file, removeFixture, rustCrate, rustModule, WHOLE_FILE_OPTIONS, writeFixture } from '../support/fixture';

describe('finding rules', () => {
  let parser: RustParser;
  const dirs: string[] = [];
  before(async () => {
    parser = await RustParser.load();
  });
  after(() => dirs.forEach(removeFixture));

  async function codes(fixture: string, options: Partial<AnalysisOptions> = WHOLE_FILE_OPTIONS, code?: string) {
    const dir = writeFixture(fixture);
    dirs.push(dir);
    const index = new WorkspaceIndex([dir], { ...DEFAULT_OPTIONS, ...options }, parser, silentLog);
    await index.build();
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
});
