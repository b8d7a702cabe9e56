// "Fix and Verify with cargo check": the CLI's verified path on a workspace
// folder (`rust-consolidate fix --format json`), with progress, cancellation
// (the CLI writes every file back when interrupted) and the outcome as a
// notification whose errors open their files. Only in a trusted workspace:
// cargo check runs the workspace's build scripts and proc macros.
import { fork } from 'node:child_process';
import * as path from 'node:path';
import * as vscode from 'vscode';

/** The CLI's `fix --format json` report. */
interface FixReport {
  verification: { outcome: string; command?: string; reason?: string };
  fixes: {
    outcome: 'verified' | 'unverified' | 'rolled back' | 'refused';
    file: string;
    title: string;
    reason?: string;
    errors?: { file?: string; line?: number; column?: number; message: string }[];
  }[];
}

export const FIX_AND_VERIFY = 'rustConsolidate.fixAndVerify';

let running = false;

export async function fixAndVerify(context: vscode.ExtensionContext, output: vscode.LogOutputChannel, allowDirty = false): Promise<void> {
  if (!vscode.workspace.isTrusted) {
    void vscode.window.showWarningMessage(
      'Rust Consolidate: Fix and Verify runs cargo check, which runs the workspace\'s build scripts and proc macros: trust this workspace first.',
    );
    return;
  }
  if (running) {
    void vscode.window.showInformationMessage('Rust Consolidate: a verified fix is already running; one cargo check at a time.');
    return;
  }
  const folder = await pickFolder();
  if (!folder) return;
  // The CLI works on the files on disk: unsaved edits would be overwritten or lost.
  const unsaved = vscode.workspace.textDocuments.filter((d) => d.isDirty && d.uri.fsPath.startsWith(folder.uri.fsPath + path.sep));
  if (unsaved.length > 0) {
    void vscode.window.showWarningMessage(
      `Rust Consolidate: save ${unsaved.map((d) => path.basename(d.uri.fsPath)).join(', ')} first; the verified fix works on the files on disk.`,
    );
    return;
  }
  const args = cliArguments(folder, allowDirty);
  output.info(`fix and verify: rust-consolidate ${args.join(' ')}`);
  running = true;
  let report: FixReport | undefined;
  let failure: string | undefined;
  try {
    await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'Rust Consolidate: fixing and verifying with cargo check', cancellable: true },
      async (progress, token) => {
        const result = await runCli(context.asAbsolutePath('dist/cli.js'), args, folder.uri.fsPath, token, (line) => {
          output.info(line);
          const checking = /checking: (.*)$/.exec(line);
          if (checking) progress.report({ message: checking[1] });
        });
        try {
          report = JSON.parse(result.stdout) as FixReport;
        } catch {
          failure = result.stderr.trim() || `the CLI exited with ${result.code}`;
        }
      },
    );
  } finally {
    running = false;
  }
  if (!report) {
    output.error(`fix and verify failed: ${failure}`);
    void vscode.window.showErrorMessage(`Rust Consolidate: the verified fix failed: ${failure}`, 'Show Output').then((c) => c && output.show());
    return;
  }
  await showOutcome(report, folder, output, context);
}

async function pickFolder(): Promise<vscode.WorkspaceFolder | undefined> {
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (folders.length <= 1) {
    if (folders.length === 0) void vscode.window.showInformationMessage('Rust Consolidate: open a Cargo workspace folder first.');
    return folders[0];
  }
  return vscode.window.showWorkspaceFolderPick({ placeHolder: 'The workspace folder to fix and verify' });
}

