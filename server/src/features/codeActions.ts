// Code actions: the quick fix behind each finding, and every copy at once.
import { fileURLToPath } from 'node:url';
import { CodeActionKind } from 'vscode-languageserver/node';
import type { CodeAction, CodeActionParams, Diagnostic, WorkspaceEdit } from 'vscode-languageserver/node';
import { COPY_CODES, fixesFor, fixesTogether, mergeFixes } from '../core/fixes/fixes';
import type { FileChange, Fix } from '../core/fixes/fixes';
import type { WorkspaceIndex } from '../core/index';
import type { Finding } from '../core/model';
import { compareActions } from './compare';
import { SOURCE, uriOf } from './diagnostics';

export const FIX_ALL_KIND = `${CodeActionKind.SourceFixAll}.rustConsolidate`;

/** Server command: replace every copy in the crate of the file given as a URI, as one edit. */
export const REPLACE_ALL_IN_CRATE = 'rust-consolidate.replaceAllCopiesInCrate';

export interface EditorSupport {
  /** The client can show a refused action with its reason (`disabled`). */
  disabledActions: boolean;
  /** The client can delete files through a WorkspaceEdit. */
  deleteFiles: boolean;
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
        const action = toAction(fix, CodeActionKind.QuickFix, support);
        if (!action) continue;
        action.diagnostics = [diagnostic];
        action.isPreferred = !fix.refused && COPY_CODES.has(fix.code);
        actions.push(action);
      }
      // After the fix, as a quick action beside it.
      actions.push(...compareActions(finding, diagnostic, (f) => index.graph.crateOf(f)?.name));
    }
  }
  // Fix all on request only (Source Action menu, or codeActionsOnSave): it deletes files.
  if (only && wants(FIX_ALL_KIND)) {
    const findings = [...index.allFindings()].filter(
      (f) => COPY_CODES.has(f.code) && (f.file === file || f.declaration?.file === file),
    );
    const action = combined(index, findings, 'Replace every copy declared here with a re-export', FIX_ALL_KIND, support);
    if (action) actions.push(action);
  }
  return actions;
}

/** The copies in the crate of `file`, replaced as one edit. */
export function replaceAllInCrate(index: WorkspaceIndex, file: string, support: EditorSupport): CodeAction | undefined {
  const crate = index.graph.crateOf(file);
  if (!crate) return undefined;
  const findings = index.allFindings().filter((f) => COPY_CODES.has(f.code) && index.graph.crateOf(f.file) === crate);
  return combined(index, findings, `Replace all copies in ${crate.name}`, CodeActionKind.QuickFix, support);
}

function combined(index: WorkspaceIndex, findings: Finding[], title: string, kind: string, support: EditorSupport): CodeAction | undefined {
  if (findings.length === 0) return undefined;
  const { changes, merged } = mergeFixes(fixesTogether(index, findings));
  if (merged.length === 0) return undefined;
  return toAction({ title: `${title} (${merged.length} ${merged.length === 1 ? 'file' : 'files'})`, code: merged[0].code, file: merged[0].file, changes }, kind, support);
}

function toAction(fix: Fix, kind: string, support: EditorSupport): CodeAction | undefined {
  const deletes = fix.changes.some((c) => c.kind !== 'edit');
  const refused = fix.refused ?? (deletes && !support.deleteFiles ? 'this editor cannot delete files through the language server' : undefined);
  if (refused) {
    // An editor that cannot show why an action is unavailable would only show a dead entry.
    return support.disabledActions ? { title: fix.title, kind, disabled: { reason: refused } } : undefined;
  }
  return { title: fix.title, kind, edit: toWorkspaceEdit(fix.changes) };
}

/** Edits first, then deletions, in the order a client applies `documentChanges`. */
export function toWorkspaceEdit(changes: FileChange[]): WorkspaceEdit {
  const edits = changes.flatMap((c) =>
    c.kind === 'edit' ? [{ textDocument: { uri: uriOf(c.file), version: null }, edits: c.edits }] : [],
  );
  const deletes = changes.flatMap((c) =>
    c.kind === 'delete' ? [{ kind: 'delete' as const, uri: uriOf(c.file), options: { ignoreIfNotExists: true } }] : [],
  );
  const folders = changes.flatMap((c) =>
    c.kind === 'deleteFolder'
      ? [{ kind: 'delete' as const, uri: uriOf(c.dir), options: { recursive: true, ignoreIfNotExists: true } }]
      : [],
  );
  return { documentChanges: [...edits, ...deletes, ...folders] };
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
