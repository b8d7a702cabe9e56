// `rust-consolidate`: the analysis from a terminal, and the language server
// for any editor (`rust-consolidate lsp --stdio`).
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { WorkspaceIndex } from '../core/index';
import { RustSyntax, cachedPlanParser, evaluatePlan, findPlanFiles, generatePlan, gitHistory } from '../core/plan';
import type { PlanStatus } from '../core/plan';
import { planFindings } from '../core/plan/findings';
import { applyBaseline, readBaseline } from './baseline';
import { fix } from './fix';
import { report } from './htmlReport';
import { formatJson, formatSarif, formatText } from './report';
import { UsageError, indexWorkspace, parseCommand, write } from './workspace';
import { removalsDone } from '../core/source/cache';

const USAGE = `Usage:
  rust-consolidate check [path] [--format text|json|sarif] [--baseline <file>] [--write-baseline <file>] [--authoritative <crate>]... [--exclude <glob>]...
        [--severity <code>=<level>]...
  rust-consolidate fix [path] [--code <code>]... [--dry-run] [--format text|json] [--no-verify] [--allow-dirty]
        [--check-command <cargo>] [--check-arg <arg>]... [--online] [--features <list>]... [--check-timeout <s>]
        [--authoritative <crate>]... [--exclude <glob>]...
  rust-consolidate plan [path] [--output <file>]
  rust-consolidate report [path] --html <file>
  rust-consolidate lsp --stdio

check   Analyses the Cargo workspace at path (default: the bundled demo workspace)
        and prints its findings, and the status of its consolidation plan (--plan
        <file>, else the first *consolidation*.md found). Exit status: 0 no
        findings, 1 findings, 2 usage error. --baseline <file>: report and fail
        only on findings the baseline does not hold; --write-baseline <file>:
        write today's findings as the baseline (exit 0 unless --baseline fails).
        Facts about each file are kept by content in a cache folder
        ($XDG_CACHE_HOME/rust-consolidate, else ~/.cache/rust-consolidate;
        --cache-dir <dir> to choose, --no-cache to read and parse everything).
fix     Applies the fixes the editor offers (re-export copies, remove inverted
        dependencies) and prints what it changed and what it refused, and why.
        Then runs cargo check --workspace --all-targets --offline on every
        workspace (once per --features list) and writes every file back when it
        fails, is interrupted or runs past --check-timeout (default 600 s).
        Refuses a dirty git tree unless --allow-dirty; --no-verify skips the
        check. --dry-run prints a unified diff and writes nothing. Exit status:
        0 all fixes applied, 1 some refused or rolled back, 2 usage error.
plan    Writes a consolidation plan made from the findings, to standard output
        or to --output <file>.
report  Writes the Duplication Map (the lines each pair of crates shares, of
        every kind) as a standalone HTML page.
lsp     Runs the language server over standard input and output.
`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'check':
      return check(rest);
    case 'fix':
      return fix(rest);
    case 'plan':
      return plan(rest);
    case 'report':
      return report(rest);
    case 'lsp':
      if (!rest.includes('--stdio')) throw new UsageError('lsp needs --stdio');
      // Loaded here: the language server's modules are not the CLI's other commands' to load.
      (require('../server') as typeof import('../server')).startServer();
      return new Promise<number>(() => {}); // runs until the client says exit
    case '--help':
    case '-h':
    case 'help':
      process.stdout.write(USAGE);
      return 0;
    case undefined:
      throw new UsageError('no command given');
    default:
      throw new UsageError(`unknown command: ${command}`);
  }
}

async function check(args: string[]): Promise<number> {
  const { root, options, values, cacheFolder } = parseCommand(args, {
    format: { type: 'string', default: 'text' },
    plan: { type: 'string' },
    baseline: { type: 'string' },
    'write-baseline': { type: 'string' },
  });
  const format = values.format as string;
  if (!['text', 'json', 'sarif'].includes(format)) throw new UsageError(`unknown format: ${format} (text, json or sarif)`);
  const planFile = values.plan as string | undefined;
  if (planFile !== undefined && !fs.existsSync(planFile)) throw new UsageError(`no such plan: ${planFile}`);
  const baseline = readBaseline(values.baseline as string | undefined);
  const started = performance.now();
  // One walk of the tree for the plans (the authority they name, and the one whose status is printed), made
  // while the workers read the workspace: once the index has handed them its files.
  let plans: readonly string[] | undefined;
  const findPlans = () => (plans ??= findPlanFiles([root], options.planFiles));
  const indexing = indexWorkspace(root, options, cacheFolder, findPlans);
  let reading: ReturnType<typeof readPlan>;
  try {
    // The plan is parsed, and the grammar its evaluation reads modules with loaded, while the workers read the
    // workspace: once the index has handed them its files, which it does before anything waits on I/O.
    await new Promise((resolve) => setImmediate(resolve));
    reading = readPlan(planFile ? path.resolve(planFile) : findPlans()[0], cacheFolder);
  } catch (e) {
    // A plan that cannot be read is reported once the workers are done with the workspace.
    await indexing.catch(() => undefined);
    throw e;
  }
  const index = await indexing;
  const plan = await reading?.evaluate(index);
  const all = [...index.allFindings(), ...(plan ? planFindings(plan, options) : [])];
  const { findings, summary, written } = applyBaseline(index, root, all, baseline, values['write-baseline'] as string | undefined);
  const report = { root, index, findings, plan, baseline: summary, elapsedMs: Math.round(performance.now() - started) };
  await write(format === 'json' ? formatJson(report) : format === 'sarif' ? formatSarif(report) : formatText(report));
  if (written) process.stderr.write(`rust-consolidate: wrote the baseline ${written} (${all.length} findings)\n`);
  // Writing a baseline accepts today's findings; checking against one fails on the new ones only.
  return findings.length > 0 && !(written && !baseline) ? 1 : 0;
}

/** The plan given with --plan, or the first plan file found in the workspace, parsed; evaluated once the index is built. */
function readPlan(file: string | undefined, cacheFolder: string | undefined): { evaluate(index: WorkspaceIndex): Promise<PlanStatus> } | undefined {
  if (!file) return undefined;
  const parsed = cachedPlanParser(cacheFolder)(file, fs.readFileSync(file, 'utf8'));
  const syntax = RustSyntax.load();
  // Awaited by evaluate; a failure to load is reported there, or not at all if the index fails first.
  syntax.catch(() => undefined);
  return { evaluate: async (index) => evaluatePlan(parsed, { index, syntax: await syntax, history: gitHistory(file) }) };
}

async function plan(args: string[]): Promise<number> {
  const { root, options, values, cacheFolder } = parseCommand(args, { output: { type: 'string' } });
  const index = await indexWorkspace(root, options, cacheFolder);
  const output = values.output as string | undefined;
  const text = generatePlan(index, { relativeTo: output ? path.dirname(path.resolve(output)) : root });
  if (output) {
    fs.writeFileSync(output, text);
    await write(`wrote ${output}\n`);
  } else {
    await write(text);
  }
  return 0;
}

main(process.argv.slice(2)).then(
  // An old cache folder moved aside at the start is deleted meanwhile; the run ends once it is gone.
  async (code) => process.exit((await removalsDone(), code)),
  (e) => {
    if (e instanceof UsageError) {
      process.stderr.write(`rust-consolidate: ${e.message}\n\n${USAGE}`);
      process.exit(2);
    }
    process.stderr.write(`rust-consolidate: ${(e as Error).stack ?? e}\n`);
    process.exit(3);
  },
);
