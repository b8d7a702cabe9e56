// The client's half of "Allow this copy…": the server writes the comment,
// the user gives the reason. The file is saved after, as the server reads
// files on save, so the warning goes at once.
import * as vscode from 'vscode';
import type { ExecuteCommandSignature } from 'vscode-languageclient/node';

const ALLOW_FINDING = 'rust-consolidate.allowFinding';

export async function askForReason(command: string, args: unknown[], next: ExecuteCommandSignature): Promise<unknown> {
  if (command !== ALLOW_FINDING || args.length !== 3) return next(command, args);
  const [uri, code] = args as [string, string, number];
  const reason = await vscode.window.showInputBox({
    title: `Allow this ${code}`,
    prompt: 'Why does it stay? The reason is written in the suppression comment, for the team to read.',
    placeHolder: 'kept on purpose: …',
    validateInput: (value) => (value.trim() === '' ? 'A suppression needs a reason.' : undefined),
  });
  if (reason === undefined) return undefined;
  const result = await next(command, [...args, reason]);
  await vscode.workspace.textDocuments.find((d) => d.uri.toString() === vscode.Uri.parse(uri).toString())?.save();
  return result;
}
