// Both directions between a file and its copies: on the copy to keep, a code
// lens "copied in N crates" (a click peeks at the copies), and on any member
// of a clone class, references that list the other copies ("Go to other
// copies"). The copies' own warnings point the other way.
import { fileURLToPath } from 'node:url';
import type { CodeLens, CodeLensParams, Location, ReferenceParams } from 'vscode-languageserver/node';
import type { WorkspaceIndex } from '../core/index';
import { uriOf } from './diagnostics';

/** Client command: peeks at locations (arguments: uri, position, locations), as VS Code's editor.action.peekLocations takes them. */
export const SHOW_COPIES = 'rustConsolidate.showCopies';

const START = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

export function copyLenses(index: WorkspaceIndex, params: CodeLensParams): CodeLens[] {
  const file = fileURLToPath(params.textDocument.uri);
  const clone = index.cloneClassOf(file);
  if (!clone || clone.members[0].file !== file) return [];
  const keeper = clone.members[0].crate;
  const copies = clone.members.slice(1).filter((m) => m.crate !== keeper);
  if (copies.length === 0) return [];
  const crates = [...new Set(copies.map((m) => m.crate.name))];
  const title = `copied in ${crates.length} ${crates.length === 1 ? 'crate' : 'crates'}: ${crates.join(', ')}`;
  const locations: Location[] = copies.map((m) => ({ uri: uriOf(m.file), range: START }));
  return [{ range: START, command: { title, command: SHOW_COPIES, arguments: [params.textDocument.uri, START.start, locations] } }];
}

/** The other copies of the file's clone class, wherever in the file the cursor is. */
export function otherCopies(index: WorkspaceIndex, params: ReferenceParams): Location[] {
  const file = fileURLToPath(params.textDocument.uri);
  const clone = index.cloneClassOf(file);
  if (!clone) return [];
  return clone.members
    .filter((m) => params.context.includeDeclaration || m.file !== file)
    .map((m) => ({ uri: uriOf(m.file), range: START }));
}
