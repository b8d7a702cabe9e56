// Code actions: the quick fix behind each finding, and every copy at once.
// A fix that deletes files or edits another file is a quick fix the user
// picks, never a fixAll an editor runs on save; a bulk fix asks for VS Code's
// refactor preview first; every edit names the document versions it was
// computed on, so a stale one is refused instead of applied at the wrong place.
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CodeActionKind, MessageType, ShowMessageNotification } from 'vscode-languageserver/node';
import type { AnnotatedTextEdit, CodeAction, CodeActionParams, Connection, Diagnostic, WorkspaceEdit } from 'vscode-languageserver/node';
import { preconditionsOf } from '../core/fixes/apply';
import type { Precondition } from '../core/fixes/apply';
import { COPY_CODES, fixesFor, fixesTogether, mergeFixes } from '../core/fixes/fixes';
import type { FileChange, Fix } from '../core/fixes/fixes';
import type { WorkspaceIndex } from '../core/index';
import type { Finding } from '../core/model';
import { compareActions } from './compare';
import { SOURCE, uriOf } from './diagnostics';

/** Only fixes that edit the file they are asked on, and delete nothing: the removal of an inverted dependency. */
export const FIX_ALL_KIND = `${CodeActionKind.SourceFixAll}.rustConsolidate`;
/** Every copy declared in a file replaced at once: a refactor the user asks for, shown in a preview. */
export const REPLACE_COPIES_KIND = `${CodeActionKind.RefactorRewrite}.rustConsolidate.replaceCopies`;

/** Server command: replace every copy in the crate of the file given as a URI, as one edit. */
export const REPLACE_ALL_IN_CRATE = 'rust-consolidate.replaceAllCopiesInCrate';

export interface EditorSupport {
  /** The client can show a refused action with its reason (`disabled`). */
  disabledActions: boolean;
  /** The client can delete files through a WorkspaceEdit. */
  deleteFiles: boolean;
  /**
   * The version of the open document each file's edit must apply to (null:
   * not open, the file on disk), or why the edit is refused: a file that
   * changed since the index read it.
   */
  versions: (preconditions: Precondition[]) => Map<string, number | null> | { refused: string };
}

/** The reason a finding's fix is refused, for its diagnostic; none when it has a fix or none is expected. */
export function refusalOf(index: WorkspaceIndex, finding: Finding): string | undefined {
  // A copy's announced fix titles come from the same plan that refuses it; the removal of an
  // inverted dependency is always announced, and refused only once its manifest is read.
  const asked = finding.code === 'inverted-dependency' || (COPY_CODES.has(finding.code) && finding.fixes.length === 0);
  return asked ? fixesFor(index, finding).find((f) => f.refused)?.refused : undefined;
}

export function codeActions(index: WorkspaceIndex, params: CodeActionParams, support: EditorSupport): CodeAction[] {
  const file = fileURLToPath(params.textDocument.uri);
  const actions: CodeAction[] = [];
  const only = params.context.only;
  const wants = (kind: string) => !only || only.some((k) => kind === k || kind.startsWith(k + '.'));
  if (wants(CodeActionKind.QuickFix)) {
    for (const diagnostic of params.context.diagnostics) {
      if (diagnostic.source !== SOURCE) continue;
      const finding = findingOf(index, file, diagnostic);
      if (!finding) continue;
      for (const fix of fixesFor(index, finding)) {
        const action = toAction(index, fix, CodeActionKind.QuickFix, support);
        if (!action) continue;
        action.diagnostics = [diagnostic];
        action.isPreferred = !fix.refused && COPY_CODES.has(fix.code);
        actions.push(action);
      }
      // After the fix, as a quick action beside it.
      actions.push(...compareActions(finding, diagnostic, (f) => index.graph.crateOf(f)?.name));
    }
  }
  // Editors run fixAll on save: only what edits this file alone and deletes nothing.
  if (only && wants(FIX_ALL_KIND)) {
    const fixes = index
      .findingsFor(file)
      .flatMap((f) => fixesFor(index, f))
      .filter((f) => !f.refused && f.changes.every((c) => c.kind === 'edit' && c.file === file));
    if (fixes.length > 0) {
      const { changes, merged } = mergeFixes(fixes);
      const action = toAction(index, { ...merged[0], title: `Fix ${merged.length === 1 ? merged[0].title.toLowerCase() : `${merged.length} findings`}`, changes }, FIX_ALL_KIND, support);
      if (action) actions.push(action);
    }
  }
  // Asked for (Refactor or Source Action menu), never on save: it deletes files.
  if (only && wants(REPLACE_COPIES_KIND)) {
    const findings = [...index.allFindings()].filter(
      (f) => COPY_CODES.has(f.code) && (f.file === file || f.declaration?.file === file),
    );
    const action = combined(index, findings, 'Replace every copy declared here with a re-export', REPLACE_COPIES_KIND, support);
    if (action) actions.push(action);
  }
  return actions;
}

