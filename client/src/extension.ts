import * as vscode from 'vscode';
import { LanguageServer } from './languageServer';
import { IndexStatusItem } from './statusBar';

/** Set by activate, so that deactivate can wait for the server to shut down. */
let server: LanguageServer | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const outputChannel = vscode.window.createOutputChannel('Rust Consolidate', { log: true });
  const statusItem = new IndexStatusItem();
  const sourceWatcher = vscode.workspace.createFileSystemWatcher('**/{*.rs,Cargo.toml}');
  const languageServer = new LanguageServer(context, outputChannel, statusItem, sourceWatcher);
  server = languageServer;
  context.subscriptions.push(
    outputChannel,
    statusItem,
    sourceWatcher,
    languageServer,
    vscode.commands.registerCommand('rustConsolidate.reindex', () => languageServer.reindex()),
    vscode.commands.registerCommand('rustConsolidate.restartServer', () => languageServer.restart()),
    vscode.commands.registerCommand('rustConsolidate.showOutput', () => outputChannel.show()),
    vscode.commands.registerCommand('rustConsolidate.replaceAllCopiesInCrate', replaceAllCopiesInCrate),
    vscode.commands.registerCommand('rustConsolidate.compareWithCopy', (original: string, copy: string, title: string) =>
      vscode.commands.executeCommand('vscode.diff', vscode.Uri.parse(original), vscode.Uri.parse(copy), title),
    ),
  );
  await languageServer.start();
}

/**
 * Runs the server's command on the crate of the active file; the language
 * client registered that command from the server's executeCommandProvider.
 */
async function replaceAllCopiesInCrate(): Promise<void> {
  const uri = vscode.window.activeTextEditor?.document.uri;
  if (!uri) {
    void vscode.window.showInformationMessage('Open a file of the crate whose copies should be replaced.');
    return;
  }
  await vscode.commands.executeCommand('rust-consolidate.replaceAllCopiesInCrate', uri.toString());
}

export async function deactivate(): Promise<void> {
  await server?.stop();
  server = undefined;
}
