// Updates after a save, a delete, a new file, a manifest edit: each returns
// exactly the files whose findings changed, and leaves the index as a full
// rebuild would.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { WorkspaceIndex } from '../../server/src/core/index';
import { silentLog } from '../../server/src/core/model';
import { RustParser } from '../../server/src/core/source/rust';
import { removeFixture, rustCrate, rustModule, WHOLE_FILE_OPTIONS, writeFixture } from '../support/fixture';
import { checkedUpdate } from '../support/updates';

/** a holds x, y and z; b copies x and y; c is an unrelated crate. */
const WORKSPACE =
  rustCrate('a', 'a', { x: rustModule('x'), y: rustModule('y'), z: rustModule('z') }) +
  rustCrate('b', 'b', { x: rustModule('x'), y: rustModule('y') }) +
  rustCrate('c', 'c', { own: rustModule('own') });

describe('incremental updates', () => {
  let parser: RustParser;
  let dir: string;
  let index: WorkspaceIndex;
  const at = (relative: string) => path.join(dir, relative);
  const codesFor = (relative: string) => index.findingsFor(at(relative)).map((f) => f.code);
  const sorted = (files: string[]) => files.map((f) => path.relative(dir, f)).sort();

  async function open(fixture: string): Promise<void> {
    dir = writeFixture(fixture);
    index = new WorkspaceIndex([dir], { ...WHOLE_FILE_OPTIONS }, parser, silentLog);
    await index.build();
  }

  /**
   * Runs an update and checks its answer against what it did: the files it
   * returns are exactly those whose findings differ from before. Returns them
   * relative to the fixture, sorted.
   */
  async function changedBy(update: () => string[] | Promise<string[]>): Promise<string[]> {
    return sorted(await checkedUpdate(index, update));
  }

  /** The incremental result must be the one a full rebuild gives. */
  async function assertSameAsFreshBuild(): Promise<void> {
    const fresh = new WorkspaceIndex([dir], { ...WHOLE_FILE_OPTIONS }, parser, silentLog);
    await fresh.build();
    assert.deepEqual(index.allFindings(), fresh.allFindings());
    assert.equal(index.cloneClasses().length, fresh.cloneClasses().length);
  }

  before(async () => {
    parser = await RustParser.load();
  });
  afterEach(() => removeFixture(dir));

  it('clears the finding of a copy edited so it no longer matches, and says only that file changed', async () => {
    await open(WORKSPACE);
    assert.deepEqual(codesFor('b/src/x.rs'), ['duplicate-file']);
    fs.writeFileSync(at('b/src/x.rs'), rustModule('x').replace('v * 2 + 1', 'v * 3 + 1'));
    assert.deepEqual(await changedBy(() => index.updateSource(at('b/src/x.rs'))), ['b/src/x.rs']);
    assert.deepEqual(codesFor('b/src/x.rs'), []);
    assert.deepEqual(codesFor('b/src/y.rs'), ['duplicate-file']);
    await assertSameAsFreshBuild();
  });

  it('returns nothing for a save that changes no byte', async () => {
    await open(WORKSPACE);
    assert.deepEqual(await changedBy(() => index.updateSource(at('b/src/x.rs'))), []);
    assert.deepEqual(codesFor('b/src/x.rs'), ['duplicate-file']);
  });

  it('updates the message of a copy that now differs in whitespace only', async () => {
    await open(WORKSPACE);
    fs.writeFileSync(at('b/src/x.rs'), rustModule('x').replace('let mut counts', '// reformatted\n    let   mut counts'));
    assert.deepEqual(await changedBy(() => index.updateSource(at('b/src/x.rs'))), ['b/src/x.rs']);
    const [finding] = index.findingsFor(at('b/src/x.rs'));
    assert.equal(finding.code, 'duplicate-file');
    assert.match(finding.message, /identical but for whitespace and comments \(14 lines\)/);
    await assertSameAsFreshBuild();
  });

  it('clears the finding of a removed copy', async () => {
    await open(WORKSPACE);
    fs.rmSync(at('b/src/y.rs'));
    assert.deepEqual(await changedBy(() => index.removeSource(at('b/src/y.rs'))), ['b/src/y.rs']);
    assert.deepEqual(codesFor('b/src/y.rs'), []);
    assert.equal(index.factsOf(at('b/src/y.rs')), undefined);
    assert.deepEqual(codesFor('b/src/x.rs'), ['duplicate-file']);
    await assertSameAsFreshBuild();
  });

  it('reports a new copy once its file and its `mod` line are saved', async () => {
    await open(WORKSPACE);
    fs.writeFileSync(at('b/src/z.rs'), rustModule('z'));
    const first = await changedBy(() => index.updateSource(at('b/src/z.rs')));
    fs.writeFileSync(at('b/src/lib.rs'), 'pub mod x;\npub mod y;\npub mod z;\n');
    const second = await changedBy(() => index.updateSource(at('b/src/lib.rs')));
    assert.ok([...first, ...second].includes('b/src/z.rs'));
    const [finding] = index.findingsFor(at('b/src/z.rs'));
    assert.equal(finding?.code, 'duplicate-file');
    assert.equal(finding.related[0].file, at('a/src/z.rs'));
    assert.deepEqual(finding.declaration, {
      file: at('b/src/lib.rs'),
      range: { start: { line: 2, character: 0 }, end: { line: 2, character: 10 } },
    });
    assert.deepEqual(index.moduleOf(at('b/src/z.rs'))?.path, ['z']);
    await assertSameAsFreshBuild();
  });

  it('rebuilds the crate graph for a new file that is a target, and keeps it for one that cannot be', async () => {
    await open(WORKSPACE);
    const graph = index.graph;
    fs.writeFileSync(at('b/src/helper.rs'), rustModule('helper'));
    await changedBy(() => index.updateSource(at('b/src/helper.rs')));
    assert.equal(index.graph, graph, 'a module file is no target: the same graph');
    fs.mkdirSync(at('b/src/bin/tool'), { recursive: true });
    fs.writeFileSync(at('b/src/bin/tool/main.rs'), rustModule('x'));
    await changedBy(() => index.updateSource(at('b/src/bin/tool/main.rs')));
    assert.notEqual(index.graph, graph);
    const crate = index.graph.crates.find((c) => c.name === 'b')!;
    assert.deepEqual(
      crate.targets.map((t) => [t.kind, path.relative(dir, t.root)]),
      [
        ['lib', 'b/src/lib.rs'],
        ['bin', 'b/src/bin/tool/main.rs'],
      ],
    );
    fs.writeFileSync(at('b/src/main.rs'), 'fn main() {}\n');
    await changedBy(() => index.updateSource(at('b/src/main.rs')));
    assert.ok(index.graph.crates.find((c) => c.name === 'b')!.targets.some((t) => t.root === at('b/src/main.rs')));
    await assertSameAsFreshBuild();
  });

  it('clears the inverted dependency when the manifest no longer has it', async () => {
    await open(
      rustCrate('a', 'a', { x: rustModule('x') }) +
        rustCrate('b', 'b', { x: rustModule('x') }, '[dependencies]\na = "0.1"\nserde = "1"\n'),
    );
    assert.deepEqual(codesFor('b/Cargo.toml'), ['inverted-dependency']);
    fs.writeFileSync(at('b/Cargo.toml'), '[package]\nname = "b"\nversion = "0.1.0"\nedition = "2021"\n[dependencies]\nserde = "1"\n');
    const changed = await changedBy(() => index.updateManifest(at('b/Cargo.toml')));
    assert.ok(changed.includes('b/Cargo.toml'), `changed: ${changed.join(', ')}`);
    assert.equal(changed.some((f) => f.startsWith('a/')), false);
    assert.deepEqual(codesFor('b/Cargo.toml'), []);
    assert.deepEqual(codesFor('b/src/x.rs'), ['duplicate-file']);
    await assertSameAsFreshBuild();
  });

  it('updates the count of shared modules in an inverted dependency when a copy stops matching', async () => {
    await open(
      rustCrate('a', 'a', { x: rustModule('x'), y: rustModule('y') }) +
        rustCrate('b', 'b', { x: rustModule('x'), y: rustModule('y') }, '[dependencies]\na = "0.1"\n'),
    );
    assert.match(index.findingsFor(at('b/Cargo.toml'))[0].message, /share 2 modules/);
    fs.writeFileSync(at('b/src/y.rs'), rustModule('y2'));
    assert.deepEqual(await changedBy(() => index.updateSource(at('b/src/y.rs'))), ['b/Cargo.toml', 'b/src/y.rs']);
    assert.match(index.findingsFor(at('b/Cargo.toml'))[0].message, /share 1 module\./);
    await assertSameAsFreshBuild();
  });

it('leaves the index as a full build does when an edit makes a file join an existing class', async () => {
    await open(
      rustCrate('a', 'a', { x: rustModule('x'), y: rustModule('y') }) +
        rustCrate('b', 'b', { x: rustModule('x') }, '[dependencies]\na = "0.1"\n'),
    );
    assert.match(index.findingsFor(at('b/Cargo.toml'))[0].message, /share 1 module\./);
    fs.writeFileSync(at('a/src/y.rs'), rustModule('x'));
    await index.updateSource(at('a/src/y.rs'));
    assert.match(index.findingsFor(at('b/Cargo.toml'))[0].message, /share 1 module\./);
    await assertSameAsFreshBuild();
  });
});
