// What the fix tests share: fixture builders, the fix's changes written to
// disk the way the CLI writes them, `cargo check --offline` on the result,
// and a hash of a whole tree to prove that nothing changed.
import { file, rustModule } from '../support/fixture';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { editedTexts, stillMatches } from '../../server/src/core/fixes/fixes';
import type { FileChange } from '../../server/src/core/fixes/fixes';

/** One file of an inline fixture; the text gets a final newline if it has none. */
/** A `[package]` table for a crate without dependencies. */
export const packageToml = (name: string, version = '0.1.0'): string =>
  `[package]\nname = "${name}"\nversion = "${version}"\nedition = "2021"\n`;

/** Writes the changes of a fix to disk as `rust-consolidate fix` does: edits, then deletions, then emptied folders. */
export function applyChanges(changes: FileChange[]): void {
  assert.ok(changes.length > 0, 'the fix has no changes');
  for (const change of changes) {
    if (change.kind === 'delete') assert.ok(stillMatches(change), `${change.file} changed since the fix was computed`);
  }
  for (const [file, { after }] of editedTexts(changes)) fs.writeFileSync(file, after);
  for (const change of changes) if (change.kind === 'delete') fs.rmSync(change.file);
  for (const change of changes) {
    if (change.kind === 'deleteFolder' && fs.readdirSync(change.dir).length === 0) fs.rmdirSync(change.dir);
  }
}

/**
 * `cargo check --offline` for one manifest (a crate, or a workspace root with
 * `--workspace`), into a target folder shared by a suite so that std is
 * checked once. Fails the test with cargo's stderr when the build fails.
 */
export class Cargo {
  readonly targetDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rc-fixes-target-'));

  check(manifest: string, ...extra: string[]): void {
    const result = this.run(manifest, ...extra);
    assert.equal(result.status, 0, `cargo check ${manifest} failed:\n${result.stderr}`);
  }

  /** `cargo check`, whatever its outcome: for the tests that prove an edit breaks the build. */
  run(manifest: string, ...extra: string[]): { status: number | null; stderr: string } {
    const result = spawnSync('cargo', ['check', '--offline', '--quiet', '--manifest-path', manifest, ...extra], {
      encoding: 'utf8',
      // Cargo reads .cargo/config.toml from the folder it runs in, not the manifest's: a fixture's vendored sources need this.
      cwd: path.dirname(manifest),
      env: { ...process.env, CARGO_TARGET_DIR: this.targetDir, CARGO_TERM_COLOR: 'never', PATH: cargoPath() },
    });
    assert.equal(result.error, undefined, `cannot run cargo: ${result.error?.message}`);
    return { status: result.status, stderr: result.stderr };
  }

  dispose(): void {
    fs.rmSync(this.targetDir, { recursive: true, force: true });
  }
}

/** PATH with ~/.cargo/bin, where rustup puts cargo, in case the test runner's PATH lacks it. */
function cargoPath(): string {
  const cargoBin = path.join(os.homedir(), '.cargo', 'bin');
  const current = process.env.PATH ?? '';
  return current.split(path.delimiter).includes(cargoBin) ? current : `${current}${path.delimiter}${cargoBin}`;
}

/** sha1 over every file's relative path and bytes, and every folder's path: equal hashes, identical trees. */
export function treeHash(dir: string): string {
  const hash = createHash('sha1');
  const walk = (relative: string) => {
    const entries = fs.readdirSync(path.join(dir, relative), { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
    for (const entry of entries) {
      const child = path.posix.join(relative, entry.name);
      if (entry.isDirectory()) {
        hash.update(`dir ${child}\0`);
        walk(child);
      } else {
        hash.update(`file ${child}\0`);
        hash.update(fs.readFileSync(path.join(dir, child)));
        hash.update('\0');
      }
    }
  };
  walk('');
  return hash.digest('hex');
}

/**
 * What a user would do by hand without the tool's rules: delete the copy,
 * write `use <keeper>::<name>;` (same visibility) in place of its `mod`
 * line, depend on the keeper by path, and make the keeper's module `pub`.
 */
export function naiveReexport(dir: string, copy: string, keeperDir: string): void {
  const copyFile = path.join(dir, copy);
  const name = path.basename(copy, '.rs') === 'mod' ? path.basename(path.dirname(copy)) : path.basename(copy, '.rs');
  const keeperManifest = fs.readFileSync(path.join(dir, keeperDir, 'Cargo.toml'), 'utf8');
  const keeperPackage = /^name\s*=\s*"([^"]+)"/m.exec(keeperManifest)![1];
  const keeperLib = keeperPackage.replace(/-/g, '_');
  const crateDir = copy.slice(0, copy.indexOf('/src/'));
  const mod = new RegExp(`^([ \\t]*)((?:pub(?:\\([^)]*\\))? )?)mod ${name};`, 'm');
  const parent = ['src/lib.rs', 'src/main.rs'].map((f) => path.join(dir, crateDir, f)).find((f) => fs.existsSync(f) && mod.test(fs.readFileSync(f, 'utf8')));
  assert.ok(parent, `no mod ${name}; in ${crateDir}`);
  fs.writeFileSync(parent, fs.readFileSync(parent, 'utf8').replace(mod, `$1$2use ${keeperLib}::${name};`));
  fs.rmSync(copyFile);
  const manifest = path.join(dir, crateDir, 'Cargo.toml');
  const relative = path.relative(path.join(dir, crateDir), path.join(dir, keeperDir)).split(path.sep).join('/');
  const entry = `${keeperPackage} = { path = "${relative}" }`;
  const text = fs.readFileSync(manifest, 'utf8');
  if (!new RegExp(`^${keeperPackage}\\s*=`, 'm').test(text)) {
    fs.writeFileSync(manifest, /^\[dependencies\]$/m.test(text) ? text.replace(/^\[dependencies\]$/m, `[dependencies]\n${entry}`) : `${text}\n[dependencies]\n${entry}\n`);
  }
  const keeperLibFile = path.join(dir, keeperDir, 'src', 'lib.rs');
  fs.writeFileSync(keeperLibFile, fs.readFileSync(keeperLibFile, 'utf8').replace(new RegExp(`^(pub\\([^)]*\\) )?mod ${name};`, 'm'), `pub mod ${name};`));
}

export const read = (file: string): string => fs.readFileSync(file, 'utf8');

// Shared with the other suites; the fix tests import them from here.
export { file, rustModule };
