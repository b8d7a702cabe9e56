// Files over the size limit are not parsed: they are compared by their bytes
// only, and the log says so for each.
import * as assert from 'node:assert/strict';
import { WorkspaceIndex } from '../../server/src/core/index';
import { DEFAULT_OPTIONS } from '../../server/src/core/model';
import { RustParser } from '../../server/src/core/source/rust';
import { removeFixture, rustCrate, rustModule, writeFixture } from '../support/fixture';

describe('files over maxFileBytes', function () {
  let dir: string;
  after(() => dir && removeFixture(dir));

  it('are fingerprinted by bytes only: a byte copy is still found, the log names each file', async function () {
    const big = rustModule('big');
    const other = rustModule('other');
    const edited = other.replace('counts\n', 'counts // edited\n');
    dir = writeFixture(rustCrate('ext', 'ext', { big, other }) + rustCrate('app', 'app', { big, other: edited }));
    const warnings: string[] = [];
    const log = { info: () => {}, warn: (m: string) => warnings.push(m) };
    // Above every module, below the lib.rs files, which are parsed as usual (their `mod` lines matter).
    const limit = 100;
    const index = new WorkspaceIndex([dir], { ...DEFAULT_OPTIONS, maxFileBytes: limit }, await RustParser.load(), log);
    await index.build();
    const copies = index.allFindings().filter((f) => f.code === 'duplicate-file').map((f) => [index.display(f.file), f.message.includes('byte for byte')]);
    // big.rs is the same bytes in both crates; other.rs differs by a comment, which only parsing could see past.
    assert.equal(copies.length, 1, JSON.stringify(copies));
    assert.ok(copies[0][1], 'reported as a byte-for-byte copy');
    assert.match(String(copies[0][0]), /src\/big\.rs$/);
    assert.equal(warnings.filter((w) => w.includes(`over ${limit} bytes (the maxFileBytes setting): compared by its bytes only`)).length, 4, warnings.join('\n'));
  });
});
