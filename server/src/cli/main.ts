// `rust-consolidate`: the analysis from a terminal, and the language server
// for any editor (`rust-consolidate lsp --stdio`).
import { startServer } from '../server';
import { fix } from './fix';
import { formatJson, formatSarif, formatText } from './report';
import { UsageError, indexWorkspace, parseCommand, write } from './workspace';

const USAGE = `Usage:
  rust-consolidate check [path] [--format text|json|sarif] [--authoritative <crate>]... [--exclude <glob>]...
  rust-consolidate fix [path] [--code <code>]... [--dry-run] [--authoritative <crate>]... [--exclude <glob>]...
  rust-consolidate lsp --stdio

check   Analyses the Cargo workspace at path (default: the bundled demo workspace)
        and prints its findings. Exit status: 0 no findings, 1 findings, 2 usage error.
fix     Applies the fixes the editor offers (re-export copies, remove inverted
        dependencies) and prints what it changed and what it refused, and why.
        --dry-run prints a unified diff and writes nothing. Exit status: 0 all
        fixes applied, 1 some refused, 2 usage error.
lsp     Runs the language server over standard input and output.
`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'check':
      return check(rest);
    case 'fix':
      return fix(rest);
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
  const { root, options, values } = parseCommand(args, { format: { type: 'string', default: 'text' } });
  const format = values.format as string;
  if (!['text', 'json', 'sarif'].includes(format)) throw new UsageError(`unknown format: ${format} (text, json or sarif)`);
  const started = performance.now();
  const index = await indexWorkspace(root, options);
  const report = { root, index, elapsedMs: Math.round(performance.now() - started) };
  await write(format === 'json' ? formatJson(report) : format === 'sarif' ? formatSarif(report) : formatText(report));
  return index.allFindings().length > 0 ? 1 : 0;
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
