// parseManifest: every dependency form Cargo accepts, with the exact ranges
// diagnostics and fixes rely on (0-based lines, UTF-16 columns, as in LSP).
import * as assert from 'node:assert/strict';
import { parseManifest } from '../../server/src/core/cargo/manifest';
import type { DependencyEntry, Manifest } from '../../server/src/core/cargo/manifest';
import type { Range } from '../../server/src/core/model';

const range = (line: number, start: number, endLine: number, end: number): Range => ({
  start: { line, character: start },
  end: { line: endLine, character: end },
});

/** The range of `needle` on 0-based `line` of `text`, found by searching, so an expectation can be checked against the text. */
function rangeOfText(text: string, line: number, needle: string): Range {
  const character = text.split('\n')[line].indexOf(needle);
  assert.ok(character >= 0, `${needle} is not on line ${line}`);
  return range(line, character, line, character + needle.length);
}

function dependency(manifest: Manifest, name: string, kind = 'normal'): DependencyEntry {
  const found = manifest.dependencies.filter((d) => d.name === name && d.kind === kind);
  assert.equal(found.length, 1, `one ${kind} dependency named ${name}`);
  return found[0];
}

const FILE = '/ws/app/Cargo.toml';

// Line numbers (0-based) are written beside the lines the tests look at.
const APP = [
  '[package]', //                                                  0
  'name = "my-app"', //                                            1
  'version = "0.1.0"', //                                          2
  '', //                                                           3
  '[dependencies]', //                                             4
  'serde = "1.0"', //                                              5
  'foo = { package = "bar", version = "2" }', //                   6
  'shared = { workspace = true }', //                              7
  'gitdep = { git = "https://example.com/g.git", branch = "main" }', // 8
  'local = { path = "../local", version = "0.1", optional = true }', // 9
  '', //                                                           10
  '[dependencies.datafusion-python]', //                           11
  'version = "51.0.0"', //                                         12
  'features = ["a"]', //                                           13
  '', //                                                           14
  '# a comment after the table', //                                15
  '', //                                                           16
  "[target.'cfg(unix)'.dependencies]", //                          17
  'libc = "0.2"', //                                               18
  '', //                                                           19
  '[dev-dependencies]', //                                         20
  'pretty = { path = "../pretty" }', //                            21
  '', //                                                           22
  '[build-dependencies]', //                                       23
  'cc = "1.0"', //                                                 24
  '', //                                                           25
  '[lib]', //                                                      26
  'name = "app_core"', //                                          27
  'path = "src/core.rs"', //                                       28
  '', //                                                           29
  '[[bin]]', //                                                    30
  'name = "tool"', //                                              31
  'path = "tools/tool.rs"', //                                     32
  '', //                                                           33
  '[[bin]]', //                                                    34
  'name = "other"', //                                             35
  '', //                                                           36
].join('\n');

