import * as vscode from 'vscode';
import { LanguageServer } from './languageServer';
import { DuplicationMapPanel } from './duplicationMap';
import { PlanViews } from './planView';
import type { IndexStatus } from '../../server/src/protocol';
import { IndexStatusItem } from './statusBar';
import { FIX_AND_VERIFY, fixAndVerify } from './verifiedFix';

/** Set by activate, so that deactivate can wait for the server to shut down. */
let server: LanguageServer | undefined;

/** What the extension offers other extensions (and its editor tests). */
export interface RustConsolidateApi {
  /** The figures the status bar shows, from the server's last status. */
  status(): IndexStatus | undefined;
  /** Shows a node of the Plan view (`<plan uri>:<line>` for an item). */
  revealPlanNode(id: string): Promise<boolean>;
}

export async function activate(context: vscode.ExtensionContext): Promise<RustConsolidateApi> {
  const outputChannel = vscode.window.createOutputChannel('Rust Consolidate', { log: true });
  const statusItem = new IndexStatusItem();
  const sourceWatcher = vscode.workspace.createFileSystemWatcher('**/{*.rs,Cargo.toml,*.md,*.markdown}');
  const languageServer = new LanguageServer(context, outputChannel, statusItem, sourceWatcher);
  server = languageServer;
  const planViews = new PlanViews();
  const duplicationMap = new DuplicationMapPanel();
  // The plan view's commands run on the server; the language client registered them from its executeCommandProvider.
  const onServer = (command: string) => (id?: string) => vscode.commands.executeCommand(command, id);
  context.subscriptions.push(
    planViews,
    languageServer.onDidStart((client) => void planViews.attach(client)),
    duplicationMap,
    languageServer.onDidStart((client) => duplicationMap.attach(client)),
    vscode.commands.registerCommand('rustConsolidate.showDuplicationMap', () => duplicationMap.show()),
    vscode.commands.registerCommand('rustConsolidate.plan.refresh', () => planViews.refresh()),
    vscode.commands.registerCommand('rustConsolidate.plan.fix', onServer('rust-consolidate.fixPlanNode')),
    vscode.commands.registerCommand('rustConsolidate.plan.toggle', onServer('rust-consolidate.togglePlanItem')),
    vscode.commands.registerCommand('rustConsolidate.plan.markAllDone', onServer('rust-consolidate.markAllDone')),
    vscode.commands.registerCommand('rustConsolidate.generatePlan', generatePlan),
    outputChannel,
    statusItem,
    sourceWatcher,
    languageServer,
    vscode.commands.registerCommand('rustConsolidate.reindex', () => languageServer.reindex()),
    vscode.commands.registerCommand('rustConsolidate.restartServer', () => languageServer.restart()),
    vscode.commands.registerCommand('rustConsolidate.showOutput', () => outputChannel.show()),
    vscode.commands.registerCommand('rustConsolidate.replaceAllCopiesInCrate', replaceAllCopiesInCrate),
    vscode.commands.registerCommand(FIX_AND_VERIFY, () => fixAndVerify(context, outputChannel)),

    vscode.commands.registerCommand('rustConsolidate.showCopies', showCopies),
    vscode.commands.registerCommand('rustConsolidate.compareWithCopy', (original: string, copy: string, title: string) =>
      vscode.commands.executeCommand('vscode.diff', vscode.Uri.parse(original), vscode.Uri.parse(copy), title),
    ),
  );
  await languageServer.start();
  return { status: () => statusItem.lastStatus, revealPlanNode: (id) => planViews.reveal(id) };
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

/** The code lens on a kept file: peeks at its copies (the server sends LSP positions and locations). */
async function showCopies(uri: string, position: { line: number; character: number }, locations: { uri: string; range: { start: { line: number; character: number } } }[]): Promise<void> {
  const at = (p: { line: number; character: number }) => new vscode.Position(p.line, p.character);
  await vscode.commands.executeCommand(
    'editor.action.peekLocations',
    vscode.Uri.parse(uri),
    at(position),
    locations.map((l) => new vscode.Location(vscode.Uri.parse(l.uri), at(l.range.start))),
    'peek',
  );
}

async function generatePlan(): Promise<void> {
  const uri = await vscode.commands.executeCommand<string | undefined>('rust-consolidate.generatePlan');
  if (uri) await vscode.window.showTextDocument(vscode.Uri.parse(uri));
  else void vscode.window.showInformationMessage('Rust Consolidate could not write a plan: open a Rust workspace folder first.');
}

export async function deactivate(): Promise<void> {
  await server?.stop();
  server = undefined;
}
