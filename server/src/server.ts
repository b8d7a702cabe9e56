// The language server: glues the workspace index to LSP. It indexes the
// folders at start (with work-done progress), then follows saves and file
// events one file at a time, republishing only the files whose findings changed.
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CodeActionKind,
  CodeLensRefreshRequest,
  DidChangeConfigurationNotification,
  ErrorCodes,
  ResponseError,
  StreamMessageReader,
  StreamMessageWriter,
  DidChangeWatchedFilesNotification,
  FileChangeType,
  MessageType,
  ProposedFeatures,
  ShowMessageNotification,
  TextDocumentSyncKind,
  WatchKind,
  createConnection,
} from 'vscode-languageserver/node';
import type { Connection, Diagnostic, InitializeError, InitializeParams, InitializeResult } from 'vscode-languageserver/node';
import { WorkspaceIndex } from './core/index';
import type { IndexProgress, IndexStats } from './core/index';
import { DEFAULT_OPTIONS, FINDING_CODES } from './core/model';
import type { AnalysisOptions, FindingCode, Log, Severity } from './core/model';
import { createAnalyzer } from './core/source/pool';
import { mergeOptions, readSharedSettings } from './core/settings';
import type { SourceAnalyzer } from './core/index';
import { FIX_ALL_KIND, REPLACE_ALL_IN_CRATE, REPLACE_COPIES_KIND, codeActions, refusalOf, replaceAllInCrate, reportBulkFix } from './features/codeActions';
import type { EditorSupport } from './features/codeActions';
import { OpenDocuments } from './features/openDocuments';
import { declarationHint, toDiagnostic, uriOf } from './features/diagnostics';
import { copyLenses, otherCopies } from './features/copies';
import { describeIndex } from './features/indexLog';
import { PlanFeature } from './features/plan';
import { readPlanTexts, withPlanAuthority } from './core/plan';
import { ALLOW_FINDING, allowActions, allowEdit } from './features/suppress';
import { duplicationMapView } from './features/duplicationMap';
import { PLAN_COMMANDS, duplicationMapRequest, planViewChangedNotification, planViewRequest, reindexRequest, statusNotification } from './protocol';
import type { IndexStatus, ServerSettings } from './protocol';

type Change = 'changed' | 'deleted';

let shutdownRequested = false;

/**
 * The connection the command line asks for. Over `--stdio` the reader is made
 * here so a broken frame (`Content-Length: abc`, no Content-Length) ends the
 * process with an error instead of leaving it alive and deaf: the reader
 * cannot find the next message after one, and a client restarts a server
 * that exits. A body that is not JSON, within a good frame, is only logged.
 */
function standardConnection(): Connection {
  if (!process.argv.slice(2).includes('--stdio')) return createConnection(ProposedFeatures.all);
  const reader = new StreamMessageReader(process.stdin);
  reader.onError((error) => {
    if (!/Content-Length/i.test(error.message)) return;
    process.stderr.write(`rust-consolidate: malformed message header, exiting: ${error.message}\n`);
    process.exit(1);
  });
  reader.onClose(() => process.exit(shutdownRequested ? 0 : 1));
  return createConnection(ProposedFeatures.all, reader, new StreamMessageWriter(process.stdout));
}

