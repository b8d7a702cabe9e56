// Runner 1: the editor suite in a desktop VS Code downloaded by
// @vscode/test-electron, for machines that can download it (this project's
// machines cannot: they use run.ts, with code-server).
//
//   node out/test/editor/electron.js [--vsix <file>] [--vscode <version>]
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { downloadAndUnzipVSCode, resolveCliArgsFromVSCodeExecutablePath, runTests } from '@vscode/test-electron';
import { copyToTemp, removeFixture, repoRoot } from '../support/fixture';
import { createProfile, hostExtensionDir, profileEnv, suiteIndex } from './profile';
import { defaultVsix } from './run';

function option(name: string): string | undefined {
  const at = process.argv.indexOf(name);
  return at === -1 ? undefined : process.argv[at + 1];
}

async function main(): Promise<void> {
  const vsix = path.resolve(option('--vsix') ?? defaultVsix());
  const vscodeExecutablePath = await downloadAndUnzipVSCode(option('--vscode') ?? 'stable');
  const profile = createProfile();
  const workspace = copyToTemp('demo/rust');
  try {
    // The packaged extension goes into the clean profile, as a user installs it.
    const [cli, ...cliArgs] = resolveCliArgsFromVSCodeExecutablePath(vscodeExecutablePath, { reuseMachineInstall: true });
    const installed = spawnSync(cli, [...cliArgs, ...profile.args, '--install-extension', vsix], { stdio: 'inherit', env: profileEnv(profile) });
    if (installed.status !== 0) throw new Error(`installing ${vsix} failed`);
    process.exitCode = await runTests({
      vscodeExecutablePath,
      extensionDevelopmentPath: hostExtensionDir(repoRoot),
      extensionTestsPath: suiteIndex(repoRoot),
      launchArgs: [workspace, ...profile.args, '--disable-workspace-trust'],
      extensionTestsEnv: { HOME: profile.home },
    });
  } finally {
    removeFixture(workspace);
    profile.remove();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
