// The editor suite's entry point, loaded by VS Code's extension host as the
// extensionTestsPath (by @vscode/test-electron, or by the code-server runner).
// VS Code awaits run(): the host exits with 0 if it resolves, 1 if it rejects.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { format } from 'node:util';
import Mocha from 'mocha';
import { REPORT_MARK } from './bridge';

export async function run(): Promise<void> {
  // code-server hands the extension host's console to the page with its own
  // prefix and the format arguments unapplied: each line is formatted here,
  // and marked so that the runner can pick the report out.
  Mocha.reporters.Base.consoleLog = (...args: unknown[]) => {
    for (const line of format(...args).split('\n')) console.log(REPORT_MARK + line);
  };
  // bail: the tests build on each other, so after a failure the rest would only time out.
  const mocha = new Mocha({ ui: 'bdd', reporter: 'spec', color: false, timeout: 60_000, bail: true });
  // Files run in name order: each one goes on from the state the previous one left.
  for (const file of fs.readdirSync(__dirname).filter((f) => f.endsWith('.editor.js')).sort()) {
    mocha.addFile(path.join(__dirname, file));
  }
  const failures = await new Promise<number>((resolve) => mocha.run(resolve));
  if (failures > 0) throw new Error(`${failures} editor test(s) failed`);
}
