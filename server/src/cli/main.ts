// `rust-consolidate`: the analysis from a terminal, and the language server
// for any editor (`rust-consolidate lsp --stdio`).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { WorkspaceIndex } from '../core/index';
import { DEFAULT_OPTIONS } from '../core/model';
import type { AnalysisOptions, Log } from '../core/model';
import { locateAsset } from '../core/assets';
import { createAnalyzer } from '../core/pool';
import { startServer } from '../server';
import { formatJson, formatSarif, formatText } from './report';

const USAGE = `Usage:
  rust-consolidate check [path] [--format text|json|sarif] [--authoritative <crate>]... [--exclude <glob>]...
  rust-consolidate lsp --stdio

check   Analyses the Cargo workspace at path (default: the bundled demo workspace)
        and prints its findings. Exit status: 0 no findings, 1 findings, 2 usage error.
lsp     Runs the language server over standard input and output.
`;

class UsageError extends Error {}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'check':
      return check(rest);
    case 'lsp':
      if (!rest.includes('--stdio')) throw new UsageError('lsp needs --stdio');
      startServer();
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
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        format: { type: 'string', default: 'text' },
        authoritative: { type: 'string', multiple: true, default: [] },
        exclude: { type: 'string', multiple: true, default: [] },
        'minimum-tokens': { type: 'string' },
      },
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const { values, positionals } = parsed;
  const format = values.format!;
  if (!['text', 'json', 'sarif'].includes(format)) throw new UsageError(`unknown format: ${format} (text, json or sarif)`);
  if (positionals.length > 1) throw new UsageError(`one path at most, got ${positionals.length}`);
  const root = path.resolve(positionals[0] ?? demoWorkspace());
  if (!fs.existsSync(root) || !fs.statSync(root).isDirectory()) throw new UsageError(`not a folder: ${root}`);
  const options: AnalysisOptions = {
    ...DEFAULT_OPTIONS,
    authoritativeCrates: values.authoritative!,
    exclude: values.exclude!,
  };
  if (values['minimum-tokens'] !== undefined) {
    const n = Number(values['minimum-tokens']);
    if (!Number.isInteger(n) || n < 1) throw new UsageError('--minimum-tokens needs a whole number above 0');
    options.minimumTokens = n;
  }

  const started = performance.now();
  const log: Log = {
    info: () => {},
    warn: (message) => process.stderr.write(`rust-consolidate: ${message}\n`),
  };
  const analyzer = await createAnalyzer();
  const index = new WorkspaceIndex([root], options, analyzer, log);
  await index.build();
  analyzer.dispose();
  const elapsedMs = Math.round(performance.now() - started);
  const report = { root, index, elapsedMs };
  const output = format === 'json' ? formatJson(report) : format === 'sarif' ? formatSarif(report) : formatText(report);
  await new Promise<void>((resolve) => process.stdout.write(output, () => resolve()));
  return index.allFindings().length > 0 ? 1 : 0;
}

/** The demo workspace bundled with the project, which mirrors the consolidation plan. */
function demoWorkspace(): string {
  const demo = locateAsset(path.join('demo', 'rust'));
  if (!demo) throw new UsageError('no path given and the bundled demo workspace is missing');
  return demo;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e) => {
    if (e instanceof UsageError) {
      process.stderr.write(`rust-consolidate: ${e.message}\n\n${USAGE}`);
      process.exit(2);
    }
    process.stderr.write(`rust-consolidate: ${(e as Error).stack ?? e}\n`);
    process.exit(3);
  },
);