/** The copies in the crate of `file`, replaced as one edit. */
export function replaceAllInCrate(index: WorkspaceIndex, file: string, support: EditorSupport): BulkFix | undefined {
  const crate = index.graph.crateOf(file);
  if (!crate) return undefined;
  const findings = index.allFindings().filter((f) => COPY_CODES.has(f.code) && index.graph.crateOf(f.file) === crate);
  return bulkFix(index, findings, `Replace all copies in ${crate.name}`, CodeActionKind.QuickFix, support);
}

/**
 * After a bulk fix: every fix applied and refused, with why, in the output
 * channel (the server's log), and a notification that counts them.
 */
export function reportBulkFix(
  connection: Connection,
  index: WorkspaceIndex,
  bulk: BulkFix,
  result: { applied: boolean; failureReason?: string },
): void {
  const title = bulk.action?.title ?? 'Fix';
  const lines = result.applied
    ? [`${title}: applied ${bulk.applied.length}, refused ${bulk.refused.length}`, ...bulk.applied.map((f) => `  applied ${index.display(f.file)}: ${f.title}`)]
    : [`${title}: not applied${result.failureReason ? `: ${result.failureReason}` : ' (cancelled in the preview, or the files changed)'}`];
  lines.push(...bulk.refused.map((f) => `  refused ${index.display(f.file)}: ${f.title}: ${f.refused}`));
  connection.console.info(lines.join('\n'));
  const counts = result.applied
    ? `applied ${bulk.applied.length} ${bulk.applied.length === 1 ? 'fix' : 'fixes'}${bulk.refused.length > 0 ? `, refused ${bulk.refused.length}` : ''}`
    : 'nothing was applied';
  // A notification, not a request: nothing to wait for, and no client left with a request it cannot answer.
  void connection.sendNotification(ShowMessageNotification.type, {
    type: MessageType.Info,
    message: `Rust Consolidate: ${counts}. The output channel lists each one${bulk.refused.length > 0 ? ' and why it was refused' : ''}.`,
  });
}

/** Several findings' fixes as one edit that asks for confirmation, and what was refused, for the report afterwards. */
export interface BulkFix {
  action: CodeAction | undefined;
  applied: Fix[];
  refused: Fix[];
}

export function bulkFix(index: WorkspaceIndex, findings: Finding[], title: string, kind: string, support: EditorSupport): BulkFix {
  const fixes = fixesTogether(index, findings);
  const { changes, merged, conflicting } = mergeFixes(fixes);
  const refused = [
    ...fixes.filter((f) => f.refused),
    ...conflicting.map((f) => ({ ...f, refused: 'its edits overlap those of another fix; run it again afterwards' })),
  ];
  if (merged.length === 0) return { action: undefined, applied: [], refused };
  const fix = { title: `${title} (${merged.length} ${merged.length === 1 ? 'fix' : 'fixes'})`, code: merged[0].code, file: merged[0].file, changes };
  return { action: toAction(index, fix, kind, support, summary(index, merged, refused)), applied: merged, refused };
}

function combined(index: WorkspaceIndex, findings: Finding[], title: string, kind: string, support: EditorSupport): CodeAction | undefined {
  if (findings.length === 0) return undefined;
  return bulkFix(index, findings, title, kind, support).action;
}

/** What a bulk fix will do, on one line of the preview; the reasons of the refusals go to the output channel afterwards. */
function summary(index: WorkspaceIndex, applied: Fix[], refused: Fix[]): string {
  const fixes = `${applied.length} ${applied.length === 1 ? 'fix' : 'fixes'}`;
  if (refused.length === 0) return fixes;
  return `${fixes}; Not fixable automatically: ${refused.map((f) => index.display(f.file)).join(', ')}`;
}

/**
 * `confirm`: the description of a bulk fix, whose edit then carries a change
 * annotation that needs confirmation, so VS Code shows its refactor preview.
 */
