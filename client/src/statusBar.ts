import * as vscode from 'vscode';
import type { IndexStatus } from '../../server/src/protocol';

const problemsCommand = 'workbench.actions.view.problems';
const showOutputCommand = 'rustConsolidate.showOutput';

/** The status bar entry showing what the server's index currently holds. */
export class IndexStatusItem implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  /** The last figures of a finished index, shown again if a re-index fails. */
  private lastReady: IndexStatus | undefined;

  constructor() {
    this.item = vscode.window.createStatusBarItem('rustConsolidate.status', vscode.StatusBarAlignment.Left);
    this.item.name = 'Rust Consolidate';
    this.showIndexing();
    this.item.show();
  }

  /** The last figures of a finished index. */
  get lastStatus(): IndexStatus | undefined {
    return this.lastReady;
  }

  /**
   * The server reports indexing as work-done progress, which the editor
   * shows: no second spinner here, the last figures (if any) stay.
   */
  showIndexing(): void {
    const last = this.lastReady;
    if (last) this.showStatus(last);
    else this.set('$(files) Rust Consolidate', 'Rust Consolidate is indexing the workspace; its progress is shown beside.', problemsCommand);
  }

  showStatus(status: IndexStatus): void {
    if (status.state === 'indexing') {
      this.showIndexing();
      return;
    }
    this.lastReady = status;
    const text = status.copies === 0 && status.duplicatedLines === 0
      ? '$(check) No copies'
      : `$(files) ${count(status.copies, 'copy', 'copies')} · ${count(status.duplicatedLines, 'dup line')}`;
    const tooltip = [
      'Rust Consolidate',
      `${count(status.crates, 'crate')}, ${count(status.files, 'file')} indexed`,
      `${count(status.findings, 'finding')}`,
      `${count(status.sharedLines ?? 0, 'line')} shared between crates, of every kind (Show Duplication Map)`,
      'Click to open the Problems view.',
    ].join('\n');
    this.set(text, tooltip, problemsCommand);
  }

  /** Shows the last finished figures again, e.g. after a re-index request failed. */
  showLastStatus(): void {
    if (this.lastReady === undefined) {
      this.showIndexing();
    } else {
      this.showStatus(this.lastReady);
    }
  }

  showStopped(reason?: string): void {
    const tooltip = reason === undefined
      ? 'The Rust Consolidate server is not running. Click to show its output.'
      : `The Rust Consolidate server is not running: ${reason}\nClick to show its output.`;
    this.set('$(error) Rust Consolidate: stopped', tooltip, showOutputCommand);
    this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.errorBackground');
  }

  dispose(): void {
    this.item.dispose();
  }

  private set(text: string, tooltip: string, command: string): void {
    this.item.text = text;
    this.item.tooltip = tooltip;
    this.item.command = command;
    this.item.backgroundColor = undefined;
  }
}

function count(n: number, singular: string, plural = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : plural}`;
}
