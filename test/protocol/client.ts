// A small LSP client for protocol tests: starts the real server process
// (`node dist/cli.js lsp --stdio`), answers the requests the server sends to
// its client, and records what the server says, in order, so a test can wait
// on the server's own notifications instead of sleeping.
import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  ApplyWorkspaceEditRequest,
  CodeActionRequest,
  ConfigurationRequest,
  ExecuteCommandRequest,
  FileChangeType as FileChange,
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  DidChangeTextDocumentNotification,
  DidOpenTextDocumentNotification,
  DidSaveTextDocumentNotification,
  ExitNotification,
  InitializeRequest,
  InitializedNotification,
  LogMessageNotification,
  PublishDiagnosticsNotification,
  RegistrationRequest,
  ShowMessageNotification,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
  WorkDoneProgress,
  WorkDoneProgressCreateRequest,
  createProtocolConnection,
} from 'vscode-languageserver-protocol/node';
import type {
  ClientCapabilities,
  CodeAction,
  Command,
  Diagnostic,
  FileChangeType,
  InitializeResult,
  ProgressToken,
  ProtocolConnection,
  Registration,
  WorkspaceEdit,
  WorkDoneProgressBegin,
  WorkDoneProgressEnd,
  WorkDoneProgressReport,
} from 'vscode-languageserver-protocol/node';
import { planViewChangedNotification, planViewRequest, reindexRequest, statusNotification } from '../../server/src/protocol';
import type { IndexStatus, PlanView } from '../../server/src/protocol';
import { applyEdits } from '../../server/src/core/fixes/fixes';
import { repoRoot } from '../support/fixture';

/** Everything the server sent, in the order it arrived. `seq` is the position in that order. */
export type ServerEvent = { seq: number } & (
  | { kind: 'progress-create'; token: ProgressToken }
  | { kind: 'progress'; token: ProgressToken; value: WorkDoneProgressBegin | WorkDoneProgressReport | WorkDoneProgressEnd }
  | { kind: 'register'; registrations: Registration[] }
  | { kind: 'configuration'; sections: (string | undefined)[] }
  | { kind: 'publish'; uri: string; diagnostics: Diagnostic[] }
  | { kind: 'status'; status: IndexStatus }
  | { kind: 'apply-edit'; label: string | undefined }
  | { kind: 'show'; message: string }
  | { kind: 'plan-view'; view: PlanView; changed: string[] }
);

type EventOf<K extends ServerEvent['kind']> = Extract<ServerEvent, { kind: K }>;
type WithoutSeq<E> = E extends unknown ? Omit<E, 'seq'> : never;

export type PublishEvent = EventOf<'publish'>;

/** How long a wait may take before the test fails. A guard against a server that never answers, not a pause. */
const DEFAULT_TIMEOUT_MS = 10_000;

export const CLIENT_CAPABILITIES: ClientCapabilities = {
  window: { workDoneProgress: true },
  workspace: {
    // VS Code sends this too. Without it the server does not index at all:
    // see the skipped test in initialize.test.ts.
    workspaceFolders: true,
    configuration: true,
    didChangeWatchedFiles: { dynamicRegistration: true },
  },
  textDocument: {
    synchronization: { didSave: true },
    publishDiagnostics: { relatedInformation: true },
    codeAction: { disabledSupport: true, isPreferredSupport: true },
  },
};
CLIENT_CAPABILITIES.workspace!.workspaceEdit = { documentChanges: true, resourceOperations: ['delete'] };

interface Waiter {
  description: string;
  since: number;
  test: (event: ServerEvent) => boolean;
  resolve: (event: ServerEvent) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

export class LspTestClient {
  /** The server's stderr and its window/logMessage and window/showMessage lines, for failure messages. */
  readonly output: string[] = [];
  readonly events: ServerEvent[] = [];
  /** The latest diagnostics published for each uri. */
  readonly diagnostics = new Map<string, Diagnostic[]>();
  /** What `workspace/configuration` answers for the `rustConsolidate` section; null is "no settings". */
  settings: unknown = null;
  initializeResult: InitializeResult | undefined;

  private readonly waiters = new Set<Waiter>();
  private exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  private readonly exitPromise: Promise<void>;

