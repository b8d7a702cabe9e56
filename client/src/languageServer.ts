import * as vscode from 'vscode';
import {
  CloseAction,
  type CloseHandlerResult,
  ErrorAction,
  type ErrorHandler,
  type ErrorHandlerResult,
  LanguageClient,
  type LanguageClientOptions,
  type ServerOptions,
  State,
  TransportKind,
} from 'vscode-languageclient/node';
import { reindexRequest, statusNotification } from '../../server/src/protocol';
import type { IndexStatusItem } from './statusBar';
import { explicitSettingsOnly } from './settings';
import { askForReason } from './suppressions';

/** Also the settings section: the library reads `<id>.trace.server`. */
const clientId = 'rustConsolidate';
const clientName = 'Rust Consolidate';

/**
 * The language server as the extension sees it: starts, restarts and stops it,
 * and sends it the extension's requests.
 *
 * Every start builds a fresh LanguageClient, because one whose start failed
 * cannot be started again (the library keeps returning the rejected start).
 */
export class LanguageServer implements vscode.Disposable {
  private client: LanguageClient | undefined;
  private clientListeners: vscode.Disposable[] = [];
  private readonly started = new vscode.EventEmitter<LanguageClient>();
  /** Fires with each new client once it runs, so views can subscribe to its notifications. */
  readonly onDidStart = this.started.event;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly outputChannel: vscode.LogOutputChannel,
    private readonly statusItem: IndexStatusItem,
    private readonly sourceWatcher: vscode.FileSystemWatcher,
  ) {}

  async start(): Promise<void> {
    const client = new ReportedStartLanguageClient(clientId, clientName, this.serverOptions(), this.clientOptions());
    this.client = client;
    this.clientListeners = [
      client.onNotification(statusNotification, (status) => this.statusItem.showStatus(status)),
      client.onDidChangeState(({ newState }) => {
        if (newState === State.Starting) {
          this.statusItem.showIndexing();
        } else if (newState === State.Stopped) {
          this.statusItem.showStopped();
        }
      }),
    ];
    try {
      await client.start();
      this.started.fire(client);
    } catch (error) {
      // The library has already logged the details to the output channel.
      const reason = describe(error);
      this.statusItem.showStopped(reason);
      void this.showError(`The Rust Consolidate server failed to start: ${reason}`);
    }
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  async stop(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    this.clientListeners.forEach((listener) => listener.dispose());
    this.clientListeners = [];
    if (client === undefined) {
      return;
    }
    if (client.state === State.Starting) {
      // A client cannot be stopped while it starts; its failure is reported by start().
      await client.start().catch(() => undefined);
    }
    if (client.isRunning()) {
      try {
        await client.dispose();
      } catch (error) {
        this.outputChannel.error(`Stopping the server failed: ${describe(error)}`);
      }
    }
  }

  async reindex(): Promise<void> {
    const client = this.client;
    if (client === undefined || client.state === State.Stopped) {
      const choice = await vscode.window.showErrorMessage('The Rust Consolidate server is not running.', 'Restart Server');
      if (choice !== undefined) {
        await this.restart();
      }
      return;
    }
    this.statusItem.showIndexing();
    try {
      this.statusItem.showStatus(await client.sendRequest(reindexRequest));
    } catch (error) {
      this.statusItem.showLastStatus();
      this.outputChannel.error(`Re-indexing failed: ${describe(error)}`);
      void this.showError(`Rust Consolidate could not re-index the workspace: ${describe(error)}`);
    }
  }

  /** The running client, if there is one. */
  get running(): LanguageClient | undefined {
    return this.client?.isRunning() ? this.client : undefined;
  }

  dispose(): void {
    this.started.dispose();
    void this.stop();
  }

  private async showError(message: string): Promise<void> {
    if ((await vscode.window.showErrorMessage(message, 'Show Output')) !== undefined) {
      this.outputChannel.show();
    }
  }

  private serverOptions(): ServerOptions {
    const module = this.context.asAbsolutePath('dist/server.js');
    return {
      run: { module, transport: TransportKind.ipc },
      debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6009'] } },
    };
  }

  private clientOptions(): LanguageClientOptions {
    return {
      documentSelector: [
        { scheme: 'file', language: 'rust' },
        { scheme: 'file', pattern: '**/Cargo.toml' },
        // Consolidation plans: their saves update the plan view.
        { scheme: 'file', language: 'markdown' },
      ],
      synchronize: {
        // The server pulls settings with workspace/configuration; this only
        // makes the library send didChangeConfiguration when they change.
        configurationSection: clientId,
        // Creates, deletes and renames reach the server only through these events.
        fileEvents: this.sourceWatcher,
      },
      outputChannel: this.outputChannel,
      // Facts about files, kept by content in the extension's own storage so
      // that the next start parses only what changed.
      initializationOptions: { cacheFolder: vscode.Uri.joinPath(this.context.globalStorageUri, 'facts').fsPath },

      middleware: { workspace: { configuration: explicitSettingsOnly }, executeCommand: askForReason },
      // Without this the library shows its own, second notification for the
      // same failure; start() reports it once.
      initializationFailedHandler: () => false,
      errorHandler: new BoundedRestarts(this.outputChannel, (reason) => this.statusItem.showStopped(reason)),
    };
  }
}

