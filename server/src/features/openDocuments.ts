// The documents open in the editor, with their versions and texts, so that a
// fix's edit names the version it was computed on and is refused when the
// document holds something else than what the index read (unsaved changes).
import * as fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Connection } from 'vscode-languageserver/node';
import { satisfies } from '../core/fixes/apply';
import type { Precondition } from '../core/fixes/apply';

export class OpenDocuments {
  private readonly documents = new Map<string, TextDocument>();

  constructor(private readonly display: (file: string) => string) {}

  /** Follows didOpen, didChange (incremental) and didClose; saves stay with the server's own handler. */
  listen(connection: Connection): void {
    connection.onDidOpenTextDocument(({ textDocument: d }) => {
      if (d.uri.startsWith('file:')) this.documents.set(fileURLToPath(d.uri), TextDocument.create(d.uri, d.languageId, d.version, d.text));
    });
    connection.onDidChangeTextDocument(({ textDocument, contentChanges }) => {
      if (!textDocument.uri.startsWith('file:')) return;
      const file = fileURLToPath(textDocument.uri);
      const document = this.documents.get(file);
      if (document) this.documents.set(file, TextDocument.update(document, contentChanges, textDocument.version));
    });
    connection.onDidCloseTextDocument(({ textDocument }) => {
      if (textDocument.uri.startsWith('file:')) this.documents.delete(fileURLToPath(textDocument.uri));
    });
  }

  /**
   * The version each file's edit applies to: an open document's, when its
   * text is what the index read; null for a closed file whose bytes on disk
   * still are. Anything else is refused: the positions would be wrong.
   */
  versions(preconditions: Precondition[]): Map<string, number | null> | { refused: string } {
    const versions = new Map<string, number | null>();
    for (const p of preconditions) {
      const document = this.documents.get(p.file);
      if (document) {
        if (!satisfies(Buffer.from(document.getText(), 'utf8'), p)) {
          return { refused: `${this.display(p.file)} has changes that are not saved, or differs from what was indexed; save it and try again` };
        }
        versions.set(p.file, document.version);
        continue;
      }
      let bytes: Buffer | undefined;
      try {
        bytes = fs.readFileSync(p.file);
      } catch {
        bytes = undefined;
      }
      if (!satisfies(bytes, p)) return { refused: `${this.display(p.file)} changed since it was indexed; save it and try again` };
      versions.set(p.file, null);
    }
    return versions;
  }
}