describe('parseManifest', () => {
  const manifest = parseManifest(FILE, APP);

  it('reads the package name and its key range', () => {
    assert.equal(manifest.error, undefined);
    assert.equal(manifest.file, FILE);
    assert.equal(manifest.package?.name, 'my-app');
    assert.deepEqual(manifest.package?.nameRange, range(1, 0, 1, 4));
  });

  it('reads an inline registry dependency with its key and entry ranges', () => {
    const serde = dependency(manifest, 'serde');
    assert.equal(serde.package, 'serde');
    assert.equal(serde.source, 'registry');
    assert.equal(serde.version, '1.0');
    assert.equal(serde.optional, false);
    assert.equal(serde.declaredForWorkspace, false);
    assert.equal(serde.ownTable, false);
    assert.equal(serde.target, undefined);
    assert.deepEqual(serde.keyRange, range(5, 0, 5, 5));
    assert.deepEqual(serde.entryRange, range(5, 0, 5, 13));
    assert.equal(APP.slice(...serde.entryOffsets), 'serde = "1.0"');
  });

  it('keeps the key as the name and `package` as the package of a renamed dependency', () => {
    const foo = dependency(manifest, 'foo');
    assert.equal(foo.name, 'foo');
    assert.equal(foo.package, 'bar');
    assert.equal(foo.version, '2');
    assert.equal(foo.source, 'registry');
    assert.deepEqual(foo.keyRange, range(6, 0, 6, 3));
    assert.equal(manifest.dependencies.some((d) => d.name === 'bar'), false);
  });

  it('marks `workspace = true` as inherited from the workspace', () => {
    const shared = dependency(manifest, 'shared');
    assert.equal(shared.source, 'workspace');
    assert.equal(shared.path, undefined);
    assert.equal(shared.declaredForWorkspace, false);
  });

  it('reads git dependencies', () => {
    const git = dependency(manifest, 'gitdep');
    assert.equal(git.source, 'git');
    assert.equal(git.git, 'https://example.com/g.git');
    assert.deepEqual(git.keyRange, range(8, 0, 8, 6));
  });

  it('prefers the path of a dependency that has both a path and a version, and reads `optional`', () => {
    const local = dependency(manifest, 'local');
    assert.equal(local.source, 'path');
    assert.equal(local.path, '../local');
    assert.equal(local.version, '0.1');
    assert.equal(local.optional, true);
  });

  it('puts the key range of a `[dependencies.x]` table on the `x` of its header and the entry range over the table', () => {
    const df = dependency(manifest, 'datafusion-python');
    assert.equal(df.ownTable, true);
    assert.equal(df.source, 'registry');
    assert.equal(df.version, '51.0.0');
    assert.deepEqual(df.keyRange, range(11, 14, 11, 31));
    assert.deepEqual(df.keyRange, rangeOfText(APP, 11, 'datafusion-python'));
    // From the `[` of the header to the end of the table's last key-value; the comment after it is not part of it.
    assert.deepEqual(df.entryRange, range(11, 0, 13, 16));
    assert.equal(
      APP.slice(...df.entryOffsets),
      '[dependencies.datafusion-python]\nversion = "51.0.0"\nfeatures = ["a"]',
    );
  });

  it('records the target of `[target.<cfg>.dependencies]`', () => {
    const libc = dependency(manifest, 'libc');
    assert.equal(libc.target, 'cfg(unix)');
    assert.equal(libc.kind, 'normal');
    assert.equal(libc.version, '0.2');
    assert.deepEqual(libc.keyRange, range(18, 0, 18, 4));
    // The same as its own table, with a target triple.
    const m = parseManifest(FILE, '[package]\nname = "a"\n\n[target.x86_64-pc-windows-msvc.build-dependencies.winres]\nversion = "0.1"\n');
    const winres = dependency(m, 'winres', 'build');
    assert.equal(winres.target, 'x86_64-pc-windows-msvc');
    assert.equal(winres.ownTable, true);
    assert.deepEqual(winres.keyRange, range(3, 50, 3, 56));
  });

  it('tells dev- and build-dependencies apart', () => {
    const pretty = dependency(manifest, 'pretty', 'dev');
    assert.equal(pretty.source, 'path');
    assert.equal(pretty.path, '../pretty');
    assert.deepEqual(pretty.keyRange, range(21, 0, 21, 6));
    const cc = dependency(manifest, 'cc', 'build');
    assert.equal(cc.source, 'registry');
    assert.deepEqual(cc.keyRange, range(24, 0, 24, 2));
    assert.deepEqual(
      manifest.dependencies.map((d) => `${d.kind}:${d.name}`).sort(),
      [
        'build:cc',
        'dev:pretty',
        'normal:datafusion-python',
        'normal:foo',
        'normal:gitdep',
        'normal:libc',
        'normal:local',
        'normal:serde',
        'normal:shared',
      ],
    );
  });

  it('reads dev-dependencies written as their own tables', () => {
    const m = parseManifest(FILE, '[package]\nname = "a"\n\n[dev-dependencies.helper]\npath = "../helper"\n');
    const helper = dependency(m, 'helper', 'dev');
    assert.equal(helper.ownTable, true);
    assert.equal(helper.source, 'path');
    assert.deepEqual(helper.keyRange, range(3, 18, 3, 24));
    assert.deepEqual(helper.entryRange, range(3, 0, 4, 18));
  });

  it('reads `[lib]` name and path and every `[[bin]]`', () => {
    assert.deepEqual(manifest.package?.lib, { name: 'app_core', path: 'src/core.rs' });
    assert.deepEqual(manifest.package?.bins, [{ name: 'tool', path: 'tools/tool.rs' }, { name: 'other', path: undefined }]);
    assert.equal(manifest.package?.autobins, true);
  });

  it('reads `autobins = false` and `build = false` as cargo-normalised manifests write them', () => {
    const m = parseManifest(FILE, '[package]\nname = "a"\nbuild = false\nautobins = false\n');
    assert.equal(m.package?.build, false);
    assert.equal(m.package?.autobins, false);
    assert.equal(m.package?.autotests, true);
  });

  it('reads `[workspace.dependencies]` as declarations for the workspace, not dependencies of a package', () => {
    const root = parseManifest(
      '/ws/Cargo.toml',
      '[workspace]\nmembers = ["app", "crates/*"]\nexclude = ["vendor"]\n\n[workspace.dependencies]\nshared = { path = "crates/shared" }\nserde = "1"\n',
    );
    assert.equal(root.package, undefined);
    assert.deepEqual(root.workspace, { members: ['app', 'crates/*'], exclude: ['vendor'] });
    const shared = dependency(root, 'shared');
    assert.equal(shared.declaredForWorkspace, true);
    assert.equal(shared.source, 'path');
    assert.equal(shared.path, 'crates/shared');
    assert.deepEqual(shared.keyRange, range(5, 0, 5, 6));
    assert.equal(dependency(root, 'serde').declaredForWorkspace, true);
  });

  it('reads `[patch.<registry>]` entries that point at a local path', () => {
    const m = parseManifest(
      '/ws/Cargo.toml',
      '[workspace]\n\n[patch.crates-io]\nlocal-lib = { path = "crates/local-lib" }\nremote = { git = "https://example.com/r.git" }\n',
    );
    assert.deepEqual([...m.patches], [['local-lib', 'crates/local-lib']]);
  });

  it('detects the header cargo writes into normalised manifests', () => {
    const header =
      '# THIS FILE IS AUTOMATICALLY @generated BY CARGO\n#\n# When uploading crates to the registry Cargo will automatically\n\n[package]\nname = "a"\n';
    assert.equal(parseManifest(FILE, header).normalised, true);
    assert.equal(parseManifest(FILE, header.replace('@generated', 'GENERATED')).normalised, true);
    assert.equal(parseManifest(FILE, '[package]\nname = "a"\n').normalised, false);
    // Mentioning the phrase further down, not as the header, is not the marker.
    assert.equal(parseManifest(FILE, '[package]\nname = "a"\ndescription = "THIS FILE IS AUTOMATICALLY @generated BY CARGO"\n').normalised, false);
  });

  it('gives a syntax error its message and the position of the offending character', () => {
    const text = '[package]\nname = "a"\nversion = "0.1.0" edition = "2021"\n\n[dependencies]\nserde = "1"\n';
    const m = parseManifest(FILE, text);
    assert.ok(m.error, 'an error');
    assert.match(m.error.message, /newline/i);
    // Line 2, just after `"0.1.0" `: the `e` of `edition`.
    assert.deepEqual(m.error.range.start, { line: 2, character: 18 });
    assert.equal(text.split('\n')[2].slice(m.error.range.start.character).startsWith('edition'), true);
    assert.equal(m.error.range.end.line, 2);
    assert.equal(m.package, undefined);
    assert.deepEqual(m.dependencies, []);
  });

  it('puts a key defined twice on the second definition', () => {
    const m = parseManifest(FILE, '[package]\nname = "a"\nversion = "1"\nname = "b"\n');
    assert.ok(m.error);
    assert.match(m.error.message, /multiple times/);
    assert.deepEqual(m.error.range.start, { line: 3, character: 0 });
  });

  it('counts columns in UTF-16 units, as LSP does', () => {
    // 😀 is two UTF-16 units: the stray `x` after the string is at column 12.
    const m = parseManifest(FILE, '[package]\nname = "😀" x\n');
    assert.ok(m.error);
    assert.deepEqual(m.error.range.start, { line: 1, character: 12 });
  });
});
