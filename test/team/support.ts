// Running the bundled CLI on a fixture, as the team's tests need it.
import * as assert from 'node:assert/strict';
import { CLI, run } from '../support/cli';

export { CLI, run };

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

export function checkJson(dir: string, ...args: string[]): { json: CheckJson; status: number | null } {
  const { status, stdout, stderr } = run('check', dir, '--format', 'json', '--no-near-miss', ...args);
  assert.ok(status === 0 || status === 1, `exit ${status}: ${stderr}`);
  return { json: JSON.parse(stdout) as CheckJson, status };
}