/**
 * A LanguageClient whose failed start is reported by its caller, once, with a
 * Show Output button. The library would otherwise force its own notification
 * for the same failure; while starting, its forced errors only go to the log.
 */
class ReportedStartLanguageClient extends LanguageClient {
  private starting = false;

  override async start(): Promise<void> {
    this.starting = true;
    try {
      await super.start();
    } finally {
      this.starting = false;
    }
  }

  override error(message: string, data?: unknown, showNotification?: boolean | 'force'): void {
    super.error(message, data, this.starting && showNotification === 'force' ? false : showNotification);
  }
}

/** Restarts within this window count together. */
const RESTART_WINDOW_MS = 3 * 60_000;
/** Restarts allowed in the window; the next stop leaves the server stopped. */
const MAX_RESTARTS = 3;

/**
 * A server that exits (a crash, or a message it could not read) is started
 * again, at most MAX_RESTARTS times in RESTART_WINDOW_MS; each restart is
 * logged, and the stop after that is shown to the user with the way back
 * (Restart Server), so a server that keeps crashing on a file does not
 * restart forever.
 */
class BoundedRestarts implements ErrorHandler {
  private readonly restarts: number[] = [];

  constructor(
    private readonly log: vscode.LogOutputChannel,
    private readonly stopped: (reason: string) => void,
  ) {}

  error(error: Error, _message: unknown, count: number | undefined): ErrorHandlerResult {
    this.log.error(`Connection to the server: ${error.message}`);
    // The library counts errors since the last message that went through.
    return { action: (count ?? 1) <= 3 ? ErrorAction.Continue : ErrorAction.Shutdown, handled: true };
  }

  closed(): CloseHandlerResult {
    const now = Date.now();
    while (this.restarts.length > 0 && now - this.restarts[0] > RESTART_WINDOW_MS) this.restarts.shift();
    if (this.restarts.length < MAX_RESTARTS) {
      this.restarts.push(now);
      this.log.warn(`The server stopped; restarting it (${this.restarts.length} of ${MAX_RESTARTS} in ${RESTART_WINDOW_MS / 60_000} minutes).`);
      return { action: CloseAction.Restart, handled: true };
    }
    const reason = `it stopped ${MAX_RESTARTS + 1} times in ${RESTART_WINDOW_MS / 60_000} minutes`;
    this.stopped(reason);
    return {
      action: CloseAction.DoNotRestart,
      message: `The Rust Consolidate server is not restarted: ${reason}. See the Rust Consolidate output, then run Rust Consolidate: Restart Server.`,
    };
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
