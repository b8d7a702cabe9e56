// Workspace discovery and the crate graph: which crates there are, their
// targets, and where their dependencies point.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { WorkspaceIndex } from '../../server/src/core/index';
import { silentLog } from '../../server/src/core/model';
import type { AnalysisOptions } from '../../server/src/core/model';
import { RustParser } from '../../server/src/core/source/rust';
import { discoverFiles } from '../../server/src/core/cargo/workspace';
import type { Crate } from '../../server/src/core/cargo/workspace';
import { removeFixture, rustModule, WHOLE_FILE_OPTIONS, writeFixture } from '../support/fixture';

const pkg = (name: string, extra = '') => `[package]\nname = "${name}"\nversion = "0.1.0"\nedition = "2021"\n${extra}`;

describe('workspace discovery and the crate graph', () => {
  let parser: RustParser;
  const dirs: string[] = [];
  before(async () => {
    parser = await RustParser.load();
  });
  after(() => dirs.forEach(removeFixture));

  async function index(fixture: string, options: Partial<AnalysisOptions> = {}) {
    const dir = writeFixture(fixture);
    dirs.push(dir);
    const idx = new WorkspaceIndex([dir], { ...WHOLE_FILE_OPTIONS, ...options }, parser, silentLog);
    await idx.build();
    const crate = (name: string): Crate => {
      const found = idx.graph.crates.filter((c) => c.name === name);
      assert.equal(found.length, 1, `one crate named ${name}`);
      return found[0];
    };
    return { dir, idx, crate, at: (relative: string) => path.join(dir, relative) };
  }

  it('finds crates at any depth when there is no root manifest', async () => {
    const { idx, crate, at } = await index(`
//- top/Cargo.toml
${pkg('top')}
//- top/src/lib.rs
pub fn top() {}
//- deep/er/still/nested/Cargo.toml
${pkg('nested')}
//- deep/er/still/nested/src/lib.rs
pub fn nested() {}
`);
    assert.deepEqual(
      idx.graph.crates.map((c) => c.name),
      ['nested', 'top'],
    );
    assert.equal(crate('nested').dir, at('deep/er/still/nested'));
    assert.equal(crate('nested').manifest, at('deep/er/still/nested/Cargo.toml'));
    assert.equal(idx.graph.crateOf(at('deep/er/still/nested/src/lib.rs')), crate('nested'));
  });

  it('finds the members of a virtual workspace and a root package beside them', async () => {
    const { idx, crate, at } = await index(`
//- Cargo.toml
${pkg('root-app')}
[workspace]
members = ["crates/*"]
//- src/main.rs
fn main() {}
//- crates/one/Cargo.toml
${pkg('one')}
//- crates/one/src/lib.rs
pub fn one() {}
//- crates/two/Cargo.toml
${pkg('two')}
//- crates/two/src/lib.rs
pub fn two() {}
`);
    assert.deepEqual(
      idx.graph.crates.map((c) => c.name),
      ['one', 'root-app', 'two'],
    );
    // A member's file belongs to the member, not to the root package above it.
    assert.equal(idx.graph.crateOf(at('crates/one/src/lib.rs')), crate('one'));
    assert.equal(idx.graph.crateOf(at('src/main.rs')), crate('root-app'));
  });

  it('skips target/, .git/ and node_modules/ at any depth, and the exclude globs', async () => {
    const fixture = `
//- app/Cargo.toml
${pkg('app')}
//- app/src/lib.rs
pub mod copy;
//- app/src/copy.rs
${rustModule('shared')}//- app/target/package/app-0.1.0/Cargo.toml
${pkg('packaged')}
//- app/target/package/app-0.1.0/src/lib.rs
${rustModule('shared')}//- .git/modules/x/Cargo.toml
${pkg('in-git')}
//- .git/modules/x/src/lib.rs
${rustModule('shared')}//- web/node_modules/napi/Cargo.toml
${pkg('in-node-modules')}
//- web/node_modules/napi/src/lib.rs
${rustModule('shared')}//- vendor/third/Cargo.toml
${pkg('vendored')}
//- vendor/third/src/lib.rs
${rustModule('shared')}`;
    const { dir, idx, at } = await index(fixture, { exclude: ['vendor/**'] });
    assert.deepEqual(
      idx.graph.crates.map((c) => c.name),
      ['app'],
    );
    assert.deepEqual(discoverFiles(dir, ['vendor/**']).manifests, [at('app/Cargo.toml')]);
    assert.deepEqual(discoverFiles(dir, ['vendor/**']).sources.sort(), [at('app/src/copy.rs'), at('app/src/lib.rs')]);
    // Without the setting, only the vendor folder comes back: the three others are always skipped.
    assert.deepEqual(discoverFiles(dir, []).manifests.sort(), [at('app/Cargo.toml'), at('vendor/third/Cargo.toml')]);
    assert.deepEqual(idx.allFindings(), []);
    assert.equal(idx.factsOf(at('app/target/package/app-0.1.0/src/lib.rs')), undefined);
    assert.equal(idx.covers(at('app/target/debug/build.rs')), false);
    assert.equal(idx.covers(at('vendor/third/src/lib.rs')), false);
    assert.equal(idx.covers(at('app/src/copy.rs')), true);
  });

  it('leaves out a crate that `[workspace] exclude` names, and reports nothing on its files', async () => {
    const { idx, at } = await index(`
//- Cargo.toml
[workspace]
members = ["member"]
exclude = ["vendor/foo"]
//- member/Cargo.toml
${pkg('member')}
//- member/src/lib.rs
pub mod x;
//- member/src/x.rs
${rustModule('x')}//- vendor/foo/Cargo.toml
${pkg('foo')}
//- vendor/foo/src/lib.rs
pub mod x;
//- vendor/foo/src/x.rs
${rustModule('x')}`);
    assert.deepEqual(
      idx.graph.crates.map((c) => c.name),
      ['member'],
    );
    assert.deepEqual(idx.graph.excludedDirs, [at('vendor/foo')]);
    assert.equal(idx.graph.crateOf(at('vendor/foo/src/x.rs')), undefined);
    assert.deepEqual(idx.allFindings(), []);
  });

  it('keeps an excluded folder that holds a workspace of its own', async () => {
    const { idx } = await index(`
//- Cargo.toml
[workspace]
members = ["member"]
exclude = ["library/stdarch"]
//- member/Cargo.toml
${pkg('member')}
//- member/src/lib.rs
pub mod x;
//- member/src/x.rs
${rustModule('x')}//- library/stdarch/Cargo.toml
[workspace]
members = ["crates/core_arch"]
//- library/stdarch/crates/core_arch/Cargo.toml
${pkg('core_arch')}
//- library/stdarch/crates/core_arch/src/lib.rs
pub mod x;
//- library/stdarch/crates/core_arch/src/x.rs
${rustModule('x')}`);
    assert.deepEqual(
      idx.graph.crates.map((c) => c.name),
      ['core_arch', 'member'],
    );
    assert.deepEqual(idx.graph.excludedDirs, []);
    assert.deepEqual(
      idx.allFindings().map((f) => `${f.code} ${idx.display(f.file)}`),
      ['duplicate-file member/src/x.rs'],
    );
  });

it('leaves out an excluded crate when the workspace root is also a package', async () => {
    const { idx, crate, at } = await index(`
//- Cargo.toml
${pkg('root')}
[workspace]
members = ["member"]
exclude = ["vendor/foo"]
//- src/lib.rs
pub fn root() {}
//- member/Cargo.toml
${pkg('member')}
//- member/src/lib.rs
pub mod x;
//- member/src/x.rs
${rustModule('x')}//- vendor/foo/Cargo.toml
${pkg('foo')}
//- vendor/foo/src/lib.rs
pub mod x;
//- vendor/foo/src/x.rs
${rustModule('x')}`);
    assert.deepEqual(
      idx.graph.crates.map((c) => c.name),
      ['member', 'root'],
    );
    assert.ok(crate('root'));
    assert.equal(idx.graph.crateOf(at('vendor/foo/src/x.rs')), undefined);
    assert.deepEqual(
      idx.allFindings().map((f) => idx.display(f.file)),
      [],
    );
  });

  it('names the library from the package name with - as _, or from `[lib] name`', async () => {
    const { crate } = await index(`
//- a/Cargo.toml
${pkg('my-crate')}
//- a/src/lib.rs
pub fn a() {}
//- b/Cargo.toml
${pkg('datafusion-python')}
[lib]
name = "datafusion_python_lib"
//- b/src/lib.rs
pub fn b() {}
`);
    assert.equal(crate('my-crate').libName, 'my_crate');
    assert.equal(crate('datafusion-python').libName, 'datafusion_python_lib');
  });

  it("finds cargo's conventional targets: src/lib.rs, src/main.rs, src/bin/*.rs, src/bin/*/main.rs, build.rs", async () => {
    const { crate, at } = await index(`
//- tool/Cargo.toml
${pkg('tool')}
//- tool/build.rs
fn main() {}
//- tool/src/lib.rs
pub fn lib() {}
//- tool/src/main.rs
fn main() {}
//- tool/src/bin/extra.rs
fn main() {}
//- tool/src/bin/multi/main.rs
mod helper;
fn main() {}
//- tool/src/bin/multi/helper.rs
pub fn help() {}
//- tool/src/helper.rs
pub fn not_a_target() {}
`);
    assert.deepEqual(
      crate('tool').targets.map((t) => [t.kind, path.relative(at('tool'), t.root)]),
      [
        ['lib', 'src/lib.rs'],
        ['bin', 'src/main.rs'],
        ['bin', 'src/bin/extra.rs'],
        ['bin', 'src/bin/multi/main.rs'],
        ['build', 'build.rs'],
      ],
    );
  });

  it('finds targets a manifest names: `[lib] path`, `[[bin]] path`, and none for a crate without sources', async () => {
    const { crate, at } = await index(`
//- odd/Cargo.toml
${pkg('odd', 'autobins = false\nbuild = false\n')}
[lib]
path = "lib/root.rs"

[[bin]]
name = "cli"
path = "tools/cli.rs"

[[bin]]
name = "named"
//- odd/lib/root.rs
pub fn root() {}
//- odd/tools/cli.rs
fn main() {}
//- odd/src/bin/named.rs
fn main() {}
//- odd/src/main.rs
fn main() {}
//- odd/build.rs
fn main() {}
//- empty/Cargo.toml
${pkg('empty')}
`);
    // autobins = false: src/main.rs is not a target; build = false: neither is build.rs.
    assert.deepEqual(
      crate('odd').targets.map((t) => [t.kind, path.relative(at('odd'), t.root)]),
      [
        ['lib', 'lib/root.rs'],
        ['bin', 'tools/cli.rs'],
        ['bin', 'src/bin/named.rs'],
      ],
    );
    assert.deepEqual(crate('empty').targets, []);
  });

  it('resolves dependency sources: path, registry, git, and workspace-inherited against the root', async () => {
    const { idx, crate, at } = await index(`
//- Cargo.toml
[workspace]
members = ["app", "crates/*"]

[workspace.dependencies]
shared = { path = "crates/shared" }
serde = "1"
//- app/Cargo.toml
${pkg('app')}
[dependencies]
helper = { path = "../crates/helper" }
shared = { workspace = true }
serde = { workspace = true }
anyhow = "1"
remote = { git = "https://example.com/remote.git" }

[dev-dependencies]
outside = { path = "../../nowhere" }
//- app/src/lib.rs
pub fn app() {}
//- crates/helper/Cargo.toml
${pkg('helper')}
//- crates/helper/src/lib.rs
pub fn helper() {}
//- crates/shared/Cargo.toml
${pkg('shared')}
//- crates/shared/src/lib.rs
pub fn shared() {}
`);
    const app = crate('app');
    const deps = idx.graph.dependencies.filter((d) => d.from === app);
    const summary = deps.map((d) => ({
      name: d.entry.name,
      kind: d.entry.kind,
      source: d.source,
      path: d.path,
      to: d.to?.name,
    }));
    assert.deepEqual(summary, [
      { name: 'helper', kind: 'normal', source: 'path', path: at('crates/helper'), to: 'helper' },
      { name: 'shared', kind: 'normal', source: 'path', path: at('crates/shared'), to: 'shared' },
      { name: 'serde', kind: 'normal', source: 'registry', path: undefined, to: undefined },
      { name: 'anyhow', kind: 'normal', source: 'registry', path: undefined, to: undefined },
      { name: 'remote', kind: 'normal', source: 'git', path: undefined, to: undefined },
      // A path that is no local crate: still a path dependency, to nothing.
      { name: 'outside', kind: 'dev', source: 'path', path: path.resolve(at(''), '../nowhere'), to: undefined },
    ]);
    // The root's declarations are not dependencies of any crate.
    assert.equal(idx.graph.dependencies.some((d) => d.entry.declaredForWorkspace), false);
    assert.deepEqual([...idx.graph.dependentsOf(crate('shared'))].map((c) => c.name), ['app']);
    assert.deepEqual([...idx.graph.dependentsOf(crate('helper'))].map((c) => c.name), ['app']);
    assert.deepEqual([...idx.graph.dependentsOf(app)], []);
  });

  it('marks crates packaged by cargo as vendored: a normalised manifest, or a .cargo_vcs_info.json or .cargo-checksum.json beside it', async () => {
    const { crate } = await index(`
//- normalised/Cargo.toml
# THIS FILE IS AUTOMATICALLY @generated BY CARGO
#
# When uploading crates to the registry Cargo will automatically
# "normalize" Cargo.toml files for maximal compatibility

${pkg('normalised')}
//- normalised/src/lib.rs
pub fn a() {}
//- packaged/Cargo.toml
${pkg('packaged')}
//- packaged/.cargo_vcs_info.json
{ "git": { "sha1": "0000000000000000000000000000000000000000" }, "path_in_vcs": "" }
//- packaged/src/lib.rs
pub fn b() {}
//- checksummed/Cargo.toml
${pkg('checksummed')}
//- checksummed/.cargo-checksum.json
{ "files": {}, "package": "0000" }
//- checksummed/src/lib.rs
pub fn d() {}
//- handwritten/Cargo.toml
${pkg('handwritten')}
//- handwritten/src/lib.rs
pub fn c() {}
`);
    assert.equal(crate('normalised').vendored, true);
    assert.equal(crate('packaged').vendored, true);
    assert.equal(crate('checksummed').vendored, true);
    assert.equal(crate('handwritten').vendored, false);
  });
});
