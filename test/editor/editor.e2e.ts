// The editor suite (suite/) run for real by `npm test`: the packaged .vsix in
// code-server, and the harness itself, which must fail when the extension is
// missing. Not a *.test.ts: it runs after packaging, from test/editor/mocharc.json.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { copyToTemp, removeFixture, repoRoot } from '../support/fixture';
import { type EditorRunOptions, type EditorRunResult, runEditorSuite } from './codeServer';
import { OUTPUT_DIR, defaultVsix } from './run';

async function runOnDemo(options: Omit<EditorRunOptions, 'workspace'>): Promise<EditorRunResult> {
  const workspace = copyToTemp('demo/rust');
  try {
    return await runEditorSuite({ ...options, workspace });
  } finally {
    removeFixture(workspace);
  }
}

describe('editor: the packaged extension in code-server', function () {
  // The first run on a machine installs chromium and code-server (about 2 minutes).
  this.timeout(20 * 60_000);

  it('passes the editor suite with the .vsix installed into a clean profile', async function () {
    const vsix = defaultVsix();
    assert.ok(fs.existsSync(vsix), `${vsix} is missing: run \`npm run package\` first`);
    const result = await runOnDemo({ vsix, outputDir: OUTPUT_DIR, onReportLine: (line) => console.log(`      | ${line}`) });
    assert.equal(result.exitCode, 0, 'the editor suite failed (its report is above)');
    assert.ok(result.output.some((line) => /\d+ passing/.test(line)), 'the suite reported its tests');
    assert.ok(result.screenshots.length >= 4, `screenshots: ${result.screenshots.join(', ')}`);
    for (const file of result.screenshots) assert.ok(fs.statSync(file).size > 10_000, `${file} is a real screenshot`);
  });

  it('fails when the extension is not installed', async function () {
    const result = await runOnDemo({ vsix: undefined, outputDir: path.join(repoRoot, 'test-output', 'editor-no-extension') });
    const report = result.output.join('\n');
    assert.notEqual(result.exitCode, 0, `the harness passed without the extension:\n${report}`);
    assert.match(report, /rust-consolidate\.rust-consolidate is not installed/);
  });
});