export function startServer(connection: Connection = standardConnection()): void {
  let initializeAnswered = false;
  let folders: string[] = [];
  let initializationSettings: Partial<ServerSettings> = {};
  /** Where the analysis keeps facts by content between sessions: the client's storage, if it gives one. */
  let cacheFolder: string | undefined;
  let canPullConfiguration = false;
  let canRegisterWatchers = false;
  let canRegisterConfiguration = false;
  let canFollowFolders = false;
  /** The client re-asks for code lenses on workspace/codeLens/refresh: sent when copies change. */
  let canRefreshLenses = false;
  let index: WorkspaceIndex | undefined;
  const documents = new OpenDocuments((file) => index?.display(file) ?? file);
  let support: EditorSupport = { disabledActions: false, deleteFiles: false, versions: (p) => documents.versions(p) };
  let analyzer: SourceAnalyzer | undefined;
  let indexing = false;
  /** File events waiting to be applied, one per file: a newer event replaces an older one. */
  const pending = new Map<string, Change>();
  let draining: Promise<void> = Promise.resolve();
  /** The copy files whose `mod` declarations sit in each file, for the hints there. */
  const declaredIn = new Map<string, Set<string>>();
  const declarationOf = new Map<string, string>();
  /** What was last sent for each file, as JSON. */
  const published = new Map<string, string>();
  /** The figures of the last complete index, shown while a new one is built. */
  let lastStats: IndexStats | undefined;
  let options: AnalysisOptions = DEFAULT_OPTIONS;
  /** A plan file was created, changed or deleted since the plans were last read. */
  let plansChanged = false;
  const plans = new PlanFeature({
    index: () => (indexing ? undefined : index),
    folders: () => folders,
    options: () => options,
    log: {
      info: (message) => connection.console.info(message),
      warn: (message) => connection.console.warn(message),
    },
    publish: (file, diagnostics) => void connection.sendDiagnostics({ uri: uriOf(file), diagnostics }),
    viewChanged: (view, changed) => void connection.sendNotification(planViewChangedNotification, { view, changed }),
    applyEdit: async (label, edit) => {
      const result = await connection.workspace.applyEdit({ label, edit });
      if (!result.applied) log.warn(`${label}: not applied${result.failureReason ? `: ${result.failureReason}` : ''}`);
      return result.applied;
    },
    editorSupport: () => support,
    applyBulkFix: async (bulk) => {
      const result = await connection.workspace.applyEdit({ label: bulk.action!.title, edit: bulk.action!.edit! });
      if (index) reportBulkFix(connection, index, bulk, result);
    },
  });

  const log: Log = {
    info: (message) => connection.console.info(message),
    warn: (message) => connection.console.warn(message),
  };

  connection.onInitialize((params: InitializeParams): InitializeResult | ResponseError<InitializeError> => {
    // LSP: initialize is sent once. A second one would replace the folders under a running index.
    if (initializeAnswered) return new ResponseError(ErrorCodes.InvalidRequest, 'initialize was already received; the server is initialized', { retry: false });
    initializeAnswered = true;
    folders = (params.workspaceFolders ?? []).map((f) => fileURLToPath(f.uri));
    if (folders.length === 0 && params.rootUri) folders = [fileURLToPath(params.rootUri)];
    initializationSettings = (params.initializationOptions as Partial<ServerSettings> | undefined) ?? {};
    const cache = (params.initializationOptions as { cacheFolder?: unknown } | undefined)?.cacheFolder;
    cacheFolder = typeof cache === 'string' && path.isAbsolute(cache) ? cache : undefined;
    const workspace = params.capabilities.workspace;
    canPullConfiguration = workspace?.configuration === true;
    canRegisterWatchers = workspace?.didChangeWatchedFiles?.dynamicRegistration === true;
    canRegisterConfiguration = workspace?.didChangeConfiguration?.dynamicRegistration === true;
    canFollowFolders = workspace?.workspaceFolders === true;
    canRefreshLenses = workspace?.codeLens?.refreshSupport === true;
    support = {
      disabledActions: params.capabilities.textDocument?.codeAction?.disabledSupport === true,
      deleteFiles:
        workspace?.workspaceEdit?.documentChanges === true &&
        (workspace.workspaceEdit.resourceOperations ?? []).includes('delete'),
      versions: (p) => documents.versions(p),
    };
    return {
      capabilities: {
        // Open documents are followed for their versions only: a fix's edit names the one it was computed on.
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
        workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND, REPLACE_COPIES_KIND] },
        codeLensProvider: {},
        referencesProvider: true,
        executeCommandProvider: { commands: [REPLACE_ALL_IN_CRATE, ALLOW_FINDING, ...Object.values(PLAN_COMMANDS)] },
      },
      serverInfo: { name: 'rust-consolidate', version: '0.1.0' },
    };
  });

  connection.onInitialized(async () => {
    if (canRegisterWatchers) {
      await connection.client.register(DidChangeWatchedFilesNotification.type, {
        watchers: [
          { globPattern: '**/*.rs', kind: WatchKind.Create | WatchKind.Change | WatchKind.Delete },
          { globPattern: '**/Cargo.toml', kind: WatchKind.Create | WatchKind.Change | WatchKind.Delete },
          { globPattern: '**/*.{md,markdown}', kind: WatchKind.Create | WatchKind.Change | WatchKind.Delete },
        ],
      });
    }
    if (canRegisterConfiguration) {
      await connection.client.register(DidChangeConfigurationNotification.type, { section: 'rustConsolidate' });
    }
    // vscode-languageserver throws on this subscription for a client without folder support.
    if (canFollowFolders) {
      connection.workspace.onDidChangeWorkspaceFolders((event) => {
        const removed = new Set(event.removed.map((f) => fileURLToPath(f.uri)));
        folders = [...folders.filter((f) => !removed.has(f)), ...event.added.map((f) => fileURLToPath(f.uri))];
        void serialize(() => fullIndex());
      });
    }
    await serialize(() => fullIndex());
  });

  connection.onDidChangeConfiguration(({ settings }) => {
    // A client that cannot answer workspace/configuration pushes its settings here.
    const pushed = (settings as { rustConsolidate?: Partial<ServerSettings> } | null)?.rustConsolidate;
    if (!canPullConfiguration && pushed) initializationSettings = { ...initializationSettings, ...pushed };
    void serialize(async () => {
      if (!index) return;
      publish(await index.setOptions(await readOptions()));
      await plans.reload();
      sendStatus();
    });
  });

  documents.listen(connection);
  connection.onDidSaveTextDocument(({ textDocument }) => enqueue(textDocument.uri, 'changed'));

  connection.onDidChangeWatchedFiles(({ changes }) => {
    for (const change of changes) enqueue(change.uri, change.type === FileChangeType.Deleted ? 'deleted' : 'changed');
  });

  connection.onCodeAction((params) => {
    if (!index || indexing) return [];
    if (plans.isPlanFile(fileURLToPath(params.textDocument.uri))) return plans.codeActions(params);
    return [...codeActions(index, params, support), ...allowActions(index, params)];
  });

  connection.onCodeLens((params) => (index && !indexing ? copyLenses(index, params) : []));
  connection.onReferences((params) => (index && !indexing ? otherCopies(index, params) : []));

  connection.onRequest(planViewRequest, () => plans.currentView());
  connection.onRequest(duplicationMapRequest, () => duplicationMapView(indexing ? undefined : index));

  connection.onExecuteCommand(async ({ command, arguments: args }) => {
    const id = typeof args?.[0] === 'string' ? args[0] : undefined;
    switch (command) {
      case PLAN_COMMANDS.toggleItem:
        return id ? plans.toggleItem(id) : undefined;
      case PLAN_COMMANDS.markAllDone:
        return plans.markAllDone(id);
      case PLAN_COMMANDS.generatePlan:
        return plans.generate();
      case PLAN_COMMANDS.fixNode: {
        const refused = id ? await plans.fixNode(id) : 'no plan item given';
        if (refused) void connection.window.showInformationMessage(`Rust Consolidate: ${refused}.`);
        return undefined;
      }
    }
    if (command === ALLOW_FINDING && index) return allowFinding(index, args ?? []);
    if (command !== REPLACE_ALL_IN_CRATE || !index) return;
    const uri = typeof args?.[0] === 'string' ? args[0] : undefined;
    const bulk = uri ? replaceAllInCrate(index, fileURLToPath(uri), support) : undefined;
    if (!bulk?.action?.edit) {
      const reason = bulk?.action?.disabled?.reason ?? bulk?.refused[0]?.refused;
      // A notification: a client without window/showMessageRequest would leave the request's rejection unhandled.
      void connection.sendNotification(ShowMessageNotification.type, {
        type: MessageType.Info,
        message: reason ? `Rust Consolidate: ${reason}` : 'Rust Consolidate: no copies to replace in this crate.',
      });
      return;
    }
    const result = await connection.workspace.applyEdit({ label: bulk.action.title, edit: bulk.action.edit });
    reportBulkFix(connection, index, bulk, result);
  });

  connection.onRequest(reindexRequest, () => serialize(() => fullIndex()).then(() => status()));

  connection.onShutdown(() => {
    shutdownRequested = true;
    analyzer?.dispose();
  });

  connection.listen();

  // ---------------------------------------------------------------------------

  async function allowFinding(current: WorkspaceIndex, args: unknown[]): Promise<void> {
    const result = allowEdit(current, args);
    if ('refused' in result) {
      // A notification, not showMessageRequest: nothing to answer, and every client shows it.
      void connection.sendNotification(ShowMessageNotification.type, { type: MessageType.Info, message: `Rust Consolidate: ${result.refused}.` });
      return;
    }
    const applied = await connection.workspace.applyEdit({ label: result.title, edit: result.edit });
    if (!applied.applied) log.warn(`${result.title}: not applied${applied.failureReason ? `: ${applied.failureReason}` : ''}`);
  }

  /** Index work runs one piece at a time, in order. */
  function serialize<T>(work: () => Promise<T>): Promise<T> {
    const run = draining.then(work);
    draining = run.then(
      () => undefined,
      (e) => log.warn(`index update failed: ${(e as Error).stack ?? e}`),
    );
    return run;
  }

  function enqueue(uri: string, change: Change): void {
    if (!uri.startsWith('file:')) return;
    const file = fileURLToPath(uri);
    if (plans.isPlanFile(file)) {
      plansChanged = true;
    } else if (!file.endsWith('.rs') && path.basename(file) !== 'Cargo.toml') {
      return;
    }
    const waiting = pending.size > 0;
    pending.set(file, change);
    if (!waiting) void serialize(applyPending);
  }

  async function applyPending(): Promise<void> {
    while (pending.size > 0 && index) {
      const [file, change] = pending.entries().next().value as [string, Change];
      pending.delete(file);
      if (!file.endsWith('.rs') && path.basename(file) !== 'Cargo.toml') continue; // a plan: read again below
      const changed =
        path.basename(file) === 'Cargo.toml'
          ? await index.updateManifest(file)
          : change === 'deleted'
            ? index.removeSource(file)
            : await index.updateSource(file);
      publish(changed);
      // A folder's own Cargo.toml holds the team's shared settings.
      if (path.basename(file) === 'Cargo.toml' && folders.includes(path.dirname(file))) await reloadSharedSettings();
    }
    // A plan's items depend on files that carry no findings too (a new module, a manifest's features).
    if (plansChanged) {
      plansChanged = false;
      // A plan that now names another authoritative crate changes which copies are kept.
      const before = JSON.stringify(options.planAuthoritativeCrates ?? []);
      const next = await readOptions();
      if (JSON.stringify(next.planAuthoritativeCrates ?? []) !== before) publish(await index!.setOptions(next));
      await plans.reload();
    } else {
      plans.refresh();
    }
    // With the files the plans read for this change.
    sendStatus();
  }

  async function reloadSharedSettings(): Promise<void> {
    const before = JSON.stringify(options);
    const next = await readOptions();
    if (index && JSON.stringify(next) !== before) publish(await index.setOptions(next));
  }

  async function fullIndex(): Promise<void> {
    analyzer ??= await createAnalyzer({ cacheFolder });
    const previous = index ? index.filesWithFindings() : [];
    // The plans' authority is read while the analysis threads read the workspace (see WorkspaceIndex.build).
    index = new WorkspaceIndex(folders, await readOptions(false), analyzer, log);
    indexing = true;
    sendStatus();
    const progress = await connection.window.createWorkDoneProgress();
    progress.begin('Rust Consolidate', 0, 'indexing the workspace', false);
    const started = performance.now();
    let lastReport = 0;
    const report = ({ phase, done, total }: IndexProgress) => {
      const now = performance.now();
      if (now - lastReport < 100 && done < total) return;
      lastReport = now;
      const percentage = phase === 'fingerprinting' && total > 0 ? Math.round((done / total) * 90) : phase === 'analysing' ? 95 : 0;
      progress.report(percentage, phase === 'fingerprinting' ? `fingerprinting ${done}/${total} files` : `${phase}`);
    };
    try {
      // Events that arrived while indexing stay queued: applyPending re-reads
      // those files after this, in case they changed after they were read.
      const changed = await index.build(report, () => {
        options = withPlansAuthority(options);
        return options.planAuthoritativeCrates ?? [];
      });
      indexing = false;
      publish([...new Set([...previous, ...changed])]);
      await plans.reload();
      log.info(describeIndex(folders, index.stats(), index.allFindings(), index.suppressedFindings().length, Math.round(performance.now() - started)));
    } finally {
      indexing = false;
      // The status counts what the plans read too: sent before the progress ends, as after every index.
      sendStatus();
      progress.done();
    }
  }

  function publish(changed: string[]): void {
    if (!index || changed.length === 0) {
      sendStatus();
      return;
    }
    const files = new Set(changed);
    for (const file of changed) {
      const before = declarationOf.get(file);
      const now = index.findingsFor(file).find((f) => f.declaration)?.declaration?.file;
      if (before === now) continue;
      if (before) {
        declaredIn.get(before)?.delete(file);
        files.add(before);
      }
      if (now) {
        if (!declaredIn.has(now)) declaredIn.set(now, new Set());
        declaredIn.get(now)!.add(file);
        declarationOf.set(file, now);
        files.add(now);
      } else {
        declarationOf.delete(file);
      }
    }
    for (const file of changed) {
      // A copy whose finding changed changes the hint on its `mod` line too.
      const declaration = declarationOf.get(file);
      if (declaration) files.add(declaration);
    }
    for (const file of files) {
      const diagnostics = diagnosticsFor(file);
      const text = JSON.stringify(diagnostics);
      // A finding can change in what the client does not see (the position of
      // its mod line, kept for the hint): nothing to send then.
      if ((published.get(file) ?? '[]') === text) continue;
      if (diagnostics.length > 0) published.set(file, text);
      else published.delete(file);
      void connection.sendDiagnostics({ uri: uriOf(file), diagnostics });
    }
    if (canRefreshLenses) void connection.sendRequest(CodeLensRefreshRequest.type).catch(() => undefined);
    sendStatus();
  }

  function diagnosticsFor(file: string): Diagnostic[] {
    const display = (f: string) => index!.display(f);
    const diagnostics = index!.findingsFor(file).map((f) => toDiagnostic(f, refusalOf(index!, f), display));
    for (const copy of declaredIn.get(file) ?? []) {
      for (const finding of index!.findingsFor(copy)) {
        const hint = declarationHint(finding, display);
        if (hint) diagnostics.push(hint);
      }
    }
    return diagnostics;
  }

  function status(): IndexStatus {
    const stats = indexing ? lastStats : (lastStats = index?.stats());
    return {
      state: indexing ? 'indexing' : 'ready',
      crates: stats?.crates ?? 0,
      files: stats?.files ?? 0,
      copies: stats?.copies ?? 0,
      duplicatedLines: stats?.duplicatedLines ?? 0,
      findings: stats?.findings ?? 0,
      sharedLines: indexing ? (lastSharedLines ?? 0) : (lastSharedLines = duplicationMapView(index).map.lines),
      // The plans' reads too: a save must not make them read files that did not change.
      filesRead: (index?.filesRead ?? 0) + plans.filesRead,
    };
  }

  let lastStatus = '';
  let lastSharedLines: number | undefined;
  function sendStatus(): void {
    const now = status();
    const text = JSON.stringify(now);
    if (text === lastStatus) return;
    lastStatus = text;
    void connection.sendNotification(statusNotification, now);
  }

  /** `withPlans`: with the crates the workspace's plans name as authoritative (a walk of the tree for the plans). */
  async function readOptions(withPlans = true): Promise<AnalysisOptions> {
    let settings: Partial<ServerSettings> = initializationSettings;
    if (canPullConfiguration) {
      try {
        settings = { ...settings, ...((await connection.workspace.getConfiguration('rustConsolidate')) ?? {}) };
      } catch (e) {
        log.warn(`cannot read settings: ${(e as Error).message}`);
      }
    }
    // The editor's settings win over the team's in Cargo.toml: only those the user set are here.
    const shared = folders.map(readSharedSettings).flatMap((s) => (s ? [s.options] : []));
    options = mergeOptions(DEFAULT_OPTIONS, shared, editorOptions(settings));
    if (withPlans) options = withPlansAuthority(options);
    return options;
  }

  /** The crate the workspace's plans name as authoritative keeps its copies, below the setting (a walk of the tree for the plans). */
  function withPlansAuthority(settings: AnalysisOptions): AnalysisOptions {
    return withPlanAuthority(settings, readPlanTexts(folders, settings.planFiles));
  }
}

