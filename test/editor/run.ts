// Runner 2: the editor suite in code-server, once, on a fresh copy of demo/rust.
//
//   node out/test/editor/run.js [--vsix <file>] [--no-extension]
//
// Installs what it needs the first time (see install.ts). Exits with the
// suite's exit code. Screenshots and logs go to test-output/editor/.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { copyToTemp, removeFixture, repoRoot } from '../support/fixture';
import { runEditorSuite } from './codeServer';

export const OUTPUT_DIR = path.join(repoRoot, 'test-output', 'editor');

/** The .vsix that `npm run package` writes. */
export function defaultVsix(): string {
  const { name, version } = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { name: string; version: string };
  return path.join(repoRoot, `${name}-${version}.vsix`);
}

async function main(): Promise<void> {
  const at = process.argv.indexOf('--vsix');
  const vsix = process.argv.includes('--no-extension') ? undefined : path.resolve(at === -1 ? defaultVsix() : process.argv[at + 1]);
  if (vsix !== undefined && !fs.existsSync(vsix)) throw new Error(`${vsix} is missing: run \`npm run package\` first`);
  const workspace = copyToTemp('demo/rust');
  try {
    const result = await runEditorSuite({ vsix, workspace, outputDir: OUTPUT_DIR, onReportLine: (line) => console.log(`  | ${line}`) });
    console.log(`editor suite: exit code ${result.exitCode}; screenshots and logs in ${path.relative(process.cwd(), OUTPUT_DIR)}`);
    process.exitCode = result.exitCode;
  } finally {
    removeFixture(workspace);
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
