// The server stays up and answers: broken framing ends it with an error (a
// client restarts it) instead of leaving it deaf, a second initialize is
// refused, and nothing a watched-file event names can block its queue (a
// FIFO, a link to /dev/zero, a link out of the workspace).
import * as assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  InitializeRequest,
  InitializedNotification,
  PublishDiagnosticsNotification,
  StreamMessageReader,
  StreamMessageWriter,
  createProtocolConnection,
} from 'vscode-languageserver-protocol/node';
import { FileChangeType } from 'vscode-languageserver-protocol/node';
import { LspTestClient } from '../protocol/client';
import { removeFixture, repoRoot, rustCrate, rustModule, writeFixture } from '../support/fixture';

const CLI = path.join(repoRoot, 'dist', 'cli.js');
const HEALTHY = rustCrate('ext', 'ext', { shared: rustModule('shared') }) + rustCrate('app', 'app', { shared: rustModule('shared') });

/** Resolves with the exit code once the child exits. */
const exitOf = (child: ReturnType<typeof spawn>) => new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));

describe('robust server: framing and initialize', function () {
  this.timeout(20_000);
  const dirs: string[] = [];
  after(() => dirs.forEach(removeFixture));

  for (const header of ['Content-Length: abc', 'Content-Type: application/json']) {
    it(`exits with an error on a frame with "${header}"`, async function () {
      const child = spawn(process.execPath, [CLI, 'lsp', '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (d) => (stderr += d));
      const exited = exitOf(child);
      child.stdin.write(`${header}\r\n\r\n{}`);
      assert.equal(await exited, 1);
      assert.match(stderr, /malformed message header/);
    });
  }

  it('refuses a second initialize with InvalidRequest, as LSP allows initialize once, and keeps the first folders', async function () {
    const dir = writeFixture(HEALTHY);
    dirs.push(dir);
    const child = spawn(process.execPath, [CLI, 'lsp', '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
    const connection = createProtocolConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
    const copies = new Promise<string>((resolve) =>
      connection.onNotification(PublishDiagnosticsNotification.type, ({ uri, diagnostics }) => {
        if (diagnostics.some((d) => d.code === 'duplicate-file')) resolve(uri);
      }),
    );
    connection.listen();
    try {
      const folder = (root: string) => [{ uri: pathToFileURL(root).href, name: path.basename(root) }];
      const params = { processId: process.pid, rootUri: null, capabilities: { workspace: { workspaceFolders: true } }, workspaceFolders: folder(dir) };
      const first = await connection.sendRequest(InitializeRequest.type, params);
      assert.ok(first.capabilities.codeActionProvider);
      const elsewhere = writeFixture('//- empty/Cargo.toml\n[package]\nname = "empty"\n');
      dirs.push(elsewhere);
      await assert.rejects(connection.sendRequest(InitializeRequest.type, { ...params, workspaceFolders: folder(elsewhere) }), (e: Error & { code?: number }) => {
        assert.equal(e.code, -32600, 'InvalidRequest');
        return true;
      });
      await connection.sendNotification(InitializedNotification.type, {});
      // The first folder is the one indexed: its copy is reported.
      assert.ok((await copies).startsWith(pathToFileURL(dir).href));
    } finally {
      connection.dispose();
      child.kill();
    }
  });
});

describe('robust server: files that must not be read', function () {
  this.timeout(30_000);
  let client: LspTestClient;
  let dir: string;

  before(async function () {
    if (spawnSync('mkfifo', ['--help']).error) this.skip();
    dir = writeFixture(HEALTHY);
    client = await LspTestClient.initialize(dir);
    await client.waitForStatus((s) => s.state === 'ready' && s.copies === 1);
  });
  after(async function () {
    await client?.stop();
    if (dir) removeFixture(dir);
  });

  it('a FIFO, a link to /dev/zero and a link out of the workspace are never opened, and later saves are still answered', async function () {
    assert.equal(spawnSync('mkfifo', [path.join(dir, 'app/src/fifo.rs')]).status, 0);
    fs.symlinkSync('/dev/zero', path.join(dir, 'app/src/zero.rs'));
    const outside = writeFixture(`//- outside.rs\n${rustModule('shared')}`);
    fs.symlinkSync(path.join(outside, 'outside.rs'), path.join(dir, 'app/src/outside.rs'));
    fs.appendFileSync(path.join(dir, 'app/src/lib.rs'), 'mod fifo;\nmod zero;\nmod outside;\n');
    try {
      await client.didChangeWatchedFiles([
        { relative: 'app/src/fifo.rs', type: FileChangeType.Created },
        { relative: 'app/src/zero.rs', type: FileChangeType.Created },
        { relative: 'app/src/outside.rs', type: FileChangeType.Created },
      ]);
      // A save after them: answered only if none of them blocked the queue.
      const mark = client.mark();
      const copy = ['app/src/shared.rs', 'ext/src/shared.rs'].find((f) => (client.diagnostics.get(client.uri(f)) ?? []).length > 0)!;
      fs.writeFileSync(client.file(copy), rustModule('other'));
      await client.didSave(copy);
      await client.waitForDiagnostics(client.uri(copy), (d) => !d.some((x) => x.code === 'duplicate-file'), { since: mark });
      const warned = client.output.join('\n');
      assert.match(warned, /fifo\.rs: not read: not a regular file/);
      assert.match(warned, /zero\.rs: not read: .*symbolic link/);
      assert.match(warned, /outside\.rs: not read: .*symbolic link/);
      assert.equal(client.diagnostics.get(client.uri('app/src/outside.rs')), undefined, 'the file outside is not indexed');
    } finally {
      removeFixture(outside);
    }
  });
});
