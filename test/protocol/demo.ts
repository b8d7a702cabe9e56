// What the protocol tests know about demo/rust (see demo/README.md), and the
// start and stop of a server on a fresh temp copy of it.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ClientCapabilities, Diagnostic } from 'vscode-languageserver-protocol/node';
import { copyToTemp, removeFixture } from '../support/fixture';
import { LspTestClient } from './client';

export const PYTHON_SRC = 'datafusion_python/src';
export const EXT_SRC = 'datafusion_ext/src';
export const PYTHON_LIB = 'datafusion_python/src/lib.rs';
export const EXT_MANIFEST = 'datafusion_ext/Cargo.toml';

/** The byte-identical copies in datafusion_python/src/, one duplicate-file each. */
export const DUPLICATES = [
  'delta_control_plane.rs',
  'delta_maintenance.rs',
  'delta_mutations.rs',
  'delta_observability.rs',
  'delta_protocol.rs',
  'function_factory.rs',
  'function_rewrite.rs',
  'udf_async.rs',
  'udaf_builtin.rs',
  'udtf_external.rs',
  'udf_docs.rs',
];

/** The copy that differs only in a use path: near-duplicate-file. */
export const NEAR_DUPLICATE = 'udf_builtin.rs';

export const python = (file: string): string => `${PYTHON_SRC}/${file}`;
export const ext = (file: string): string => `${EXT_SRC}/${file}`;

/** A diagnostic's message as text (LSP 3.18 allows markup). */
export const messageOf = (d: Diagnostic): string => (typeof d.message === 'string' ? d.message : d.message.value);

export const ofCode = (diagnostics: Diagnostic[], code: string): Diagnostic[] => diagnostics.filter((d) => d.code === code);

/** The 0-based line of `mod <module>;` in a file, read from disk. */
export function modLine(file: string, module: string): number {
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  const line = lines.findIndex((l) => new RegExp(`^\\s*(pub(\\([^)]*\\))?\\s+)?mod\\s+${module}\\s*;`).test(l));
  assert.notEqual(line, -1, `no \`mod ${module};\` in ${file}`);
  return line;
}

/** Every .rs file under a folder, as the server would fingerprint them. */
export function rustFiles(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.rs')).map((f) => path.join(dir, f));
}

export interface DemoServer {
  root: string;
  client: LspTestClient;
}

/**
 * Mocha hooks for one describe block: a fresh temp copy of demo/rust (changed
 * by `prepare` before the server starts, if given), a server initialized on it,
 * and the wait for its first index. `after` shuts the server down and removes the copy.
 */
export function useDemoServer(
  options: { prepare?: (root: string) => void; settings?: unknown; capabilities?: ClientCapabilities } = {},
): DemoServer {
  const server = {} as DemoServer;
  before(async function () {
    server.root = copyToTemp('demo/rust');
    options.prepare?.(server.root);
    server.client = await LspTestClient.initialize(server.root, options);
    // The status is sent after the publishes of an index, and progress ends after it.
    await server.client.waitForStatus((s) => s.state === 'ready', { since: 0 });
    await server.client.waitForProgressEnd({ since: 0 });
  });
  after(async function () {
    try {
      await server.client?.stop();
    } finally {
      if (server.root) removeFixture(server.root);
    }
  });
  return server;
}
