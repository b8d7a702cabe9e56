// A fix's changes written to disk, only onto the text they were computed on,
// and undone byte for byte. The positions of an edit are those of the text the
// index read; a file that changed since (a `cargo add`, an edit in another
// editor) gets the edit refused, never applied at the wrong place. Writes keep
// every byte outside the edited ranges (CRLF lines, latin-1 bytes) and go
// through a temporary file beside the target, renamed over it.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { WorkspaceIndex } from '../index';
import type { Position } from '../model';
import type { FileChange, TextEdit } from './fixes';
import { upperBound } from '../sorted';

/**
 * What a file must still hold for a change to apply: the sha1 (base64) of its
 * bytes, or, for a manifest, of the UTF-8 text the index parsed (the index
 * keeps a manifest's text, not its bytes; positions refer to that text).
 */
export interface Precondition {
  file: string;
  hash: string;
  of: 'bytes' | 'text';
}

/** The preconditions of every file the changes touch, from what the index read; a refusal when a file is not indexed. */
export function preconditionsOf(index: WorkspaceIndex, changes: FileChange[]): Precondition[] | { refused: string } {
  const found = new Map<string, Precondition>();
  for (const change of changes) {
    if (change.kind === 'delete') found.set(change.file, { file: change.file, hash: change.byteHash, of: 'bytes' });
    if (change.kind !== 'edit' || found.has(change.file)) continue;
    const facts = index.factsOf(change.file);
    const manifest = index.manifestOf(change.file);
    if (facts) found.set(change.file, { file: change.file, hash: facts.byteHash, of: 'bytes' });
    else if (manifest) found.set(change.file, { file: change.file, hash: sha1(Buffer.from(manifest.text, 'utf8')), of: 'text' });
    else return { refused: `${index.display(change.file)} is not indexed; save it and try again` };
  }
  return [...found.values()];
}

/** Whether the bytes still satisfy the precondition. */
export function satisfies(bytes: Buffer | undefined, precondition: Precondition): boolean {
  if (!bytes) return false;
  const hashed = precondition.of === 'bytes' ? bytes : Buffer.from(decode(bytes), 'utf8');
  return sha1(hashed) === precondition.hash;
}

/** The first file that no longer holds what its change was computed on, with the reason. */
export function staleFile(preconditions: Precondition[], display: (file: string) => string): string | undefined {
  for (const p of preconditions) {
    const bytes = readIfExists(p.file);
    if (!bytes) return `${display(p.file)} was deleted since it was indexed`;
    if (!satisfies(bytes, p)) return `${display(p.file)} changed since it was indexed; run again on the current files`;
  }
  return undefined;
}

/**
 * The bytes of every file it was told about, as they were, and the folders
 * that existed: restoring writes them back, removes files that did not exist
 * and recreates removed folders. Enough to undo a fix and what a check wrote
 * (a Cargo.lock) without any VCS.
 */
export class Snapshot {
  private readonly files = new Map<string, Buffer | undefined>();
  private readonly folders = new Set<string>();

  /** Remembers a file's bytes (or that it does not exist) the first time it is named. */
  keep(file: string): void {
    if (!this.files.has(file)) this.files.set(file, readIfExists(file));
  }

  keepFolder(dir: string): void {
    if (fs.existsSync(dir)) this.folders.add(dir);
  }

  get touched(): string[] {
    return [...this.files.keys()];
  }

  /** Writes back every remembered file; returns the files it could not restore, with why. */
  restore(): string[] {
    const failures: string[] = [];
    // Shallow folders first, so a deeper one finds its parent.
    for (const dir of [...this.folders].sort((a, b) => a.length - b.length)) {
      try {
        fs.mkdirSync(dir, { recursive: true });
      } catch (e) {
        failures.push(`${dir}: ${(e as Error).message}`);
      }
    }
    for (const [file, bytes] of this.files) {
      try {
        if (bytes === undefined) fs.rmSync(file, { force: true });
        else if (!sameBytes(readIfExists(file), bytes)) writeAtomically(file, bytes);
      } catch (e) {
        failures.push(`${file}: ${(e as Error).message}`);
      }
    }
    return failures;
  }
}

export type ApplyResult = { applied: Snapshot } | { refused: string };

/**
 * Applies the changes if every file still satisfies its precondition:
 * edits, then deletions, then folders the changes emptied. A failure part way
 * writes everything back and is returned as the refusal.
 */