/** The editor settings that are set and valid; the rest fall back to the shared settings, then the defaults. */
function editorOptions(settings: Partial<ServerSettings>): Partial<AnalysisOptions> {
  const severity: AnalysisOptions['severity'] = {};
  for (const code of FINDING_CODES) {
    const value = settings.severity?.[code];
    if (value && ['error', 'warning', 'information', 'hint', 'off'].includes(value)) {
      severity[code as FindingCode] = value as Severity | 'off';
    }
  }
  const strings = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : undefined);
  const number = (v: unknown, min: number, max = Infinity) => (typeof v === 'number' && v >= min && v <= max ? v : undefined);
  const flag = (v: unknown) => (typeof v === 'boolean' ? v : undefined);
  const pairs = Array.isArray(settings.ignorePairs)
    ? settings.ignorePairs.filter((p): p is [string, string] => Array.isArray(p) && p.length === 2 && p.every((x) => typeof x === 'string'))
    : undefined;
  return {
    authoritativeCrates: strings(settings.authoritativeCrates),
    exclude: strings(settings.exclude),
    severity,
    minimumTokens: number(settings.minimumTokens, 1),
    nearMiss: flag(settings.nearMiss),
    similarityThreshold: number(settings.similarityThreshold, 0.01, 1),
    minimumItemLines: number(settings.minimumItemLines, 1),
    minimumItemTokens: number(settings.minimumItemTokens, 1),
    includeTests: flag(settings.includeTests),
    includeGenerated: flag(settings.includeGenerated),
    ignorePaths: strings(settings.ignorePaths),
    ignorePairs: pairs,
    planFiles: strings(settings.planFiles),
    maxFileBytes: number(settings.maxFileBytes, 1),
    versionGroups: strings(settings.versionGroups),
  };
}

