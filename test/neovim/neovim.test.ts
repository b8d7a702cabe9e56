// A second, independent LSP client: headless Neovim (Debian's 0.7.2, installed
// here if missing) starts `rust-consolidate lsp --stdio` on a copy of the demo,
// opens one copy and must show the same finding the CLI reports for it.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { NVIM, ensureDebianPackages } from '../editor/install';
import { copyToTemp, removeFixture, repoRoot } from '../support/fixture';

const FILE = 'datafusion_python/src/delta_protocol.rs';
const CLI = path.join(repoRoot, 'dist', 'cli.js');
const CLIENT_SCRIPT = path.join(repoRoot, 'test', 'neovim', 'client.lua');
/** Neovim's vim.diagnostic.severity.WARN, and LSP's DiagnosticSeverity.Warning. */
const WARNING = 2;

interface LspDiagnostic {
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
  severity: number;
  code: string;
  source: string;
  message: string;
  relatedInformation?: { location: { uri: string } }[];
}

/** What test/neovim/client.lua writes. */
interface NeovimResult {
  nvim: string;
  client: boolean;
  initialized: boolean;
  received: boolean;
  published: LspDiagnostic[] | null;
  shown: { lnum: number; col: number; severity: number; source: string | null; message: string }[];
  log: string[];
}

interface CliFinding {
  code: string;
  message: string;
  file: string;
  range: LspDiagnostic['range'];
}

describe('neovim: a second LSP client', function () {
  this.timeout(120_000); // installing neovim on a fresh machine
  let root: string;
  let result: NeovimResult;

  before(function () {
    ensureDebianPackages(['neovim']);
    root = copyToTemp('demo/rust');
    const out = `${root}.neovim.json`;
    try {
      const run = spawnSync(NVIM, ['--headless', '--clean', '-u', 'NONE', '-n', '-c', `luafile ${CLIENT_SCRIPT}`], {
        env: { ...process.env, RC_NODE: process.execPath, RC_SERVER: CLI, RC_ROOT: root, RC_FILE: FILE, RC_OUT: out, RC_TIMEOUT_MS: '30000' },
        encoding: 'utf8',
        timeout: 60_000,
      });
      assert.equal(run.status, 0, `nvim failed (${run.error?.message ?? `exit ${run.status}`}):\n${run.stderr}`);
      result = JSON.parse(fs.readFileSync(out, 'utf8')) as NeovimResult;
    } finally {
      fs.rmSync(out, { force: true });
    }
  });

  after(function () {
    if (root) removeFixture(root);
  });

  it('starts the server and gets the diagnostics of the opened copy', function () {
    assert.match(result.nvim, /^0\.\d+\.\d+$/);
    assert.equal(result.client, true, 'vim.lsp.start_client started the server');
    assert.equal(result.initialized, true, `the server answered initialize (${result.log.join('; ')})`);
    assert.equal(result.received, true, `no diagnostics within 30 s (${result.log.join('; ')})`);
  });

  it('shows a duplicate-file warning on line 1, as the CLI reports it', function () {
    const cli = JSON.parse(
      // check exits 1 when it finds something: that is the expected case here.
      spawnSync(process.execPath, [CLI, 'check', root, '--format', 'json'], { encoding: 'utf8' }).stdout,
    ) as { findings: CliFinding[] };
    const expected = cli.findings.filter((f) => f.file === FILE);
    assert.deepEqual(expected.map((f) => f.code), ['duplicate-file'], 'the CLI reports one duplicate-file on the file');

    const published = result.published ?? [];
    assert.deepEqual(
      published.map((d) => ({ code: d.code, source: d.source, severity: d.severity, message: d.message, range: d.range })),
      expected.map((f) => ({ code: f.code, source: 'rust-consolidate', severity: WARNING, message: f.message, range: f.range })),
    );
    assert.ok(
      published[0].relatedInformation?.some((r) => r.location.uri.endsWith('/datafusion_ext/src/delta_protocol.rs')),
      'the copy to keep is related',
    );
    assert.deepEqual(
      result.shown.map((d) => ({ lnum: d.lnum, severity: d.severity, source: d.source })),
      [{ lnum: 0, severity: WARNING, source: 'rust-consolidate' }],
      'what Neovim shows in the buffer',
    );
  });
});
