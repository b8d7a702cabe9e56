// Compile fixtures: small workspaces without external dependencies, one per
// class of fix the engine must get right. Each builds before (`cargo check
// --offline --workspace --all-targets`, and with --all-features where it has
// features); `rust-consolidate fix` prints exactly the outcomes its header
// expects; it builds after. A refused fix also names the naive edit (delete
// the copy, `use keeper::x;` in its place, the path dependency), and the test
// proves that edit indeed breaks the build, on a fresh copy of the fixture.
//
// Header lines, before the first `//- file`:
//   expect: <regex>         a line fix must print (multiline regex, anchored with ^)
//   absent: <regex>         a line fix must not print
//   args: <arguments>       extra arguments for fix (e.g. --code duplicate-file)
//   naive: <copy> <keeper>  the copy's file and the keeper's crate folder
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { removeFixture, repoRoot, writeFixture } from '../support/fixture';
import { Cargo, naiveReexport } from './support';

const CLI = path.join(repoRoot, 'dist', 'cli.js');
const CASES = path.join(repoRoot, 'test', 'fixes', 'compile');

interface CompileCase {
  name: string;
  text: string;
  expect: RegExp[];
  absent: RegExp[];
  args: string[];
  naive?: { copy: string; keeper: string };
  features: boolean;
}

function readCase(file: string): CompileCase {
  const text = fs.readFileSync(file, 'utf8');
  const header = text.slice(0, text.indexOf('//- ')).split('\n');
  const values = (key: string) => header.filter((l) => l.startsWith(`${key}: `)).map((l) => l.slice(key.length + 2).trim());
  const [naive] = values('naive').map((v) => v.split(/\s+/));
  return {
    name: path.basename(file, '.txt'),
    text,
    expect: values('expect').map((r) => new RegExp(r, 'm')),
    absent: values('absent').map((r) => new RegExp(r, 'm')),
    args: values('args').flatMap((a) => a.split(/\s+/)),
    naive: naive && { copy: naive[0], keeper: naive[1] },
    features: /^\[features\]/m.test(text),
  };
}

describe('compile fixtures: every fix builds, every refusal is one the naive edit proves', function () {
  this.timeout(240_000);
  const cargo = new Cargo();
  const dirs: string[] = [];
  after(() => {
    dirs.forEach(removeFixture);
    cargo.dispose();
  });

  const build = (root: string, features: boolean) => {
    cargo.check(root, '--workspace', '--all-targets');
    if (features) cargo.check(root, '--workspace', '--all-targets', '--all-features');
  };

  for (const file of fs.readdirSync(CASES).filter((f) => f.endsWith('.txt')).sort()) {
    const spec = readCase(path.join(CASES, file));
    it(spec.name, () => {
      const dir = writeFixture(spec.text);
      dirs.push(dir);
      const root = path.join(dir, 'Cargo.toml');
      build(root, spec.features);
      const fix = spawnSync(process.execPath, [CLI, 'fix', dir, ...spec.args], { encoding: 'utf8', timeout: 60_000 });
      assert.equal(fix.signal, null, `fix did not return: ${fix.signal}`);
      assert.ok(fix.status === 0 || fix.status === 1, `fix exited ${fix.status}: ${fix.stderr}`);
      for (const line of spec.expect) assert.match(fix.stdout, line, fix.stdout);
      for (const line of spec.absent) assert.doesNotMatch(fix.stdout, line, fix.stdout);
      build(root, spec.features);
      if (spec.naive) {
        const naive = writeFixture(spec.text);
        dirs.push(naive);
        naiveReexport(naive, spec.naive.copy, spec.naive.keeper);
        // Default features: a configuration that breaks is enough (--all-features may switch a difference off).
        const result = cargo.run(path.join(naive, 'Cargo.toml'), '--workspace', '--all-targets');
        assert.notEqual(result.status, 0, 'the naive edit builds, so the refusal is wrong');
      }
    });
  }
});
