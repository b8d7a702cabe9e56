// Temporary folders for tests: small workspaces written inline as one text,
// and copies of the bundled demo for tests that change files.
import { DEFAULT_OPTIONS } from '../../server/src/core/model';
import type { AnalysisOptions } from '../../server/src/core/model';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const HEADER = '//- ';
const PREFIX = 'rc-fixture-';

/** The repository root, found from this file's location (works when compiled to out/test/support/). */
export const repoRoot: string = findRepoRoot(__dirname);

function findRepoRoot(start: string): string {
  // out/ has no package.json, so the nearest one is the repository's,
  // whether this runs compiled (out/test/support) or from source.
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${start}`);
  }
}

function makeTempDir(): string {
  // realpath, because on some systems (macOS) the temp folder is reached
  // through a symlink, and paths the tool reports would not match.
  return fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), PREFIX)));
}

/** Writes a fixture written as one text, with a header line per file ("//- path/to/file"), into a fresh temp folder; returns its absolute path. Lines up to the first header are ignored. A trailing newline is kept per file as written. */
export function writeFixture(text: string): string {
  const files = new Map<string, string>();
  let current: string | undefined;
  // Every line keeps its own line break, so a file's text is exactly the
  // lines between its header and the next.
  for (const line of text.split(/(?<=\n)/)) {
    if (line.startsWith(HEADER)) {
      current = line.slice(HEADER.length).replace(/\r?\n$/, '');
      if (current === '') throw new Error('fixture header without a path');
      if (files.has(current)) throw new Error(`fixture names ${current} twice`);
      files.set(current, '');
    } else if (current !== undefined) {
      files.set(current, files.get(current) + line);
    }
  }
  const dir = makeTempDir();
  for (const [relative, content] of files) {
    const file = path.resolve(dir, relative);
    if (!file.startsWith(dir + path.sep)) {
      removeFixture(dir);
      throw new Error(`fixture path ${relative} is outside the fixture folder`);
    }
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
  }
  return dir;
}

/** Removes a folder made by writeFixture. */
export function removeFixture(dir: string): void {
  // A guard against a wrong argument deleting something that is not ours.
  const folder = path.basename(dir).startsWith(PREFIX) ? dir : path.dirname(dir);
  if (!path.basename(folder).startsWith(PREFIX)) throw new Error(`not a fixture folder: ${dir}`);
  fs.rmSync(folder, { recursive: true, force: true });
}

/**
 * Copies a folder (e.g. demo/rust) into a fresh temp folder, for tests that
 * change files, under its own name (`<temp>/rust`): the demo's plan names its
 * files `rust/...`, from the folder above. A relative path is taken from the
 * repository root. Remove the copy with removeFixture.
 */
export function copyToTemp(dir: string): string {
  const source = path.resolve(repoRoot, dir);
  if (!fs.statSync(source).isDirectory()) throw new Error(`not a folder: ${source}`);
  const target = path.join(makeTempDir(), path.basename(source));
  fs.cpSync(source, target, { recursive: true });
  return target;
}

/**
 * The whole-file analyses alone. Fixtures that build distinct modules from one
 * template with other names are, to the near-miss analysis, renamed copies:
 * suites about whole-file copies and manifests turn those codes off.
 */
export const WHOLE_FILE_OPTIONS: AnalysisOptions = {
  ...DEFAULT_OPTIONS,
  severity: { 'diverged-copy': 'off', 'duplicate-item': 'off', 'duplicate-singleton': 'off' },
};

/** One file of an inline fixture: its `//- path` header and content, ending in a newline. */
export const file = (relative: string, content: string): string =>
  `//- ${relative}\n${content.endsWith('\n') ? content : content + '\n'}`;

/** A module big enough to count as a copy (well over 50 tokens), with functions named after `seed`. */
export function rustModule(seed: string): string {
  return `use std::collections::HashMap;

pub fn ${seed}_count(words: &[&str]) -> HashMap<String, usize> {
    let mut counts = HashMap::new();
    for word in words {
        *counts.entry(word.to_string()).or_insert(0) += 1;
    }
    counts
}

pub fn ${seed}_total(values: &[i64]) -> i64 {
    values.iter().map(|v| v * 2 + 1).sum()
}
`;
}

/** A crate of an inline fixture: its manifest (`head` before `[package]`, `tail` after it), a lib.rs declaring each module, the modules. */
export function rustCrate(dir: string, name: string, modules: Record<string, string>, tail = '', head = ''): string {
  return [
    file(`${dir}/Cargo.toml`, `${head}[package]\nname = "${name}"\nversion = "0.1.0"\nedition = "2021"\n${tail}`),
    file(`${dir}/src/lib.rs`, Object.keys(modules).map((m) => `pub mod ${m};`).join('\n')),
    ...Object.entries(modules).map(([m, content]) => file(`${dir}/src/${m}.rs`, content)),
  ].join('');
}

/**
 * For a mocha suite: a function that writes a fixture (see writeFixture) and
 * returns its folder, every folder removed after the suite. Call it in the
 * describe block, so that its `after` hook belongs to that suite.
 */
export function useFixtures(): (text: string) => string {
  const dirs: string[] = [];
  after(() => dirs.forEach(removeFixture));
  return (text: string) => {
    const dir = writeFixture(text);
    dirs.push(dir);
    return dir;
  };
}
