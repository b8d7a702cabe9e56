// What `check` and `fix` share: the common options, and the index built from them.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import type { ParseArgsConfig } from 'node:util';
import { locateAsset } from '../core/source/assets';
import { WorkspaceIndex } from '../core/index';
import { DEFAULT_OPTIONS } from '../core/model';
import type { AnalysisOptions, FindingCode, Log, Severity } from '../core/model';
import { FINDING_CODES } from '../core/model';
import { defaultCacheFolder } from '../core/source/cache';
import { createAnalyzer } from '../core/source/pool';
import { authorityOf, findPlanFiles, readTexts } from '../core/plan';
import { SEVERITIES, mergeOptions, readSharedSettings } from '../core/settings';

export class UsageError extends Error {}

const COMMON: NonNullable<ParseArgsConfig['options']> = {
  authoritative: { type: 'string', multiple: true, default: [] },
  exclude: { type: 'string', multiple: true, default: [] },
  'minimum-tokens': { type: 'string' },
  similarity: { type: 'string' },
  'include-tests': { type: 'boolean', default: false },
  'ignore-path': { type: 'string', multiple: true, default: [] },
  'version-group': { type: 'string', multiple: true, default: [] },
  'no-near-miss': { type: 'boolean', default: false },
  'no-cache': { type: 'boolean', default: false },
  'cache-dir': { type: 'string' },
  severity: { type: 'string', multiple: true, default: [] },
};

/** Parses a command's arguments: the common options, the command's own, and at most one path. */
export function parseCommand(args: string[], own: NonNullable<ParseArgsConfig['options']>) {
  let values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({ args, allowPositionals: true, options: { ...COMMON, ...own } }));
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  if (positionals.length > 1) throw new UsageError(`one path at most, got ${positionals.length}`);
  // Only what the user gave: it wins over the shared settings in the root Cargo.toml.
  const given: Partial<AnalysisOptions> = {};
  const list = (v: unknown) => (Array.isArray(v) && v.length > 0 ? (v as string[]) : undefined);
  given.authoritativeCrates = list(values.authoritative);
  given.exclude = list(values.exclude);
  given.ignorePaths = list(values['ignore-path']);
  if (values['include-tests'] === true) given.includeTests = true;
  if (values['no-near-miss'] === true) given.nearMiss = false;
  const tokens = values['minimum-tokens'];
  if (tokens !== undefined) {
    const n = Number(tokens);
    if (!Number.isInteger(n) || n < 1) throw new UsageError('--minimum-tokens needs a whole number above 0');
    given.minimumTokens = n;
  }
  const similarity = values.similarity as string | undefined;
  if (similarity !== undefined) {
    const n = Number(similarity);
    if (!(n > 0 && n <= 1)) throw new UsageError('--similarity needs a number above 0, at most 1');
    given.similarityThreshold = n;
  }
  given.versionGroups = list(values['version-group']);
  const levels = list(values.severity);
  if (levels) given.severity = parseSeverities(levels);
  const root = path.resolve(positionals[0] ?? demoWorkspace());
  if (!fs.existsSync(root) || !fs.statSync(root).isDirectory()) throw new UsageError(`not a folder: ${root}`);
  const shared = readSharedSettings(root);
  const options = mergeOptions(DEFAULT_OPTIONS, shared ? [shared.options] : [], given);
  const cacheDir = values['cache-dir'] as string | undefined;
  const cacheFolder = values['no-cache'] ? undefined : cacheDir ? path.resolve(cacheDir) : defaultCacheFolder();
  return { root, options, values, cacheFolder, demo: positionals.length === 0 };
}

/** `--severity duplicate-block=warning`: a code's level, as the severity setting gives it. */
function parseSeverities(given: string[]): Partial<Record<FindingCode, Severity | 'off'>> {
  const levels: Partial<Record<FindingCode, Severity | 'off'>> = {};
  for (const pair of given) {
    const [code, level, ...rest] = pair.split('=');
    if (rest.length > 0 || level === undefined) throw new UsageError(`--severity needs <code>=<level>, got \`${pair}\``);
    if (!(FINDING_CODES as readonly string[]).includes(code)) throw new UsageError(`--severity: unknown code \`${code}\``);
    if (!SEVERITIES.includes(level)) throw new UsageError(`--severity ${code}: the level must be one of ${SEVERITIES.join(', ')}`);
    levels[code as FindingCode] = level as Severity | 'off';
  }
  return levels;
}

/** The demo workspace bundled with the project, which mirrors the consolidation plan. */
function demoWorkspace(): string {
  const demo = locateAsset(path.join('demo', 'rust'));
  if (!demo) throw new UsageError('no path given and the bundled demo workspace is missing');
  return demo;
}

/**
 * `cacheFolder`: where facts are kept by content between runs; none, no cache.
 * `planFiles`: the workspace's plans, found by a walk of the tree, asked once the analysis threads have
 * their files (the caller's, to walk the tree once).
 */
export async function indexWorkspace(
  root: string,
  options: AnalysisOptions,
  cacheFolder?: string,
  planFiles: () => readonly string[] = () => findPlanFiles([root], options.planFiles),
): Promise<WorkspaceIndex> {
  const log: Log = {
    info: () => {},
    warn: (message) => process.stderr.write(`rust-consolidate: ${message}\n`),
  };
  const analyzer = await createAnalyzer({ cacheFolder });
  try {
    const index = new WorkspaceIndex([root], options, analyzer, log);
    // The crate the workspace's plans name as authoritative keeps its copies, below the --authoritative setting.
    await index.build(undefined, () => authorityOf(readTexts(planFiles())));
    return index;
  } finally {
    analyzer.dispose();
  }
}

export function write(text: string): Promise<void> {
  return new Promise((resolve) => process.stdout.write(text, () => resolve()));
}
