// Plans written the way engineers write them, for small workspaces before
// and after a consolidation (partial, or done differently than planned),
// with the status a careful reviewer gives each item written beside it
// (test/plan/corpus/<case>/expected.json, written before the tool ran on
// them). Every item must get the reviewer's status, and none may be done
// that the reviewer says is not. Each state is a real git repository, as a
// team's is: the plan and the code it was written against committed, the
// consolidation in the working tree.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { WorkspaceIndex } from '../../server/src/core/index';
import { DEFAULT_OPTIONS, silentLog } from '../../server/src/core/model';
import { RustParser } from '../../server/src/core/source/rust';
import { evaluatePlan, gitHistory, parsePlan, RustSyntax, withPlanAuthority } from '../../server/src/core/plan';
import type { ItemState, PlanItemStatus } from '../../server/src/core/plan';
import { removeFixture, repoRoot, writeFixture } from '../support/fixture';
import { Cargo } from '../fixes/support';

const CORPUS = path.join(repoRoot, 'test', 'plan', 'corpus');
const STATES = ['before', 'after'] as const;
type State = (typeof STATES)[number];

interface Expected {
  /** Another case's folder whose workspace states this plan is about. */
  workspace?: string;
  /** Both states build with `cargo check --offline` (no registry dependencies): checked, so the corpus is real Rust. */
  builds?: boolean;
  items: ({ text: string; note?: string; style?: 'user' } & Record<State, ItemState>)[];
}

/** The files of a fixture text: `//- path` then its content; `//-! path` for a file that is gone (undefined). */
function fixtureFiles(text: string): Map<string, string | undefined> {
  const files = new Map<string, string | undefined>();
  let current: string | undefined;
  for (const line of text.split(/(?<=\n)/)) {
    if (line.startsWith('//-! ')) {
      files.set(line.slice(5).trim(), undefined);
      current = undefined;
    } else if (line.startsWith('//- ')) {
      current = line.slice(4).trim();
      files.set(current, '');
    } else if (current !== undefined) {
      files.set(current, files.get(current) + line);
    }
  }
  return files;
}

function git(dir: string, ...args: string[]): void {
  execFileSync('git', ['-c', 'user.name=corpus', '-c', 'user.email=corpus@example.invalid', '-c', 'commit.gpgsign=false', ...args], { cwd: dir, stdio: 'ignore' });
}

/**
 * A workspace state as a team has it: before.txt committed to git with the
 * plan (the code the plan was written against); for the after state,
 * after.txt's files written over it (`//-! path` deleted), not committed.
 */
function writeState(workspace: string, plan: string, state: State): string {
  const root = writeFixture('');
  const write = (files: Map<string, string | undefined>) => {
    for (const [relative, content] of files) {
      const file = path.join(root, relative);
      if (content === undefined) fs.rmSync(file, { force: true });
      else {
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(file, content);
      }
    }
  };
  write(fixtureFiles(fs.readFileSync(path.join(workspace, 'before.txt'), 'utf8')));
  fs.copyFileSync(plan, path.join(root, 'plan.md'));
  git(root, 'init', '-q');
  git(root, 'add', '-A');
  git(root, 'commit', '-q', '-m', 'before');
  if (state === 'after') write(fixtureFiles(fs.readFileSync(path.join(workspace, 'after.txt'), 'utf8')));
  return root;
}

describe('plan corpus: every item as a reviewer decides it', () => {
  let parser: RustParser;
  let syntax: RustSyntax;
  const cargo = new Cargo();
  before(async () => {
    parser = await RustParser.load();
    syntax = await RustSyntax.load();
  });
  after(() => {
    parser.dispose();
    cargo.dispose();
  });

  const cases = fs.readdirSync(CORPUS).filter((c) => fs.existsSync(path.join(CORPUS, c, 'expected.json'))).sort();
  const decided: { where: string; text: string; expected: ItemState; got: ItemState; evidence: string }[] = [];

  for (const name of cases) {
    const dir = path.join(CORPUS, name);
    const expected = JSON.parse(fs.readFileSync(path.join(dir, 'expected.json'), 'utf8')) as Expected;
    const workspace = path.resolve(dir, expected.workspace ?? '.');
    for (const state of STATES) {
      it(`${name}, ${state}`, async () => {
        const root = writeState(workspace, path.join(dir, 'plan.md'), state);
        try {
          if (expected.builds && expected.workspace === undefined) cargo.check(path.join(root, 'Cargo.toml'), '--workspace');
          const planFile = path.join(root, 'plan.md');
          // As the CLI does: the crate the plan names as authoritative keeps its copies.
          const options = withPlanAuthority(DEFAULT_OPTIONS, [fs.readFileSync(planFile, 'utf8')]);
          const index = new WorkspaceIndex([root], options, parser, silentLog);
          await index.build();
          const status = evaluatePlan(parsePlan(planFile, fs.readFileSync(planFile, 'utf8')), { index, syntax, history: gitHistory(planFile) });
          const items = new Map<string, PlanItemStatus>();
          for (const item of [...status.scopes.flatMap((s) => s.items), ...status.other]) items.set(item.text, item);
          assert.deepEqual([...items.keys()].sort(), expected.items.map((i) => i.text).sort(), 'the plan has the items expected.json lists');
          const wrong: string[] = [];
          for (const want of expected.items) {
            const got = items.get(want.text)!;
            decided.push({ where: `${name}/${state}`, text: want.text, expected: want[state], got: got.status, evidence: got.evidence });
            if (got.status !== want[state]) wrong.push(`${want.text}: ${got.status} [${got.check}], a reviewer says ${want[state]}${want.note ? ` (${want.note})` : ''} — ${got.evidence}`);
          }
          assert.equal(wrong.length, 0, `\n${wrong.join('\n')}`);
        } finally {
          removeFixture(root);
        }
      });
    }
  }

  it('holds at least 100 items, a third phrased differently from the user plan, and none shown done that is not', () => {
    const items = cases.flatMap((c) => (JSON.parse(fs.readFileSync(path.join(CORPUS, c, 'expected.json'), 'utf8')) as Expected).items);
    assert.ok(items.length >= 100, `${items.length} items`);
    assert.ok(items.filter((i) => i.style !== 'user').length * 3 >= items.length);
    const falselyDone = decided.filter((d) => d.got === 'done' && d.expected !== 'done');
    assert.deepEqual(falselyDone, []);
  });
});