export function applyChanges(changes: FileChange[], preconditions: Precondition[], display: (file: string) => string): ApplyResult {
  const current = new Map<string, Buffer>();
  for (const p of preconditions) {
    const bytes = readIfExists(p.file);
    if (!bytes) return { refused: `${display(p.file)} was deleted since it was indexed` };
    if (!satisfies(bytes, p)) return { refused: `${display(p.file)} changed since it was indexed; run again on the current files` };
    current.set(p.file, bytes);
  }
  const edited = new Map<string, Buffer>();
  for (const change of changes) {
    if (change.kind !== 'edit') continue;
    const bytes = edited.get(change.file) ?? current.get(change.file);
    const precondition = preconditions.find((p) => p.file === change.file);
    if (!bytes || !precondition) return { refused: `${display(change.file)} has no precondition; the fix cannot be applied safely` };
    try {
      edited.set(change.file, editBytes(bytes, change.edits, precondition.of === 'text'));
    } catch (e) {
      return { refused: `${display(change.file)}: ${(e as Error).message}` };
    }
  }
  const snapshot = new Snapshot();
  for (const change of changes) {
    if (change.kind === 'deleteFolder') snapshot.keepFolder(change.dir);
    else snapshot.keep(change.file);
  }
  try {
    for (const [file, bytes] of edited) writeAtomically(file, bytes);
    for (const change of changes) if (change.kind === 'delete') fs.rmSync(change.file);
    for (const change of changes) {
      // Only a folder the fix emptied: anything that appeared in it since stays.
      if (change.kind === 'deleteFolder' && fs.readdirSync(change.dir).length === 0) fs.rmdirSync(change.dir);
    }
  } catch (e) {
    const failures = snapshot.restore();
    const lost = failures.length > 0 ? `; could not write back ${failures.join(', ')}` : '';
    return { refused: `writing the fix failed (${(e as Error).message}), every file was written back${lost}` };
  }
  return { applied: snapshot };
}

/**
 * Applies text edits (positions in UTF-16 units of the UTF-8 text, as LSP and
 * the index count them) to bytes, keeping every byte outside the edited
 * ranges. Inserted line breaks follow the file's own (CRLF when its first
 * line ends so). A position after a byte that is not UTF-8 on its line cannot
 * be mapped exactly, and is refused rather than guessed. `bomCounted`: the
 * positions count a leading byte order mark as a character (a manifest's text
 * keeps it; the index's Rust text does not).
 */
export function editBytes(bytes: Buffer, edits: TextEdit[], bomCounted: boolean): Buffer {
  if (!bomCounted && bytes.subarray(0, 3).equals(BOM)) return Buffer.concat([BOM, editBytes(bytes.subarray(3), edits, true)]);
  const text = decode(bytes);
  const textStarts = lineStarts((i) => text.charCodeAt(i) === 10, text.length);
  const byteStarts = lineStarts((i) => bytes[i] === 10, bytes.length);
  const firstBreak = bytes.indexOf(10);
  const crlf = firstBreak > 0 && bytes[firstBreak - 1] === 13;
  const byteOffset = (p: Position): number => {
    // As applyEdits counts: the line's start plus the column, capped at the end.
    const offset = Math.min(text.length, (textStarts[p.line] ?? text.length) + p.character);
    let line = upperBound(textStarts, offset) - 1;
    const column = offset - textStarts[line];
    const lineText = text.slice(textStarts[line], textStarts[line + 1] ?? text.length);
    const prefix = Buffer.from(lineText.slice(0, column), 'utf8');
    const lineBytes = bytes.subarray(byteStarts[line], byteStarts[line + 1] ?? bytes.length);
    if (!lineBytes.subarray(0, prefix.length).equals(prefix)) {
      throw new Error(`line ${++line} holds bytes that are not UTF-8 before the edit; edit it by hand`);
    }
    return byteStarts[line] + prefix.length;
  };
  const spans = edits
    .map((e) => ({ start: byteOffset(e.range.start), end: byteOffset(e.range.end), text: e.newText }))
    .sort((a, b) => b.start - a.start || b.end - a.end);
  let result = bytes;
  for (const span of spans) {
    const inserted = crlf ? span.text.replace(/\r?\n/g, '\r\n') : span.text;
    result = Buffer.concat([result.subarray(0, span.start), Buffer.from(inserted, 'utf8'), result.subarray(span.end)]);
  }
  return result;
}

/**
 * Replaces a file's bytes through a temporary file in the same folder, renamed
 * over it, so a reader sees the old bytes or the new ones, never a part. A
 * symlink's target is written, the link kept; so is the file's mode.
 */
export function writeAtomically(file: string, bytes: Buffer): void {
  let target = file;
  try {
    target = fs.realpathSync(file);
  } catch {
    // A file that does not exist (being restored) is written where it was.
  }
  const mode = fs.existsSync(target) ? fs.statSync(target).mode & 0o7777 : undefined;
  const temp = path.join(path.dirname(target), `.${path.basename(target)}.rust-consolidate-${process.pid}.tmp`);
  const fd = fs.openSync(temp, 'w', mode ?? 0o666);
  try {
    fs.writeFileSync(fd, bytes);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  try {
    if (mode !== undefined) fs.chmodSync(temp, mode);
    fs.renameSync(temp, target);
  } catch (e) {
    fs.rmSync(temp, { force: true });
    throw e;
  }
}

export function sha1(bytes: Uint8Array): string {
  return createHash('sha1').update(bytes).digest('base64');
}

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/** As the index reads a manifest: UTF-8, U+FFFD for bytes that are not, a byte order mark kept as U+FEFF. */
function decode(bytes: Uint8Array): string {
  return new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
}

function readIfExists(file: string): Buffer | undefined {
  try {
    return fs.readFileSync(file);
  } catch {
    return undefined;
  }
}

function sameBytes(a: Buffer | undefined, b: Buffer): boolean {
  return a !== undefined && a.equals(b);
}

function lineStarts(isBreak: (i: number) => boolean, length: number): number[] {
  const starts = [0];
  for (let i = 0; i < length; i++) if (isBreak(i)) starts.push(i + 1);
  return starts;
}

