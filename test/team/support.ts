// Running the bundled CLI on a fixture, as the team's tests need it.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { repoRoot } from '../support/fixture';

export const CLI = path.join(repoRoot, 'dist', 'cli.js');

export interface JsonRange {
  start: { line: number; character: number };
  end: { line: number; character: number };
}

export interface JsonFinding {
  code: string;
  severity: string;
  message: string;
  file: string;
  range: JsonRange;
  related: { file: string; range: JsonRange; message: string }[];
  suppression?: { file: string; line: number; reason: string };
}

export interface CheckJson {
  findings: JsonFinding[];
  suppressed: JsonFinding[];
  stats: { duplicatedLines: number; lines: number; files: number; crates: number };
}

export function run(...args: string[]) {
  const result = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
  assert.equal(result.error, undefined);
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

export function checkJson(dir: string, ...args: string[]): { json: CheckJson; status: number | null } {
  const { status, stdout, stderr } = run('check', dir, '--format', 'json', '--no-near-miss', ...args);
  assert.ok(status === 0 || status === 1, `exit ${status}: ${stderr}`);
  return { json: JSON.parse(stdout) as CheckJson, status };
}