  private constructor(
    readonly root: string,
    private readonly child: ChildProcessWithoutNullStreams,
    private readonly connection: ProtocolConnection,
  ) {
    this.exitPromise = new Promise((resolve) => {
      child.on('exit', (code, signal) => {
        this.exited = { code, signal };
        for (const waiter of [...this.waiters]) {
          this.settle(waiter);
          waiter.reject(this.failure(`server exited (code ${code}, signal ${signal}) while waiting for ${waiter.description}`));
        }
        resolve();
      });
    });
  }

  /** Starts the server on one workspace folder, without initializing it. */
  static start(root: string): LspTestClient {
    const cli = path.join(repoRoot, 'dist', 'cli.js');
    if (!fs.existsSync(cli)) throw new Error(`${cli} is missing: run \`npm run build\` first`);
    const child = spawn(process.execPath, [cli, 'lsp', '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
    const connection = createProtocolConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
    const client = new LspTestClient(root, child, connection);
    client.listen();
    return client;
  }

  /** Starts the server and sends initialize and initialized. Waits for nothing after that. */
  static async initialize(
    root: string,
    { settings = null, capabilities = CLIENT_CAPABILITIES }: { settings?: unknown; capabilities?: ClientCapabilities } = {},
  ): Promise<LspTestClient> {
    const client = LspTestClient.start(root);
    client.settings = settings;
    try {
      client.initializeResult = await client.withTimeout(
        'the initialize response',
        client.connection.sendRequest(InitializeRequest.type, {
          processId: process.pid,
          rootUri: null,
          capabilities,
          workspaceFolders: [{ uri: pathToFileURL(root).href, name: path.basename(root) }],
        }),
      );
      await client.connection.sendNotification(InitializedNotification.type, {});
    } catch (e) {
      client.kill();
      throw e;
    }
    return client;
  }

  uri(relative: string): string {
    return pathToFileURL(path.join(this.root, relative)).href;
  }

  file(relative: string): string {
    return path.join(this.root, relative);
  }

  /** The position a later wait starts looking from: waits with `since: mark()` see only what arrives after now. */
  mark(): number {
    return this.events.length;
  }

  /** The publishes since a mark, in order. */
  publishesSince(mark: number): PublishEvent[] {
    return this.events.slice(mark).filter((e): e is PublishEvent => e.kind === 'publish');
  }

  didSave(relative: string): Promise<void> {
    return this.connection.sendNotification(DidSaveTextDocumentNotification.type, { textDocument: { uri: this.uri(relative) } });
  }

  /** textDocument/didOpen with the file's text on disk, as an editor opens it. */
  didOpen(relative: string, version: number): Promise<void> {
    const text = fs.readFileSync(this.file(relative), 'utf8');
    return this.connection.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: { uri: this.uri(relative), languageId: relative.endsWith('.rs') ? 'rust' : 'toml', version, text },
    });
  }

