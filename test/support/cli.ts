// The bundled CLI as the tests spawn it: `node dist/cli.js <args>`.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { repoRoot } from './fixture';

export const CLI = path.join(repoRoot, 'dist', 'cli.js');

/** Runs the CLI to its end; its exit status and both outputs. */
export function run(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
  assert.equal(result.error, undefined);
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
