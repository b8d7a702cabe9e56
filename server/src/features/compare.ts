// "Compare with the copy in <crate>": a quick action beside the fix on every
// copy (whole, near, diverged or an item), opening the two files in the
// editor's diff view through a client command.
import { CodeActionKind } from 'vscode-languageserver/node';
import type { CodeAction, Diagnostic } from 'vscode-languageserver/node';
import type { Finding } from '../core/model';
import { uriOf } from './diagnostics';

/** Client command: opens VS Code's diff view of two files (arguments: original uri, copy uri, title). */
export const COMPARE_WITH_COPY = 'rustConsolidate.compareWithCopy';

const COMPARABLE = new Set(['duplicate-file', 'near-duplicate-file', 'diverged-copy', 'duplicate-item', 'duplicate-block']);

/** One action per other file the finding's copy is a copy of, naming its crate. */
export function compareActions(finding: Finding, diagnostic: Diagnostic, crateOf: (file: string) => string | undefined): CodeAction[] {
  if (!COMPARABLE.has(finding.code)) return [];
  const seen = new Set<string>();
  return finding.related.flatMap((r) => {
    const crate = crateOf(r.file);
    if (!crate || seen.has(r.file) || r.file === finding.file) return [];
    seen.add(r.file);
    const title = `Compare with the copy in ${crate}`;
    return [
      {
        title,
        kind: CodeActionKind.QuickFix,
        diagnostics: [diagnostic],
        command: { title, command: COMPARE_WITH_COPY, arguments: [uriOf(r.file), uriOf(finding.file), `${crate} ↔ this copy`] },
      },
    ];
  });
}