  /** textDocument/didChange with the document's whole new text: an edit not saved yet. */
  didChange(relative: string, text: string, version: number): Promise<void> {
    return this.connection.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri: this.uri(relative), version },
      contentChanges: [{ text }],
    });
  }

  didChangeWatchedFiles(changes: { relative: string; type: FileChangeType }[]): Promise<void> {
    return this.connection.sendNotification(DidChangeWatchedFilesNotification.type, {
      changes: changes.map((c) => ({ uri: this.uri(c.relative), type: c.type })),
    });
  }

  /** New `rustConsolidate` settings: answered to the next workspace/configuration, and pushed in the notification for a server that cannot pull. */
  didChangeConfiguration(settings: unknown): Promise<void> {
    this.settings = settings;
    return this.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: { rustConsolidate: settings } });
  }

  /** textDocument/codeAction for some diagnostics of a file. */
  codeActions(relative: string, diagnostics: Diagnostic[], only?: string[]): Promise<(CodeAction | Command)[]> {
    const range = diagnostics[0]?.range ?? { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
    return this.withTimeout(
      'the textDocument/codeAction response',
      this.connection
        .sendRequest(CodeActionRequest.type, { textDocument: { uri: this.uri(relative) }, range, context: { diagnostics, only } })
        .then((actions) => actions ?? []),
    );
  }

  /** Any request by method name, for features without a helper here (code lenses, references). */
  request<R>(method: string, params: unknown): Promise<R> {
    return this.withTimeout(`the ${method} response`, this.connection.sendRequest(method, params) as Promise<R>);
  }

  workspaceCommand(command: string, args: unknown[]): Promise<unknown> {
    return this.withTimeout(`workspace/executeCommand ${command}`, this.connection.sendRequest(ExecuteCommandRequest.type, { command, arguments: args }));
  }

  /**
   * Applies an edit to the files on disk as an editor would, then tells the
   * server what changed through workspace/didChangeWatchedFiles, as an
   * editor's file watcher does.
   */
  async applyEdit(edit: WorkspaceEdit): Promise<void> {
    const events: { uri: string; type: FileChangeType }[] = [];
    for (const change of edit.documentChanges ?? []) {
      if ('textDocument' in change) {
        const file = fileURLToPath(change.textDocument.uri);
        const edits = change.edits.map((e) => {
          if (!('newText' in e)) throw new Error('the test client does not apply snippet edits');
          return e;
        });
        fs.writeFileSync(file, applyEdits(fs.readFileSync(file, 'utf8'), edits));
        events.push({ uri: change.textDocument.uri, type: FileChange.Changed });
      } else if (change.kind === 'delete') {
        const file = fileURLToPath(change.uri);
        if (!fs.existsSync(file)) continue;
        if (fs.statSync(file).isDirectory()) fs.rmSync(file, { recursive: change.options?.recursive === true });
        else {
          fs.rmSync(file);
          events.push({ uri: change.uri, type: FileChange.Deleted });
        }
      } else {
        throw new Error(`the test client does not apply ${change.kind}`);
      }
    }
    this.appliedEdits.push(edit);
    await this.connection.sendNotification(DidChangeWatchedFilesNotification.type, { changes: events });
  }

  /** Edits the server asked this client to apply (workspace/applyEdit), in order. */
  readonly appliedEdits: WorkspaceEdit[] = [];

  /** rustConsolidate/planView: the plan and copies views' model. */
  planView(): Promise<PlanView> {
    return this.withTimeout('the rustConsolidate/planView response', this.connection.sendRequest(planViewRequest));
  }

  /** rustConsolidate/reindex: the server drops its index and builds it again from disk. */
  reindex(): Promise<IndexStatus> {
    return this.withTimeout('the rustConsolidate/reindex response', this.connection.sendRequest(reindexRequest));
  }

  /**
   * The first event of a kind at or after `since` (default: now, i.e. the next one)
   * that passes the predicate. Fails after `timeoutMs` with what was seen instead.
   */
  waitFor<K extends ServerEvent['kind']>(
    kind: K,
    predicate: (event: EventOf<K>) => boolean,
    description: string,
    { since = this.mark(), timeoutMs = DEFAULT_TIMEOUT_MS }: { since?: number; timeoutMs?: number } = {},
  ): Promise<EventOf<K>> {
    const test = (e: ServerEvent) => e.kind === kind && e.seq >= since && predicate(e as EventOf<K>);
    const seen = this.events.find(test);
    if (seen) return Promise.resolve(seen as EventOf<K>);
    if (this.exited) return Promise.reject(this.failure(`server had exited before ${description}`));
    return new Promise<EventOf<K>>((resolve, reject) => {
      const waiter: Waiter = {
        description,
        since,
        test,
        resolve: resolve as (e: ServerEvent) => void,
        reject,
        timer: setTimeout(() => {
          this.settle(waiter);
          reject(this.failure(`timed out after ${timeoutMs} ms waiting for ${description}`, since));
        }, timeoutMs),
      };
      this.waiters.add(waiter);
    });
  }

  /** The next publish for a uri whose diagnostics pass the predicate. */
  async waitForDiagnostics(
    uri: string,
    predicate: (diagnostics: Diagnostic[]) => boolean,
    options?: { since?: number; timeoutMs?: number },
  ): Promise<Diagnostic[]> {
    const event = await this.waitFor('publish', (e) => e.uri === uri && predicate(e.diagnostics), `diagnostics for ${uri}`, options);
    return event.diagnostics;
  }

  /** The next rustConsolidate/status that passes the predicate. */
  async waitForStatus(predicate: (status: IndexStatus) => boolean, options?: { since?: number; timeoutMs?: number }): Promise<IndexStatus> {
    const event = await this.waitFor('status', (e) => predicate(e.status), `a rustConsolidate/status like ${predicate}`, options);
    return event.status;
  }

  /** The end of the first work-done progress the server created. */
  async waitForProgressEnd(options?: { since?: number; timeoutMs?: number }): Promise<void> {
    await this.waitFor('progress', (e) => e.value.kind === 'end', 'the end of work-done progress', options);
  }

  /** shutdown, exit, and the process's own exit; kills the process if any of that fails. */
  async stop(): Promise<void> {
    if (this.exited) return;
    try {
      await this.withTimeout('the shutdown response', this.connection.sendRequest(ShutdownRequest.type));
      await this.connection.sendNotification(ExitNotification.type);
      await this.withTimeout('the server process to exit', this.exitPromise);
    } catch (e) {
      this.kill();
      throw e;
    } finally {
      this.connection.dispose();
    }
    const code = this.exitCode();
    assert(code === 0, this.failure(`server exited with code ${code} after shutdown and exit`));
  }

  /** Ends the server process now; for a test that failed before it could shut down. */
  kill(): void {
    if (!this.exited) this.child.kill();
    this.connection.dispose();
  }

  exitCode(): number | null | undefined {
    return this.exited?.code;
  }

  // ---------------------------------------------------------------------------

  private listen(): void {
    const { connection, child } = this;
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => this.output.push(...chunk.split('\n').filter((l) => l !== '').map((l) => `[stderr] ${l}`)));

    connection.onRequest(WorkDoneProgressCreateRequest.type, ({ token }) => {
      this.record({ kind: 'progress-create', token });
      connection.onProgress(WorkDoneProgress.type, token, (value) => this.record({ kind: 'progress', token, value }));
    });
    connection.onRequest(RegistrationRequest.type, ({ registrations }) => {
      this.record({ kind: 'register', registrations });
    });
    connection.onRequest(ConfigurationRequest.type, ({ items }) => {
      this.record({ kind: 'configuration', sections: items.map((i) => i.section) });
      return items.map((i) => (i.section === 'rustConsolidate' ? this.settings : null));
    });
    connection.onRequest(ApplyWorkspaceEditRequest.type, async ({ edit, label }) => {
      this.record({ kind: 'apply-edit', label });
      await this.applyEdit(edit);
      return { applied: true };
    });
    connection.onNotification(PublishDiagnosticsNotification.type, ({ uri, diagnostics }) => {
      this.diagnostics.set(uri, diagnostics);
      this.record({ kind: 'publish', uri, diagnostics });
    });
    connection.onNotification(statusNotification, (status) => this.record({ kind: 'status', status }));
    connection.onNotification(planViewChangedNotification, ({ view, changed }) => this.record({ kind: 'plan-view', view, changed }));
    connection.onNotification(LogMessageNotification.type, ({ message }) => {
      this.output.push(`[log] ${message}`);
    });
    connection.onNotification(ShowMessageNotification.type, ({ message }) => {
      this.output.push(`[show] ${message}`);
      this.record({ kind: 'show', message });
    });
    connection.onError(([error]) => this.output.push(`[connection] ${error.message}`));
    connection.listen();
  }

  private record(event: WithoutSeq<ServerEvent>): void {
    const full = { ...event, seq: this.events.length } as ServerEvent;
    this.events.push(full);
    for (const waiter of [...this.waiters]) {
      if (!waiter.test(full)) continue;
      this.settle(waiter);
      waiter.resolve(full);
    }
  }

  private settle(waiter: Waiter): void {
    clearTimeout(waiter.timer);
    this.waiters.delete(waiter);
  }

  private withTimeout<T>(description: string, promise: Promise<T>, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(this.failure(`timed out after ${timeoutMs} ms waiting for ${description}`)), timeoutMs);
    });
    return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
  }

  /** An error that says what the server did send, and what it wrote to its logs. */
  private failure(message: string, since = 0): Error {
    const seen = this.events.slice(since).map(describe);
    const shown = seen.length > 40 ? ['...', ...seen.slice(-40)] : seen;
    return new Error(
      `${message}\n  server messages since the wait began:\n    ${shown.join('\n    ') || '(none)'}` +
        `\n  server output:\n    ${this.output.slice(-30).join('\n    ') || '(none)'}`,
    );
  }
}

function describe(event: ServerEvent): string {
  switch (event.kind) {
    case 'publish':
      return `publish ${event.uri}: ${event.diagnostics.map((d) => `${d.code}/${d.severity}@${d.range.start.line}`).join(', ') || '[]'}`;
    case 'status':
      return `status ${JSON.stringify(event.status)}`;
    case 'progress':
      return `progress ${JSON.stringify(event.value)}`;
    default:
      return event.kind;
  }
}

function assert(condition: boolean, error: Error): void {
  if (!condition) throw error;
}
