// What the editor suite reads from VS Code: the workspace it opened, the
// diagnostics of a file, and waits on VS Code's own events with a time limit.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';

export const EXTENSION_ID = 'rust-consolidate.rust-consolidate';
export const SOURCE = 'rust-consolidate';

export function workspaceRoot(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the editor opened no folder');
  return folder.uri.fsPath;
}

/** A workspace file (relative, `/`-separated) as a URI. */
export const uriOf = (relative: string): vscode.Uri => vscode.Uri.file(path.join(workspaceRoot(), relative));

/** A diagnostic's code as a string, whether VS Code holds it plain or with its documentation link. */
export const codeOf = (d: vscode.Diagnostic): string | undefined =>
  d.code === undefined ? undefined : typeof d.code === 'object' ? String(d.code.value) : String(d.code);

/** The extension's diagnostics on a file. */
export const ours = (relative: string): vscode.Diagnostic[] =>
  vscode.languages.getDiagnostics(uriOf(relative)).filter((d) => d.source === SOURCE);

/** Every file with one of the extension's diagnostics, relative to the workspace, with them. */
export function allOurs(): Map<string, vscode.Diagnostic[]> {
  const root = workspaceRoot();
  const files = new Map<string, vscode.Diagnostic[]>();
  for (const [uri, diagnostics] of vscode.languages.getDiagnostics()) {
    const mine = diagnostics.filter((d) => d.source === SOURCE);
    if (mine.length > 0) files.set(path.relative(root, uri.fsPath).split(path.sep).join('/'), mine);
  }
  return files;
}

/** A one-line summary of the extension's diagnostics, for failure messages. */
export function describeDiagnostics(): string {
  const files = [...allOurs()].map(([file, ds]) => `${file}: ${ds.map((d) => codeOf(d)).join(',')}`);
  return files.length === 0 ? 'no rust-consolidate diagnostics at all' : files.join('; ');
}

/**
 * Resolves with the first truthy value of `check`, tried now and after each
 * event; rejects after `timeoutMs` with `what` and the current diagnostics.
 */
export function waitFor<T>(
  what: string,
  check: () => T | undefined | false,
  options: { event?: vscode.Event<unknown>; timeoutMs?: number } = {},
): Promise<T> {
  const event = options.event ?? vscode.languages.onDidChangeDiagnostics;
  const timeoutMs = options.timeoutMs ?? 60_000;
  return new Promise<T>((resolve, reject) => {
    const finish = (settle: () => void): void => {
      clearTimeout(timer);
      subscription.dispose();
      settle();
    };
    const attempt = (): void => {
      let value: T | undefined | false;
      try {
        value = check();
      } catch (error) {
        finish(() => reject(error));
        return;
      }
      if (value !== undefined && value !== false) finish(() => resolve(value as T));
    };
    const subscription = event(attempt);
    const timer = setTimeout(
      () => finish(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what} (${describeDiagnostics()})`))),
      timeoutMs,
    );
    attempt();
  });
}