function toAction(index: WorkspaceIndex, fix: Fix, kind: string, support: EditorSupport, confirm?: string): CodeAction | undefined {
  const deletes = fix.changes.some((c) => c.kind !== 'edit');
  const title = fix.refused ? fix.title : `${fix.title} (${whatItDoes(fix.changes)})`;
  let refused = fix.refused ?? (deletes && !support.deleteFiles ? 'this editor cannot delete files through the language server' : undefined);
  let versions: Map<string, number | null> | undefined;
  if (!refused) {
    const preconditions = preconditionsOf(index, fix.changes);
    const found = 'refused' in preconditions ? preconditions : support.versions(preconditions);
    if ('refused' in found) refused = found.refused as string;
    else versions = found;
  }
  if (refused || !versions) {
    // An editor that cannot show why an action is unavailable would only show a dead entry.
    return support.disabledActions ? { title, kind, disabled: { reason: refused ?? 'no edit' } } : undefined;
  }
  return { title, kind, edit: toWorkspaceEdit(fix.changes, { versions, confirm: confirm === undefined ? undefined : { label: fix.title, description: confirm } }) };
}

/** "deletes 2 files, edits lib.rs and Cargo.toml": what a fix does, in its title. */
export function whatItDoes(changes: FileChange[]): string {
  const deleted = changes.filter((c) => c.kind === 'delete').length;
  const edited = [...new Set(changes.flatMap((c) => (c.kind === 'edit' ? [path.basename(c.file)] : [])))];
  const parts: string[] = [];
  if (deleted > 0) parts.push(`deletes ${deleted} ${deleted === 1 ? 'file' : 'files'}`);
  if (edited.length > 0) {
    const names = edited.length <= 3 ? edited.slice(0, -1).join(', ') + (edited.length > 1 ? ' and ' : '') + edited[edited.length - 1] : `${edited.length} files`;
    parts.push(`edits ${names}`);
  }
  return parts.join(', ');
}

/**
 * Edits first, then deletions, in the order a client applies `documentChanges`.
 * `versions`: the document version of each edited file (null: not open).
 * `confirm`: a bulk fix, whose changes are annotated in two groups so that
 * VS Code opens its refactor preview first: the deletions need confirmation
 * (unticked until the user ticks them: deleting files is what cannot be taken
 * back by reading the diff), the edits are ticked; with no deletion the edits
 * need it instead.
 */
export function toWorkspaceEdit(
  changes: FileChange[],
  options: { versions?: ReadonlyMap<string, number | null>; confirm?: { label: string; description: string } } = {},
): WorkspaceEdit {
  const confirm = options.confirm;
  const editsId = confirm ? 'rustConsolidate.bulkFix.edits' : undefined;
  const deletesId = confirm ? 'rustConsolidate.bulkFix.deletes' : undefined;
  const edits = changes.flatMap((c) =>
    c.kind === 'edit'
      ? [
          {
            textDocument: { uri: uriOf(c.file), version: options.versions?.get(c.file) ?? null },
            edits: editsId ? c.edits.map((e): AnnotatedTextEdit => ({ ...e, annotationId: editsId })) : c.edits,
          },
        ]
      : [],
  );
  const deletes = changes.flatMap((c) =>
    c.kind === 'delete' ? [{ kind: 'delete' as const, uri: uriOf(c.file), options: { ignoreIfNotExists: true }, annotationId: deletesId }] : [],
  );
  const folders = changes.flatMap((c) =>
    c.kind === 'deleteFolder'
      ? [{ kind: 'delete' as const, uri: uriOf(c.dir), options: { recursive: true, ignoreIfNotExists: true }, annotationId: deletesId }]
      : [],
  );
  const edit: WorkspaceEdit = { documentChanges: [...edits, ...deletes, ...folders] };
  if (confirm && editsId && deletesId) {
    const edited = [...new Set(changes.flatMap((c) => (c.kind === 'edit' ? [path.basename(c.file)] : [])))].sort();
    edit.changeAnnotations = {};
    const deleting = deletes.length + folders.length > 0;
    if (edits.length > 0) {
      edit.changeAnnotations[editsId] = { label: `${confirm.label}: edits ${edited.join(', ')}`, description: confirm.description, needsConfirmation: !deleting };
    }
    if (deleting) {
      edit.changeAnnotations[deletesId] = { label: `${confirm.label}: deletes ${deletes.length} ${deletes.length === 1 ? 'copy' : 'copies'}`, description: confirm.description, needsConfirmation: true };
    }
  }
  return edit;
}

/** The finding behind a diagnostic: on the file itself, or, for the hint on a `mod` line, on the copy. */
function findingOf(index: WorkspaceIndex, file: string, diagnostic: Diagnostic): Finding | undefined {
  const data = diagnostic.data as { file?: string } | undefined;
  const owner = data?.file ?? file;
  return index
    .findingsFor(owner)
    .find((f) => f.code === diagnostic.code && (owner !== file || sameRange(f.range, diagnostic.range)));
}

function sameRange(a: Diagnostic['range'], b: Diagnostic['range']): boolean {
  return a.start.line === b.start.line && a.start.character === b.start.character && a.end.line === b.end.line && a.end.character === b.end.character;
}
