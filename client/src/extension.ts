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
  );
  await languageServer.start();
}

export async function deactivate(): Promise<void> {
  await server?.stop();
  server = undefined;
}
