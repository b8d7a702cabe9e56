// "Replace with re-export": each case on a small workspace with no external
// dependencies that `cargo check --offline` builds before the fix and after
// it. The crate with the copy calls into the copied module, so a re-export
// that does not resolve breaks the build.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { COPY_CODES, fixesFor, mergeFixes } from '../../server/src/core/fixes/fixes';
import type { Fix } from '../../server/src/core/fixes/fixes';
import { WorkspaceIndex } from '../../server/src/core/index';
import { silentLog } from '../../server/src/core/model';
import type { AnalysisOptions, Finding } from '../../server/src/core/model';
import { RustParser } from '../../server/src/core/source/rust';
import { removeFixture, repoRoot, writeFixture, WHOLE_FILE_OPTIONS } from '../support/fixture';
import { Cargo, applyChanges, file, naiveReexport, packageToml, read, rustModule, treeHash } from './support';

/** A lib.rs that declares `x` with `declaration` and calls into it, so the build needs the module. */
const userLib = (declaration: string, call = 'x::x_total') => `${declaration}

pub fn total() -> i64 {
    ${call}(&[1, 2, 3])
}
`;

describe('re-export fix', function () {
  // Each case runs cargo two to six times; std is checked once per suite.
  this.timeout(180_000);
  let parser: RustParser;
  let cargo: Cargo;
  const dirs: string[] = [];
  before(async () => {
    parser = await RustParser.load();
    cargo = new Cargo();
  });
  after(() => {
    dirs.forEach(removeFixture);
    cargo.dispose();
  });

  function fixture(text: string) {
    const dir = writeFixture(text);
    dirs.push(dir);
    return { dir, at: (relative: string) => path.join(dir, relative) };
  }

  async function indexOf(dir: string, options: Partial<AnalysisOptions> = {}): Promise<WorkspaceIndex> {
    const index = new WorkspaceIndex([dir], { ...WHOLE_FILE_OPTIONS, ...options }, parser, silentLog);
    await index.build();
    return index;
  }

  /**
   * Proves a refusal is needed: on a fresh copy of the fixture, the naive
   * edit (delete the copy, `use keeper::x;` in its place, the path
   * dependency) does not build, and cargo's error is `reason`.
   */
  function naiveFails(text: string, copy: string, keeperDir: string, manifest: string, reason: RegExp): void {
    const { dir, at } = fixture(text);
    naiveReexport(dir, copy, keeperDir);
    const result = cargo.run(at(manifest), '--workspace', '--all-targets');
    assert.notEqual(result.status, 0, 'the naive edit builds, so the refusal is wrong');
    assert.match(result.stderr, reason, `the naive edit fails for another reason:\n${result.stderr}`);
  }

  function copyFinding(index: WorkspaceIndex, copy: string): Finding {
    const found = index.findingsFor(copy).filter((f) => COPY_CODES.has(f.code));
    assert.equal(found.length, 1, `one copy finding on ${index.display(copy)}, got ${JSON.stringify(index.allFindings().map((f) => `${f.code} ${index.display(f.file)}`))}`);
    return found[0];
  }

  /**
   * Builds each manifest, applies the one fix offered on `copy`, builds each
   * manifest again, and checks that a fresh index reports no copy left.
   */
  async function fixAndBuild(
    dir: string,
    copy: string,
    manifests: string[],
    options: Partial<AnalysisOptions> = {},
  ): Promise<{ fix: Fix; finding: Finding }> {
    const at = (relative: string) => path.join(dir, relative);
    for (const m of manifests) cargo.check(at(m));
    const index = await indexOf(dir, options);
    const finding = copyFinding(index, at(copy));
    const fixes = fixesFor(index, finding);
    assert.equal(fixes.length, 1);
    const [fix] = fixes;
    assert.equal(fix.refused, undefined, `refused: ${fix.refused}`);
    assert.deepEqual(finding.fixes, [fix.title], 'the finding announces the fix it gets');
    applyChanges(fix.changes);
    for (const m of manifests) cargo.check(at(m));
    const after = await indexOf(dir, options);
    assert.deepEqual(
      after.allFindings().filter((f) => COPY_CODES.has(f.code)).map((f) => after.display(f.file)),
      [],
      'no copy is reported after the fix',
    );
    return { fix, finding };
  }

  const keeper = (dir = 'keeper', lib = 'pub mod x;') =>
    file(`${dir}/Cargo.toml`, packageToml('keeper')) + file(`${dir}/src/lib.rs`, lib) + file(`${dir}/src/x.rs`, rustModule('x'));

  describe('keeps the visibility of the mod declaration', () => {
    for (const [declaration, reexport] of [
      ['pub mod x;', 'pub use keeper::x;'],
      ['mod x;', 'use keeper::x;'],
      ['pub(crate) mod x;', 'pub(crate) use keeper::x;'],
    ]) {
      it(`\`${declaration}\` becomes \`${reexport}\`, the copy goes and the manifest gains the path dependency`, async () => {
        // Crates at different depths, so the relative path is not just ../keeper.
        const { dir, at } = fixture(
          keeper('crates/keeper') +
            file('apps/user/Cargo.toml', packageToml('user')) +
            file('apps/user/src/lib.rs', userLib(`${declaration}\npub mod other;`)) +
            // A sibling reaches the module through the crate root, as `use` makes it visible there too.
            file('apps/user/src/other.rs', 'pub fn other() -> i64 {\n    crate::x::x_total(&[9])\n}') +
            file('apps/user/src/x.rs', rustModule('x')),
        );
        const { fix } = await fixAndBuild(dir, 'apps/user/src/x.rs', ['crates/keeper/Cargo.toml', 'apps/user/Cargo.toml']);
        assert.equal(fix.title, 'Replace with re-export from keeper');
        assert.equal(read(at('apps/user/src/lib.rs')), userLib(`${reexport}\npub mod other;`));
        assert.equal(fs.existsSync(at('apps/user/src/x.rs')), false);
        assert.equal(
          read(at('apps/user/Cargo.toml')),
          packageToml('user') + '\n[dependencies]\nkeeper = { path = "../../crates/keeper" }\n',
        );
        assert.equal(read(at('crates/keeper/src/lib.rs')), 'pub mod x;\n', 'the keeper is left alone');
      });
    }
  });

  it('drops #[path] and keeps the doc comment and the other attributes above the new use', async () => {
    const declaration = '/// Counting helpers, shared with keeper.\n#[cfg(not(miri))]\n#[path = "counting.rs"]\npub mod x;';
    const { dir, at } = fixture(
      keeper() +
        file('user/Cargo.toml', packageToml('user')) +
        file('user/src/lib.rs', userLib(declaration)) +
        file('user/src/counting.rs', rustModule('x')),
    );
    await fixAndBuild(dir, 'user/src/counting.rs', ['keeper/Cargo.toml', 'user/Cargo.toml']);
    assert.equal(
      read(at('user/src/lib.rs')),
      userLib('/// Counting helpers, shared with keeper.\n#[cfg(not(miri))]\npub use keeper::x;'),
    );
    assert.equal(fs.existsSync(at('user/src/counting.rs')), false);
  });

  it('deletes an x/mod.rs copy with its folder, now empty', async () => {
    const { dir, at } = fixture(
      keeper() +
        file('user/Cargo.toml', packageToml('user')) +
        file('user/src/lib.rs', userLib('pub mod x;')) +
        file('user/src/x/mod.rs', rustModule('x')),
    );
    const { fix } = await fixAndBuild(dir, 'user/src/x/mod.rs', ['keeper/Cargo.toml', 'user/Cargo.toml']);
    assert.ok(fix.changes.some((c) => c.kind === 'deleteFolder' && c.dir === at('user/src/x')));
    assert.equal(read(at('user/src/lib.rs')), userLib('pub use keeper::x;'));
    assert.equal(fs.existsSync(at('user/src/x')), false);
    assert.deepEqual(fs.readdirSync(at('user/src')), ['lib.rs']);
  });

  it('deletes an x/mod.rs copy together with its copied submodules, and the folder', async () => {
    const withChild = rustModule('x') + '\npub mod y;\n';
    const { dir, at } = fixture(
      file('keeper/Cargo.toml', packageToml('keeper')) +
        file('keeper/src/lib.rs', 'pub mod x;') +
        file('keeper/src/x/mod.rs', withChild) +
        file('keeper/src/x/y.rs', rustModule('y')) +
        file('user/Cargo.toml', packageToml('user')) +
        file('user/src/lib.rs', userLib('pub mod x;', 'x::y::y_total')) +
        file('user/src/x/mod.rs', withChild) +
        file('user/src/x/y.rs', rustModule('y')),
    );
    const { fix } = await fixAndBuild(dir, 'user/src/x/mod.rs', ['keeper/Cargo.toml', 'user/Cargo.toml']);
    assert.deepEqual(
      fix.changes.filter((c) => c.kind === 'delete').map((c) => path.relative(dir, (c as { file: string }).file)).sort(),
      ['user/src/x/mod.rs', 'user/src/x/y.rs'],
    );
    assert.equal(read(at('user/src/lib.rs')), userLib('pub use keeper::x;', 'x::y::y_total'));
    assert.equal(fs.existsSync(at('user/src/x')), false);
  });

  it('deletes an x.rs copy with its submodules in x/ and x/y/, and those folders, now empty', async () => {
    const withChild = rustModule('x') + '\npub mod y;\n';
    const y = rustModule('y') + '\npub mod z;\n';
    const { dir, at } = fixture(
      file('keeper/Cargo.toml', packageToml('keeper')) +
        file('keeper/src/lib.rs', 'pub mod x;') +
        file('keeper/src/x.rs', withChild) +
        file('keeper/src/x/y.rs', y) +
        file('keeper/src/x/y/z.rs', rustModule('z')) +
        file('user/Cargo.toml', packageToml('user')) +
        file('user/src/lib.rs', userLib('pub mod x;', 'x::y::z::z_total')) +
        file('user/src/x.rs', withChild) +
        file('user/src/x/y.rs', y) +
        file('user/src/x/y/z.rs', rustModule('z')),
    );
    await fixAndBuild(dir, 'user/src/x.rs', ['keeper/Cargo.toml', 'user/Cargo.toml']);
    assert.deepEqual(fs.readdirSync(at('user/src')), ['lib.rs']);
  });

  it('keeps CRLF line ends on the doc comments and attributes it keeps', async () => {
    const declaration = '/// Counting helpers.\r\n#[cfg(not(miri))]\r\npub mod x;';
    const { dir, at } = fixture(
      keeper() + file('user/Cargo.toml', packageToml('user')) + file('user/src/lib.rs', 'placeholder') + file('user/src/x.rs', rustModule('x')),
    );
    fs.writeFileSync(at('user/src/lib.rs'), userLib(declaration).replace(/\r?\n/g, '\r\n'));
    await fixAndBuild(dir, 'user/src/x.rs', ['user/Cargo.toml']);
    assert.equal(read(at('user/src/lib.rs')), userLib('/// Counting helpers.\r\n#[cfg(not(miri))]\r\npub use keeper::x;').replace(/\r?\n/g, '\r\n'));
  });

  it('keeps the folder of an x/mod.rs copy when something else is left in it', async () => {
    const { dir, at } = fixture(
      keeper() +
        file('user/Cargo.toml', packageToml('user')) +
        file('user/src/lib.rs', userLib('pub mod x;')) +
        file('user/src/x/mod.rs', rustModule('x')) +
        file('user/src/x/NOTES.md', 'Why x is here.'),
    );
    const { fix } = await fixAndBuild(dir, 'user/src/x/mod.rs', ['user/Cargo.toml']);
    assert.equal(fix.changes.some((c) => c.kind === 'deleteFolder'), false);
    assert.deepEqual(fs.readdirSync(at('user/src/x')), ['NOTES.md']);
  });

  it('re-exports a nested authoritative module by its full path', async () => {
    const { dir, at } = fixture(
      file('keeper/Cargo.toml', packageToml('keeper')) +
        file('keeper/src/lib.rs', 'pub mod a;') +
        file('keeper/src/a.rs', 'pub mod b;') +
        file('keeper/src/a/b.rs', 'pub mod x;') +
        file('keeper/src/a/b/x.rs', rustModule('x')) +
        file('user/Cargo.toml', packageToml('user')) +
        file('user/src/lib.rs', userLib('pub mod x;')) +
        file('user/src/x.rs', rustModule('x')),
    );
    await fixAndBuild(dir, 'user/src/x.rs', ['keeper/Cargo.toml', 'user/Cargo.toml']);
    assert.equal(read(at('user/src/lib.rs')), userLib('pub use keeper::a::b::x;'));
  });

  it('makes a private authoritative module pub in its crate, and says so in the title', async () => {
    const keeperLib = (declaration: string) => `${declaration}\n\npub fn keep() -> i64 {\n    x::x_total(&[4])\n}\n`;
    const { dir, at } = fixture(
      keeper('keeper', keeperLib('mod x;')) +
        file('user/Cargo.toml', packageToml('user')) +
        file('user/src/lib.rs', userLib('pub mod x;')) +
        file('user/src/x.rs', rustModule('x')),
    );
    const { fix } = await fixAndBuild(dir, 'user/src/x.rs', ['keeper/Cargo.toml', 'user/Cargo.toml']);
    assert.equal(fix.title, 'Replace with re-export from keeper (and make keeper::x public there)');
    assert.equal(read(at('keeper/src/lib.rs')), keeperLib('pub mod x;'));
    assert.equal(read(at('user/src/lib.rs')), userLib('pub use keeper::x;'));
  });

  it('makes every private module on the way to a nested authoritative module pub', async () => {
    const keeperLib = 'mod a;\n\npub fn keep() -> i64 {\n    a::x::x_total(&[4])\n}\n';
    const { dir, at } = fixture(
      file('keeper/Cargo.toml', packageToml('keeper')) +
        file('keeper/src/lib.rs', keeperLib) +
        file('keeper/src/a.rs', 'pub(crate) mod x;') +
        file('keeper/src/a/x.rs', rustModule('x')) +
        file('user/Cargo.toml', packageToml('user')) +
        file('user/src/lib.rs', userLib('pub mod x;')) +
        file('user/src/x.rs', rustModule('x')),
    );
    const { fix } = await fixAndBuild(dir, 'user/src/x.rs', ['keeper/Cargo.toml', 'user/Cargo.toml']);
    assert.match(fix.title, /make keeper::a::x public/);
    assert.equal(read(at('keeper/src/lib.rs')), 'pub ' + keeperLib);
    assert.equal(read(at('keeper/src/a.rs')), 'pub mod x;\n');
    assert.equal(read(at('user/src/lib.rs')), userLib('pub use keeper::a::x;'));
  });

  it('inherits the dependency from [workspace.dependencies] when the workspace root declares the keeper', async () => {
    const { dir, at } = fixture(
      file(
        'Cargo.toml',
        '[workspace]\nmembers = ["keeper", "user"]\nresolver = "2"\n\n[workspace.dependencies]\nkeeper = { path = "keeper" }\n',
      ) +
        keeper() +
        file('user/Cargo.toml', packageToml('user') + '\n[dependencies]\n') +
        file('user/src/lib.rs', userLib('pub mod x;')) +
        file('user/src/x.rs', rustModule('x')),
    );
    cargo.check(at('Cargo.toml'), '--workspace');
    await fixAndBuild(dir, 'user/src/x.rs', []);
    cargo.check(at('Cargo.toml'), '--workspace');
    assert.equal(read(at('user/Cargo.toml')), packageToml('user') + '\n[dependencies]\nkeeper = { workspace = true }\n');
    assert.equal(read(at('user/src/lib.rs')), userLib('pub use keeper::x;'));
  });

  it('re-exports through the key the workspace root declares the keeper under', async () => {
    const { dir, at } = fixture(
      file(
        'Cargo.toml',
        '[workspace]\nmembers = ["keeper", "user"]\nresolver = "2"\n\n[workspace.dependencies]\nkp = { path = "keeper", package = "keeper" }\n',
      ) +
        keeper() +
        file('user/Cargo.toml', packageToml('user')) +
        file('user/src/lib.rs', userLib('pub mod x;')) +
        file('user/src/x.rs', rustModule('x')),
    );
    cargo.check(at('Cargo.toml'), '--workspace');
    await fixAndBuild(dir, 'user/src/x.rs', []);
    cargo.check(at('Cargo.toml'), '--workspace');
    assert.equal(read(at('user/Cargo.toml')), packageToml('user') + '\n[dependencies]\nkp = { workspace = true }\n');
    assert.equal(read(at('user/src/lib.rs')), userLib('pub use kp::x;'));
  });

  it('re-exports through an inherited renamed dependency the copy\'s crate already has', async () => {
    const manifest = packageToml('user') + '\n[dependencies]\nkp = { workspace = true }\n';
    const lib = (declaration: string) => `${declaration}\n\npub fn total() -> i64 {\n    x::x_total(&[1]) + kp::x::x_total(&[2])\n}\n`;
    const { dir, at } = fixture(
      file(
        'Cargo.toml',
        '[workspace]\nmembers = ["keeper", "user"]\nresolver = "2"\n\n[workspace.dependencies]\nkp = { path = "keeper", package = "keeper" }\n',
      ) +
        keeper() +
        file('user/Cargo.toml', manifest) +
        file('user/src/lib.rs', lib('pub mod x;')) +
        file('user/src/x.rs', rustModule('x')),
    );
    cargo.check(at('Cargo.toml'), '--workspace');
    await fixAndBuild(dir, 'user/src/x.rs', []);
    cargo.check(at('Cargo.toml'), '--workspace');
    assert.equal(read(at('user/Cargo.toml')), manifest);
    assert.equal(read(at('user/src/lib.rs')), lib('pub use kp::x;'));
  });

  it('uses the [lib] name in the use path and the package name as the dependency key', async () => {
    const { dir, at } = fixture(
      file('keeper/Cargo.toml', packageToml('keeper-pkg') + '\n[lib]\nname = "keeper_lib"\n') +
        file('keeper/src/lib.rs', 'pub mod x;') +
        file('keeper/src/x.rs', rustModule('x')) +
        file('user/Cargo.toml', packageToml('user')) +
        file('user/src/lib.rs', userLib('pub mod x;')) +
        file('user/src/x.rs', rustModule('x')),
    );
    const { fix } = await fixAndBuild(dir, 'user/src/x.rs', ['keeper/Cargo.toml', 'user/Cargo.toml']);
    assert.equal(fix.title, 'Replace with re-export from keeper-pkg');
    assert.equal(read(at('user/src/lib.rs')), userLib('pub use keeper_lib::x;'));
    assert.equal(read(at('user/Cargo.toml')), packageToml('user') + '\n[dependencies]\nkeeper-pkg = { path = "../keeper" }\n');
  });

  it('replaces a near-duplicate whose copy names the keeper\'s crate where the keeper says crate::', async () => {
    // The safe direction: py already depends on ext and writes ext::expr
    // where ext writes crate::expr, so both name the same PyExpr and py may
    // keep passing it to udf_name after the re-export.
    const udf = (root: string) => `use ${root}::expr::PyExpr;
use std::collections::HashMap;

pub fn udf_name(_expr: &PyExpr) -> &'static str {
    "udf"
}

pub fn udf_count(words: &[&str]) -> HashMap<String, usize> {
    let mut counts = HashMap::new();
    for word in words {
        *counts.entry(word.to_string()).or_insert(0) += 1;
    }
    counts
}
`;
    const pyLib = (declaration: string) => `${declaration}\n\npub fn run() -> &'static str {\n    udf::udf_name(&ext::expr::PyExpr)\n}\n`;
    const { dir, at } = fixture(
      file('ext/Cargo.toml', packageToml('ext')) +
        file('ext/src/lib.rs', 'pub mod expr;\npub mod udf;') +
        file('ext/src/expr.rs', 'pub struct PyExpr;') +
        file('ext/src/udf.rs', udf('crate')) +
        file('py/Cargo.toml', packageToml('py') + '\n[dependencies]\next = { path = "../ext" }\n') +
        file('py/src/lib.rs', pyLib('pub mod udf;')) +
        file('py/src/udf.rs', udf('ext')),
    );
    const { finding, fix } = await fixAndBuild(dir, 'py/src/udf.rs', ['ext/Cargo.toml', 'py/Cargo.toml']);
    assert.equal(finding.code, 'near-duplicate-file');
    assert.deepEqual(fix.changes.filter((c) => c.kind === 'edit').map((c) => path.relative(dir, (c as { file: string }).file)), ['py/src/lib.rs'], 'the dependency is there already');
    assert.equal(read(at('py/src/lib.rs')), pyLib('pub use ext::udf;'));
  });

  // The plan's udf_builtin.rs: the copy matches once its `crate::expr` reads
  // as `py::expr`, but the keeper's `py` is another crate (vendor/py 0.9.0,
  // as the registry's datafusion-python is in the plan), so a re-export would
  // swap py's PyExpr for that one's and py's own call
  // `udf::udf_name(&expr::PyExpr)` would no longer type-check (E0308).
  it('refuses a near-duplicate whose use path names another crate than the copy\'s own', async () => {
    const udf = (root: string) => `use ${root}::expr::PyExpr;
use std::collections::HashMap;

pub fn udf_name(_expr: &PyExpr) -> &'static str {
    "udf"
}

pub fn udf_count(words: &[&str]) -> HashMap<String, usize> {
    let mut counts = HashMap::new();
    for word in words {
        *counts.entry(word.to_string()).or_insert(0) += 1;
    }
    counts
}
`;
    const text =
      file('ext/Cargo.toml', packageToml('ext') + '\n[dependencies]\npy = { path = "../vendor/py" }\n') +
        file('ext/src/lib.rs', 'pub mod udf;') +
        file('ext/src/udf.rs', udf('py')) +
        file('plugin/Cargo.toml', packageToml('plugin') + '\n[dependencies]\next = { path = "../ext" }\n') +
        file('plugin/src/lib.rs', 'pub fn run() -> usize {\n    ext::udf::udf_count(&["a"]).len()\n}') +
        file('py/Cargo.toml', packageToml('py', '0.1.0')) +
        file('py/src/lib.rs', 'pub mod expr;\npub mod udf;\n\npub fn run() -> &\'static str {\n    udf::udf_name(&expr::PyExpr)\n}\n') +
        file('py/src/expr.rs', 'pub struct PyExpr;') +
        file('py/src/udf.rs', udf('crate')) +
        file('vendor/py/Cargo.toml', packageToml('py', '0.9.0')) +
        file('vendor/py/src/lib.rs', 'pub mod expr;') +
        file('vendor/py/src/expr.rs', 'pub struct PyExpr;');
    const { dir, at } = fixture(text);
    cargo.check(at('py/Cargo.toml'));
    const index = await indexOf(dir);
    const finding = copyFinding(index, at('py/src/udf.rs'));
    assert.equal(finding.code, 'near-duplicate-file');
    const [fix] = fixesFor(index, finding);
    assert.match(fix.refused ?? '', /read as py::, which in ext names a dependency, not py/);
    assert.deepEqual(fix.changes, []);
    // By hand: py's udf::udf_name now wants vendor/py's PyExpr, and py passes its own.
    naiveFails(text, 'py/src/udf.rs', 'ext', 'py/Cargo.toml', /error\[E0308\]: mismatched types[^]*udf::udf_name\(&expr::PyExpr\)/);
  });

  // An identical copy whose `crate::expr` names a module of its own crate
  // (expr.rs here is too small to be a copy, and is not re-exported): after a
  // re-export the module's `crate::expr` would be keeper's, and user's
  // `x::name(&expr::Expr)` would no longer type-check (E0308).
  it('refuses an identical copy whose crate:: paths name modules its crate keeps', async () => {
    const x = `use crate::expr::Expr;
use std::collections::HashMap;

pub fn name(_expr: &Expr) -> &'static str {
    "x"
}

pub fn x_count(words: &[&str]) -> HashMap<String, usize> {
    let mut counts = HashMap::new();
    for word in words {
        *counts.entry(word.to_string()).or_insert(0) += 1;
    }
    counts
}
`;
    const text =
      file('keeper/Cargo.toml', packageToml('keeper')) +
        file('keeper/src/lib.rs', 'pub mod expr;\npub mod x;') +
        file('keeper/src/expr.rs', 'pub struct Expr;') +
        file('keeper/src/x.rs', x) +
        file('user/Cargo.toml', packageToml('user')) +
        file('user/src/lib.rs', 'pub mod expr;\npub mod x;\n\npub fn run() -> &\'static str {\n    x::name(&expr::Expr)\n}\n') +
        file('user/src/expr.rs', 'pub struct Expr;') +
        file('user/src/x.rs', x);
    const { dir, at } = fixture(text);
    cargo.check(at('user/Cargo.toml'));
    const index = await indexOf(dir);
    const finding = copyFinding(index, at('user/src/x.rs'));
    assert.equal(finding.code, 'duplicate-file');
    const [fix] = fixesFor(index, finding);
    assert.match(fix.refused ?? '', /uses crate::expr, which is user's own module/);
    // By hand: keeper's x::name wants keeper's Expr, and user passes its own.
    naiveFails(text, 'user/src/x.rs', 'keeper', 'user/Cargo.toml', /error\[E0308\]: mismatched types[^]*x::name\(&expr::Expr\)/);
  });

  it('keeps the indentation of a declaration inside an inline module', async () => {
    const lib = (declaration: string) => `pub mod outer {\n    /// Counting.\n    ${declaration}\n}\n\npub fn total() -> i64 {\n    outer::x::x_total(&[1])\n}\n`;
    const { dir, at } = fixture(
      keeper() +
        file('user/Cargo.toml', packageToml('user')) +
        file('user/src/lib.rs', lib('pub mod x;')) +
        file('user/src/outer/x.rs', rustModule('x')),
    );
    await fixAndBuild(dir, 'user/src/outer/x.rs', ['user/Cargo.toml']);
    assert.equal(read(at('user/src/lib.rs')), lib('pub use keeper::x;'));
  });

  it('re-exports under the copy\'s own name when the module is called differently there', async () => {
    const { dir, at } = fixture(
      keeper() +
        file('user/Cargo.toml', packageToml('user')) +
        file('user/src/lib.rs', userLib('pub mod counting;', 'counting::x_total')) +
        file('user/src/counting.rs', rustModule('x')),
    );
    await fixAndBuild(dir, 'user/src/counting.rs', ['user/Cargo.toml']);
    assert.equal(read(at('user/src/lib.rs')), userLib('pub use keeper::x as counting;', 'counting::x_total'));
  });

  it('replaces a copy in a binary target', async () => {
    const main = (declaration: string) => `${declaration}\n\nfn main() {\n    println!("{}", x::x_total(&[1, 2]));\n}\n`;
    const { dir, at } = fixture(
      keeper() + file('user/Cargo.toml', packageToml('user')) + file('user/src/main.rs', main('mod x;')) + file('user/src/x.rs', rustModule('x')),
    );
    await fixAndBuild(dir, 'user/src/x.rs', ['user/Cargo.toml']);
    assert.equal(read(at('user/src/main.rs')), main('use keeper::x;'));
    assert.equal(read(at('user/Cargo.toml')), packageToml('user') + '\n[dependencies]\nkeeper = { path = "../keeper" }\n');
  });

  it('leaves the manifest alone when the dependency is there, and uses its key when it is renamed', async () => {
    const manifest = packageToml('user') + '\n[dependencies]\nkp = { package = "keeper", path = "../keeper" }\n';
    const lib = (declaration: string) => `${declaration}\n\npub fn total() -> i64 {\n    x::x_total(&[1]) + kp::x::x_total(&[2])\n}\n`;
    const { dir, at } = fixture(
      keeper() + file('user/Cargo.toml', manifest) + file('user/src/lib.rs', lib('pub mod x;')) + file('user/src/x.rs', rustModule('x')),
    );
    const { fix } = await fixAndBuild(dir, 'user/src/x.rs', ['user/Cargo.toml']);
    assert.equal(fix.changes.some((c) => 'file' in c && c.file.endsWith('Cargo.toml')), false);
    assert.equal(read(at('user/Cargo.toml')), manifest);
    assert.equal(read(at('user/src/lib.rs')), lib('pub use kp::x;'));
  });

  it('adds an inline entry in name order among sorted ones, and at the end of unsorted ones', async () => {
    const others = file('alpha/Cargo.toml', packageToml('alpha')) + file('alpha/src/lib.rs', '') + file('zeta/Cargo.toml', packageToml('zeta')) + file('zeta/src/lib.rs', '');
    const copy = file('user/src/lib.rs', userLib('pub mod x;')) + file('user/src/x.rs', rustModule('x'));
    const sorted = packageToml('user') + '\n[dependencies]\nalpha = { path = "../alpha" }   # first\nzeta = { path = "../zeta" }\n\n[features]\ndefault = []\n';
    const one = fixture(keeper() + others + file('user/Cargo.toml', sorted) + copy);
    await fixAndBuild(one.dir, 'user/src/x.rs', ['user/Cargo.toml']);
    assert.equal(read(one.at('user/Cargo.toml')), sorted.replace('zeta =', 'keeper = { path = "../keeper" }\nzeta ='));

    const unsorted = packageToml('user') + '\n[dependencies]\nzeta = { path = "../zeta" }\nalpha = { path = "../alpha" }\n\n[features]\ndefault = []\n';
    const two = fixture(keeper() + others + file('user/Cargo.toml', unsorted) + copy);
    await fixAndBuild(two.dir, 'user/src/x.rs', ['user/Cargo.toml']);
    assert.equal(read(two.at('user/Cargo.toml')), unsorted.replace('alpha = { path = "../alpha" }\n', 'alpha = { path = "../alpha" }\nkeeper = { path = "../keeper" }\n'));
  });

  it('makes a private inline module around the authoritative module pub', async () => {
    const keeperLib = (vis: string, inner: string) => `${vis}mod a {\n    ${inner} x;\n}\n\npub fn keep() -> i64 {\n    a::x::x_total(&[4])\n}\n`;
    const { dir, at } = fixture(
      file('keeper/Cargo.toml', packageToml('keeper')) +
        file('keeper/src/lib.rs', keeperLib('', 'pub(crate) mod')) +
        file('keeper/src/a/x.rs', rustModule('x')) +
        file('user/Cargo.toml', packageToml('user')) +
        file('user/src/lib.rs', userLib('pub mod x;')) +
        file('user/src/x.rs', rustModule('x')),
    );
    const { fix } = await fixAndBuild(dir, 'user/src/x.rs', ['keeper/Cargo.toml', 'user/Cargo.toml']);
    assert.match(fix.title, /make keeper::a::x public/);
    assert.equal(read(at('keeper/src/lib.rs')), keeperLib('pub ', 'pub mod'));
    assert.equal(read(at('user/src/lib.rs')), userLib('pub use keeper::a::x;'));
  });

  it('refuses a copy declared with #[macro_use] whose macros the crate uses after it', async () => {
    const withMacro = `${rustModule('x')}\nmacro_rules! doubled {\n    ($e:expr) => {\n        $e * 2\n    };\n}\n\npub fn four() -> i64 {\n    doubled!(2)\n}\n`;
    const text =
      file('keeper/Cargo.toml', packageToml('keeper')) + file('keeper/src/lib.rs', 'pub mod x;') + file('keeper/src/x.rs', withMacro) +
      file('user/Cargo.toml', packageToml('user')) +
      file('user/src/lib.rs', userLib('#[macro_use]\npub mod x;') + '\npub fn six() -> i64 {\n    doubled!(3)\n}\n') +
      file('user/src/x.rs', withMacro);
    const { dir, at } = fixture(text);
    cargo.check(at('user/Cargo.toml'));
    const index = await indexOf(dir);
    const [fix] = fixesFor(index, copyFinding(index, at('user/src/x.rs')));
    assert.match(fix.refused ?? '', /#\[macro_use\] and defines doubled!/);
    assert.deepEqual(fix.changes, []);
    naiveFails(text, 'user/src/x.rs', 'keeper', 'user/Cargo.toml', /cannot find macro `doubled`/);
  });

  it('re-exports a copy declared with #[macro_use] that defines no macro, leaving the attribute out, and builds', async () => {
    const { dir, at } = fixture(
      keeper() + file('user/Cargo.toml', packageToml('user')) + file('user/src/lib.rs', userLib('#[macro_use]\npub mod x;')) + file('user/src/x.rs', rustModule('x')),
    );
    await fixAndBuild(dir, 'user/src/x.rs', ['keeper/Cargo.toml', 'user/Cargo.toml']);
    assert.equal(read(at('user/src/lib.rs')), userLib('pub use keeper::x;'));
  });

  it('refuses to delete a copy edited since it was indexed', async () => {
    const { dir, at } = fixture(keeper() + file('user/Cargo.toml', packageToml('user')) + file('user/src/lib.rs', userLib('pub mod x;')) + file('user/src/x.rs', rustModule('x')));
    const index = await indexOf(dir);
    const finding = copyFinding(index, at('user/src/x.rs'));
    fs.appendFileSync(at('user/src/x.rs'), '\npub fn kept_by_the_user() {}\n');
    const [fix] = fixesFor(index, finding);
    assert.match(fix.refused ?? '', /user\/src\/x\.rs changed since it was indexed/);
    assert.deepEqual(fix.changes, []);
  });

  it('is not refused for a dev-dependency cycle, which cargo allows, and builds', async () => {
    const { dir } = fixture(
      file('keeper/Cargo.toml', packageToml('keeper') + '\n[dev-dependencies]\nuser = { path = "../user" }\n') +
        file('keeper/src/lib.rs', 'pub mod x;') +
        file('keeper/src/x.rs', rustModule('x')) +
        file('user/Cargo.toml', packageToml('user')) +
        file('user/src/lib.rs', userLib('pub mod x;')) +
        file('user/src/x.rs', rustModule('x')),
    );
    await fixAndBuild(dir, 'user/src/x.rs', ['keeper/Cargo.toml', 'user/Cargo.toml'], { authoritativeCrates: ['keeper'] });
  });

  describe('several copies in one crate, fixed as one change set', () => {
    const lib = `pub mod x;\npub mod y;\n\npub fn total() -> i64 {\n    x::x_total(&[1]) + y::y_total(&[2])\n}\n`;
    const fixed = (x: string, y: string) => lib.replace('pub mod x;', x).replace('pub mod y;', y);

    async function fixAll(dir: string): Promise<void> {
      const index = await indexOf(dir);
      const fixes = index.allFindings().filter((f) => COPY_CODES.has(f.code)).flatMap((f) => fixesFor(index, f));
      assert.equal(fixes.length, 2);
      const { changes, merged, conflicting } = mergeFixes(fixes);
      assert.equal(merged.length, 2);
      assert.deepEqual(conflicting, []);
      applyChanges(changes);
    }

    it('adds the shared dependency once', async () => {
      const { dir, at } = fixture(
        file('keeper/Cargo.toml', packageToml('keeper')) +
          file('keeper/src/lib.rs', 'pub mod x;\npub mod y;') +
          file('keeper/src/x.rs', rustModule('x')) +
          file('keeper/src/y.rs', rustModule('y')) +
          file('user/Cargo.toml', packageToml('user')) +
          file('user/src/lib.rs', lib) +
          file('user/src/x.rs', rustModule('x')) +
          file('user/src/y.rs', rustModule('y')),
      );
      cargo.check(at('user/Cargo.toml'));
      await fixAll(dir);
      cargo.check(at('user/Cargo.toml'));
      assert.equal(read(at('user/src/lib.rs')), fixed('pub use keeper::x;', 'pub use keeper::y;'));
      assert.equal(read(at('user/Cargo.toml')), packageToml('user') + '\n[dependencies]\nkeeper = { path = "../keeper" }\n');
    });

    it('adds dependencies on two crates into one [dependencies] table', async () => {
      const { dir, at } = fixture(
        file('keeper/Cargo.toml', packageToml('keeper')) +
          file('keeper/src/lib.rs', 'pub mod x;') +
          file('keeper/src/x.rs', rustModule('x')) +
          file('other/Cargo.toml', packageToml('other')) +
          file('other/src/lib.rs', 'pub mod y;') +
          file('other/src/y.rs', rustModule('y')) +
          file('user/Cargo.toml', packageToml('user')) +
          file('user/src/lib.rs', lib) +
          file('user/src/x.rs', rustModule('x')) +
          file('user/src/y.rs', rustModule('y')),
      );
      cargo.check(at('user/Cargo.toml'));
      await fixAll(dir);
      cargo.check(at('user/Cargo.toml'));
      assert.equal(read(at('user/src/lib.rs')), fixed('pub use keeper::x;', 'pub use other::y;'));
    });
  });

  it('refuses, with the cycle in the reason, when the keeper already depends on the copy\'s crate', async () => {
    // keeper → middle → user: user depending on keeper would close a cycle.
    // keeper is pinned, as a user would, since user has more dependents.
    const text =
      file('keeper/Cargo.toml', packageToml('keeper') + '\n[dependencies]\nmiddle = { path = "../middle" }\n') +
        file('keeper/src/lib.rs', 'pub mod x;\n\npub fn chain() -> i64 {\n    middle::total()\n}\n') +
        file('keeper/src/x.rs', rustModule('x')) +
        file('middle/Cargo.toml', packageToml('middle') + '\n[dependencies]\nuser = { path = "../user" }\n') +
        file('middle/src/lib.rs', 'pub fn total() -> i64 {\n    user::total()\n}\n') +
        file('user/Cargo.toml', packageToml('user')) +
        file('user/src/lib.rs', userLib('pub mod x;')) +
        file('user/src/x.rs', rustModule('x'));
    const { dir, at } = fixture(text);
    cargo.check(at('keeper/Cargo.toml'));
    const before = treeHash(dir);
    const index = await indexOf(dir, { authoritativeCrates: ['keeper'] });
    const finding = copyFinding(index, at('user/src/x.rs'));
    const [fix] = fixesFor(index, finding);
    assert.deepEqual(fix.changes, []);
    assert.ok(fix.refused, 'the fix is refused');
    assert.match(fix.refused, /cycle/);
    assert.match(fix.refused, /keeper → middle → user/);
    assert.deepEqual(finding.fixes, [], 'a refused fix is not announced');

    // The CLI reports the same refusal and writes nothing.
    const cli = spawnSync(process.execPath, [path.join(repoRoot, 'dist', 'cli.js'), 'fix', dir, '--authoritative', 'keeper'], { encoding: 'utf8' });
    assert.equal(cli.status, 1, cli.stderr);
    assert.match(cli.stdout, /^refused user\/src\/x\.rs: Replace with re-export from keeper: .*cycle/m);
    assert.equal(treeHash(dir), before);
    cargo.check(at('keeper/Cargo.toml'));
    // By hand: user's new dependency on keeper closes the cycle, which cargo rejects.
    naiveFails(text, 'user/src/x.rs', 'keeper', 'user/Cargo.toml', /cyclic package dependency: package `keeper v0\.1\.0/);
  });

  it('adds a [dependencies.keeper] table, in name order, to a cargo-normalised manifest', async () => {
    const normalised = `# THIS FILE IS AUTOMATICALLY GENERATED BY CARGO
#
# See Cargo.toml.orig for the original contents.

[package]
edition = "2021"
name = "user"
version = "0.1.0"
build = false

[lib]
name = "user"
path = "src/lib.rs"

[dependencies.alpha]
path = "../alpha"

[dependencies.zeta]
path = "../zeta"
`;
    const { dir, at } = fixture(
      keeper() +
        file('alpha/Cargo.toml', packageToml('alpha')) +
        file('alpha/src/lib.rs', 'pub fn one() -> i64 {\n    1\n}') +
        file('zeta/Cargo.toml', packageToml('zeta')) +
        file('zeta/src/lib.rs', 'pub fn two() -> i64 {\n    2\n}') +
        file('user/Cargo.toml', normalised) +
        file('user/src/lib.rs', userLib('pub mod x;')) +
        file('user/src/x.rs', rustModule('x')),
    );
    await fixAndBuild(dir, 'user/src/x.rs', ['user/Cargo.toml']);
    assert.equal(
      read(at('user/Cargo.toml')),
      normalised.replace('[dependencies.zeta]', '[dependencies.keeper]\npath = "../keeper"\n\n[dependencies.zeta]'),
    );
  });
});
