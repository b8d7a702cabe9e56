// The Duplication Map webview: the server computes the map
// (rustConsolidate/duplicationMap), the page is the one `report --html`
// writes, coloured by the theme. A click on a cell opens the pair's largest
// copy beside the copy it points at.
import * as crypto from 'node:crypto';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { renderDuplicationMap } from '../../server/src/mapPage';
import { duplicationMapRequest } from '../../server/src/protocol';

export class DuplicationMapPanel implements vscode.Disposable {
  private client: LanguageClient | undefined;
  private panel: vscode.WebviewPanel | undefined;

  attach(client: LanguageClient): void {
    this.client = client;
    void this.refresh();
  }

  async show(): Promise<void> {
    if (this.panel) {
      this.panel.reveal();
    } else {
      this.panel = vscode.window.createWebviewPanel('rustConsolidate.duplicationMap', 'Duplication Map', vscode.ViewColumn.Active, {
        enableScripts: true,
        localResourceRoots: [],
      });
      this.panel.onDidDispose(() => (this.panel = undefined));
      // Back in view: the index may have changed meanwhile.
      this.panel.onDidChangeViewState(({ webviewPanel }) => webviewPanel.visible && void this.refresh());
      this.panel.webview.onDidReceiveMessage((message: { type: string; file: string; other: string; crates: string }) => {
        if (message.type !== 'openPair') return;
        const [a, b] = message.crates.split('|');
        void vscode.commands.executeCommand('vscode.diff', vscode.Uri.file(message.other), vscode.Uri.file(message.file), `${a} ↔ ${b}`);
      });
    }
    await this.refresh();
  }

  private async refresh(): Promise<void> {
    if (!this.panel || !this.client) return;
    const { map, labels } = await this.client.sendRequest(duplicationMapRequest);
    const nonce = crypto.randomBytes(16).toString('base64');
    this.panel.webview.html = renderDuplicationMap(map, {
      title: 'Duplication Map',
      display: (f) => labels[f] ?? f,
      webview: { nonce, cspSource: this.panel.webview.cspSource },
    });
  }

  dispose(): void {
    this.panel?.dispose();
  }
}
