// What the near-miss suites share: the fixture workspace (test/nearmiss/fixture
// plus the generated udf_custom modules) in a temp folder, an index over it,
// and the bundled CLI.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { WorkspaceIndex } from '../../server/src/core/index';
import { DEFAULT_OPTIONS, silentLog } from '../../server/src/core/model';
import type { AnalysisOptions, Finding } from '../../server/src/core/model';
import type { RustParser } from '../../server/src/core/source/rust';
import { copyToTemp, repoRoot } from '../support/fixture';
import { extrasCopy, originalUdfModule, originalUdfText, scatteredCopy } from './udfCustom';

export const FIXTURE = path.join(repoRoot, 'test', 'nearmiss', 'fixture');
export const CLI = path.join(repoRoot, 'dist', 'cli.js');

/** The near-miss codes; the suites look at these (and at whole-file copies where they say so). */
export const NEAR_MISS = new Set(['diverged-copy', 'duplicate-item', 'duplicate-singleton']);

/**
 * Copies the fixture to a fresh temp folder and writes the three generated
 * udf modules into it. `extras: 'exact'` makes the plugin's udf_extras.rs a
 * byte copy of datafusion_ext's udf_custom.rs. Remove with removeFixture.
 */
export function makeWorkspace(extras: 'edited' | 'exact' = 'edited'): string {
  const dir = copyToTemp(FIXTURE);
  const module = originalUdfModule();
  const original = originalUdfText(module);
  fs.writeFileSync(path.join(dir, 'datafusion_ext/src/udf_custom.rs'), original);
  fs.writeFileSync(path.join(dir, 'datafusion_python/src/udf_custom.rs'), scatteredCopy(module).text);
  fs.writeFileSync(path.join(dir, 'df_plugin_codeanatomy/src/udf_extras.rs'), extras === 'exact' ? original : extrasCopy(module).text);
  return dir;
}

export async function buildIndex(dir: string, parser: RustParser, options: Partial<AnalysisOptions> = {}): Promise<WorkspaceIndex> {
  const index = new WorkspaceIndex([dir], { ...DEFAULT_OPTIONS, ...options }, parser, silentLog);
  await index.build();
  return index;
}

/** `code path` of every finding, sorted; only near-miss codes unless `all`. */
export function summary(index: WorkspaceIndex, all = false): string[] {
  return index
    .allFindings()
    .filter((f) => all || NEAR_MISS.has(f.code))
    .map((f) => `${f.code} ${index.display(f.file)}`)
    .sort();
}

/** The one finding of `code` on `relative`. */
export function only(index: WorkspaceIndex, code: string, relative: string): Finding {
  const found = index.allFindings().filter((f) => f.code === code && index.display(f.file) === relative);
  assert.equal(found.length, 1, `one ${code} on ${relative}, got ${found.length}: ${summary(index, true).join('; ')}`);
  return found[0];
}

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
  fixes: string[];
}

/** `rust-consolidate check <dir> --format json ...args`, parsed. */
export function checkJson(dir: string, ...args: string[]): { status: number | null; findings: JsonFinding[]; stderr: string } {
  const result = spawnSync(process.execPath, [CLI, 'check', dir, '--format', 'json', ...args], { encoding: 'utf8' });
  assert.equal(result.error, undefined);
  assert.ok(result.stdout.length > 0, `no output; stderr: ${result.stderr}`);
  return { status: result.status, findings: (JSON.parse(result.stdout) as { findings: JsonFinding[] }).findings, stderr: result.stderr };
}

/** The 0-based line of the first line of `file` (relative to `dir`) that contains `needle`. */
export function lineOf(dir: string, relative: string, needle: string): number {
  const lines = fs.readFileSync(path.join(dir, relative), 'utf8').split('\n');
  const i = lines.findIndex((l) => l.includes(needle));
  assert.ok(i >= 0, `${needle} not in ${relative}`);
  return i;
}

/** Lines of a text as people count them: a final line break ends the last line. */
export function lineCount(text: string): number {
  const n = text.split('\n').length;
  return text.endsWith('\n') ? n - 1 : n;
}
