// "Allow this copy…": the quick action that writes a suppression comment
// with the reason the user gives. VS Code's client asks for the reason (its
// middleware adds it to the command's arguments); another editor's command
// arrives without one and is refused with how to write the comment by hand.
import * as fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CodeActionKind } from 'vscode-languageserver/node';
import type { CodeAction, CodeActionParams, WorkspaceEdit } from 'vscode-languageserver/node';
import type { WorkspaceIndex } from '../core/index';
import type { Finding, FindingCode } from '../core/model';
import { UNSUPPRESSIBLE, suppressionFor } from '../core/suppressions';
import { SOURCE, uriOf } from './diagnostics';

/** Server command: arguments [uri of the finding's file, code, 0-based line of the finding, reason]. */
export const ALLOW_FINDING = 'rust-consolidate.allowFinding';

const NOUN: Partial<Record<FindingCode, string>> = {
  'duplicate-singleton': 'singleton',
  'inverted-dependency': 'dependency',
  'dependency-cycle': 'dependency',
};

export function allowActions(index: WorkspaceIndex, params: CodeActionParams): CodeAction[] {
  const only = params.context.only;
  if (only && !only.some((k) => CodeActionKind.QuickFix === k || CodeActionKind.QuickFix.startsWith(k + '.'))) return [];
  const file = fileURLToPath(params.textDocument.uri);
  const actions: CodeAction[] = [];
  for (const diagnostic of params.context.diagnostics) {
    if (diagnostic.source !== SOURCE || UNSUPPRESSIBLE.has(diagnostic.code as FindingCode)) continue;
    // The hint on a `mod` line speaks for the copy: the suppression goes in the copy.
    const owner = (diagnostic.data as { file?: string } | undefined)?.file ?? file;
    const finding = index
      .findingsFor(owner)
      .find((f) => f.code === diagnostic.code && (owner !== file || f.range.start.line === diagnostic.range.start.line));
    if (!finding) continue;
    const title = `Allow this ${NOUN[finding.code] ?? 'copy'}…`;
    actions.push({
      title,
      kind: CodeActionKind.QuickFix,
      diagnostics: [diagnostic],
      command: { title, command: ALLOW_FINDING, arguments: [uriOf(finding.file), finding.code, finding.range.start.line] },
    });
  }
  return actions;
}

/** The edit that writes the suppression, or why there is none. */
export function allowEdit(index: WorkspaceIndex, args: unknown[]): { edit: WorkspaceEdit; title: string } | { refused: string } {
  const [uri, code, line, reason] = args;
  if (typeof uri !== 'string' || typeof code !== 'string' || typeof line !== 'number') return { refused: 'no finding given' };
  const file = fileURLToPath(uri);
  const finding: Finding | undefined = index.findingsFor(file).find((f) => f.code === code && f.range.start.line === line);
  if (!finding) return { refused: 'that finding is gone: the file changed since' };
  const comment = finding.file.endsWith('.toml') ? '#' : '//';
  if (typeof reason !== 'string' || reason.trim() === '') {
    return { refused: `a suppression needs a reason: write \`${comment} rust-consolidate: allow(${code}) -- <why it stays>\` above it` };
  }
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    return { refused: `cannot read ${index.display(file)}: ${(e as Error).message}` };
  }
  const insert = suppressionFor(finding, text, reason);
  if (!insert) return { refused: `${code} cannot be suppressed` };
  const at = { line: insert.line, character: 0 };
  return {
    title: `Allow ${code} in ${index.display(file)}`,
    edit: { documentChanges: [{ textDocument: { uri: uriOf(file), version: null }, edits: [{ range: { start: at, end: at }, newText: insert.text }] }] },
  };
}