/** The CLI's arguments from the folder's settings: the analysis the server runs, and the check. */
function cliArguments(folder: vscode.WorkspaceFolder, allowDirty: boolean): string[] {
  const settings = vscode.workspace.getConfiguration('rustConsolidate', folder.uri);
  const args = ['fix', folder.uri.fsPath, '--format', 'json'];
  for (const crate of settings.get<string[]>('authoritativeCrates', [])) args.push('--authoritative', crate);
  for (const glob of settings.get<string[]>('exclude', [])) args.push('--exclude', glob);
  const verify = vscode.workspace.getConfiguration('rustConsolidate.verify', folder.uri);
  const command = verify.get<string>('command', 'cargo');
  if (command !== 'cargo') args.push('--check-command', command);
  // `=`: a value that starts with a dash (`--workspace`) would otherwise read as an option.
  for (const arg of verify.get<string[]>('args', [])) args.push(`--check-arg=${arg}`);
  if (!verify.get<boolean>('offline', true)) args.push('--online');
  for (const features of verify.get<string[]>('features', [])) args.push(`--features=${features}`);
  args.push('--check-timeout', String(verify.get<number>('timeoutSeconds', 600)));
  if (allowDirty) args.push('--allow-dirty');
  return args;
}

function runCli(
  cli: string,
  args: string[],
  cwd: string,
  token: vscode.CancellationToken,
  onStderrLine: (line: string) => void,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    // The extension host's own runtime, as the language client starts the server.
    const child = fork(cli, args, { cwd, silent: true, env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } });
    let stdout = '';
    let stderr = '';
    let partial = '';
    child.stdout?.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr?.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
      const lines = (partial + d).split('\n');
      partial = lines.pop() ?? '';
      lines.filter((l) => l !== '').forEach(onStderrLine);
    });
    // Interrupted, the CLI stops cargo and writes every file back before it reports.
    const cancel = token.onCancellationRequested(() => child.kill('SIGINT'));
    child.on('close', (code) => {
      cancel.dispose();
      resolve({ code, stdout, stderr });
    });
  });
}

async function showOutcome(report: FixReport, folder: vscode.WorkspaceFolder, output: vscode.LogOutputChannel, context: vscode.ExtensionContext): Promise<void> {
  const at = (relative: string) => path.join(folder.uri.fsPath, relative);
  for (const f of report.fixes) {
    output.info(`${f.outcome} ${f.file}: ${f.title}${f.reason ? `: ${f.reason}` : ''}`);
    for (const e of f.errors ?? []) output.info(`  ${e.file ? `${at(e.file)}:${e.line ?? 1}:${e.column ?? 1}: ` : ''}${e.message}`);
  }
  const count = (outcome: string) => report.fixes.filter((f) => f.outcome === outcome).length;
  const refused = count('refused');
  const tail = refused > 0 ? `; ${refused} refused (see the output)` : '';
  const { verification } = report;
  if (verification.outcome === 'verified') {
    void vscode.window.showInformationMessage(`Rust Consolidate: ${count('verified')} fixes applied and verified by ${verification.command?.split(' --manifest-path')[0]}${tail}.`);
    return;
  }
  if (verification.outcome === 'unverified') {
    void vscode.window.showWarningMessage(`Rust Consolidate: ${count('unverified')} fixes applied, not verified: ${verification.reason}${tail}.`);
    return;
  }
  if (verification.outcome === 'refused' && /uncommitted changes/.test(verification.reason ?? '')) {
    const choice = await vscode.window.showWarningMessage(`Rust Consolidate: ${verification.reason}.`, 'Fix Anyway (--allow-dirty)');
    if (choice) await fixAndVerify(context, output, true);
    return;
  }
  if (verification.outcome === 'rolled back') {
    const error = report.fixes.flatMap((f) => f.errors ?? []).find((e) => e.file);
    const actions = error ? ['Open Error', 'Show Output'] : ['Show Output'];
    const choice = await vscode.window.showErrorMessage(`Rust Consolidate: rolled back, every file as it was: ${verification.reason}`, ...actions);
    if (choice === 'Show Output') output.show();
    if (choice === 'Open Error' && error?.file) {
      const position = new vscode.Position((error.line ?? 1) - 1, (error.column ?? 1) - 1);
      await vscode.window.showTextDocument(vscode.Uri.file(at(error.file)), { selection: new vscode.Range(position, position) });
    }
    return;
  }
  const reason = verification.reason ?? report.fixes.find((f) => f.reason)?.reason ?? 'nothing to fix';
  void vscode.window.showInformationMessage(`Rust Consolidate: nothing applied: ${reason}${tail}.`);
}
