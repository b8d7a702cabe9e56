// A save is answered from the index: the saved file is the only one read,
// whatever the findings it changes (copies, their fix titles, near misses).
import * as assert from 'node:assert/strict';
// The module object itself, whose functions the test can replace (a namespace import is read-only).
import fs = require('node:fs');
import * as path from 'node:path';
import { WorkspaceIndex } from '../../server/src/core/index';
import { DEFAULT_OPTIONS, silentLog } from '../../server/src/core/model';
import { RustParser } from '../../server/src/core/source/rust';
import { copyToTemp, removeFixture } from '../support/fixture';

describe('files read for a save', () => {
  let dir: string;
  let index: WorkspaceIndex;
  const reads: string[] = [];
  const readFileSync = fs.readFileSync;
  const readFile = fs.promises.readFile;

  before(async () => {
    dir = copyToTemp('demo/rust');
    index = new WorkspaceIndex([dir], { ...DEFAULT_OPTIONS }, await RustParser.load(), silentLog);
    await index.build();
    const note = (file: unknown) => reads.push(path.relative(dir, String(file)));
    fs.readFileSync = ((file: fs.PathOrFileDescriptor, ...rest: unknown[]) => {
      note(file);
      return (readFileSync as (...a: unknown[]) => unknown)(file, ...rest);
    }) as typeof fs.readFileSync;
    fs.promises.readFile = ((file: string, ...rest: unknown[]) => {
      note(file);
      return (readFile as (...a: unknown[]) => unknown)(file, ...rest);
    }) as typeof fs.promises.readFile;
  });
  after(() => {
    fs.readFileSync = readFileSync;
    fs.promises.readFile = readFile;
    removeFixture(dir);
  });

  for (const file of ['datafusion_python/src/delta_protocol.rs', 'datafusion_python/src/errors.rs', 'datafusion_python/src/registry_snapshot.rs']) {
    it(`reads only ${file} when it is saved`, async () => {
      fs.appendFileSync(path.join(dir, file), '\npub fn added_by_the_test() -> u32 {\n    7\n}\n');
      reads.length = 0;
      await index.updateSource(path.join(dir, file));
      assert.ok(reads.length > 0, 'the saved file is read');
      assert.deepEqual([...new Set(reads)], [file]);
    });
  }
});
