// The similarity a diverged-copy prints, the counterpart it names, the member
// diffs and literal notes in its message, what counts as a test, and when a
// same-shaped item is a copy: each on a small fixture of its own.
import * as assert from 'node:assert/strict';
import type { AnalysisOptions, Finding } from '../../server/src/core/model';
import { RustParser } from '../../server/src/core/source/rust';
import { file, useFixtures } from '../support/fixture';
import { buildIndex } from './support';

/** A crate of an inline fixture: manifest, a lib.rs (`lib`, or a `pub mod` line per module), the modules. */
export const crate = (name: string, modules: Record<string, string>, lib?: string): string =>
  file(`${name}/Cargo.toml`, `[package]\nname = "${name}"\nversion = "0.1.0"\nedition = "2021"\n`) +
  file(`${name}/src/lib.rs`, lib ?? Object.keys(modules).map((m) => `pub mod ${m};`).join('\n')) +
  Object.entries(modules)
    .map(([m, content]) => file(`${name}/src/${m}.rs`, content))
    .join('');

/** Some 45 lines of varied code, enough fingerprints to be measured; `extra` is spliced into its middle. */
export function variedModule(extra = ''): string {
  return `use std::collections::BTreeMap;
use std::fmt::Write;

pub struct Ledger {
    entries: BTreeMap<String, i64>,
    limit: i64,
}

impl Ledger {
    pub fn new(limit: i64) -> Self {
        Ledger { entries: BTreeMap::new(), limit }
    }

    pub fn post(&mut self, account: &str, amount: i64) -> Result<i64, String> {
        let balance = self.entries.entry(account.to_string()).or_insert(0);
        if (*balance + amount).abs() > self.limit {
            return Err(format!("{account} would pass the limit"));
        }
        *balance += amount;
        Ok(*balance)
    }
${extra}
    pub fn report(&self) -> String {
        let mut out = String::new();
        for (account, balance) in &self.entries {
            let _ = writeln!(out, "{account:>12} {balance:>8}");
        }
        out
    }

    pub fn largest(&self) -> Option<(&String, &i64)> {
        self.entries.iter().max_by_key(|(_, b)| b.abs())
    }
}

pub fn parse_line(line: &str) -> Option<(String, i64)> {
    let mut parts = line.splitn(2, ':');
    let account = parts.next()?.trim();
    let amount = parts.next()?.trim().parse::<i64>().ok()?;
    if account.is_empty() { None } else { Some((account.to_string(), amount)) }
}
`;
}

/** An edit of variedModule's Ledger: a method added. */
export const EDIT = '\n    pub fn clear(&mut self) {\n        self.entries.clear();\n    }\n';

describe('near-miss precision', () => {
  let parser: RustParser;
  const fixture = useFixtures();
  before(async () => {
    parser = await RustParser.load();
  });

  async function analyse(text: string, options: Partial<AnalysisOptions> = {}) {
    const index = await buildIndex(fixture(text), parser, options);
    const findings = (code: string): Finding[] => index.allFindings().filter((f) => f.code === code);
    const summary = (code?: string) =>
      index
        .allFindings()
        .filter((f) => !code || f.code === code)
        .map((f) => `${f.code} ${index.display(f.file)}`)
        .sort();
    return { index, findings, summary };
  }

  describe('diverged-copy similarity', () => {
    it('reports a copy with an edit, and prints a similarity its line counts bear out', async () => {
      const { findings } = await analyse(crate('a', { ledger: variedModule() }) + crate('b', { ledger: variedModule(EDIT) }));
      const [finding] = findings('diverged-copy');
      assert.ok(finding, 'the control case is reported');
      const [, percent, shared, diverging] = /(\d+)% similar, (\d+) lines shared, (\d+) diverging/.exec(finding.message)!.map(Number);
      assert.ok(percent >= 70 && percent < 100, finding.message);
      assert.ok(shared > 4 * diverging, finding.message);
    });

    it('does not let a repetitive file collapse to a few fingerprints: a table ten times longer is not 100% similar', async () => {
      const table = (n: number) =>
        `\npub fn rates() -> Vec<(u32, u32, &'static str)> {\n    vec![\n${Array.from({ length: n }, (_, i) => `        (${i}, ${i * 7 % 13}, "r${i}"),`).join('\n')}\n    ]\n}\n`;
      const { findings } = await analyse(crate('a', { ledger: variedModule() + table(8) }) + crate('b', { ledger: variedModule() + table(400) }));
      for (const f of findings('diverged-copy')) {
        const [, percent, shared, diverging] = /(\d+)% similar, (\d+) lines shared, (\d+) diverging/.exec(f.message)!.map(Number);
        assert.ok(percent <= Math.round((200 * shared) / (2 * shared + diverging)) + 30, `similarity out of line with its counts: ${f.message}`);
      }
      assert.deepEqual(findings('diverged-copy').length, 0);
    });

    it('reports a module copied word for word into ten crates, each with a function of its own, as copies of one original', async () => {
      // Operators and keywords are not abstracted: statements drawn at random from them give each crate code of its own.
      const ops = ['+', '-', '*', '^', '|', '&', '<<', '>>', '%', '/'];
      const own = (seed: number) => {
        let state = seed * 7919 + 13;
        const next = (n: number) => ((state = (state * 1103515245 + 12345) % 2147483648), state % n);
        const statements = Array.from({ length: 14 }, () => {
          const [a, b] = [ops[next(10)], ops[next(10)]];
          return [`    x = (x ${a} 3) ${b} y;`, `    if x ${a} 2 > y { y = y ${b} 1; }`, `    y = [x, y][(x ${a} 1) as usize % 2] ${b} 5;`, `    while y ${a} 1 > x { y = y ${b} 2; }`][next(4)];
        });
        return `\npub fn own(mut x: u64, mut y: u64) -> u64 {\n${statements.join('\n')}\n    x ^ y\n}\n`;
      };
      // The same names and text in ten crates are a copy, not boilerplate: boilerplate is each crate's own words
      // on one skeleton, which the particular share tells apart (rules.test.ts, "diverged-copy of one template").
      const crates = Array.from({ length: 10 }, (_, i) => crate(`c${i}`, { ledger: variedModule() + own(i) })).join('');
      const many = await analyse(crates);
      const found = many.findings('diverged-copy');
      assert.equal(found.length, 9, many.summary().join('\n'));
      assert.deepEqual(new Set(found.map((f) => f.related[0].file.split('/')[0])).size, 1, 'each copy names the same original');
      for (const f of found) {
        const [, percent, shared, diverging] = /(\d+)% similar, (\d+) lines shared, (\d+) diverging/.exec(f.message)!.map(Number);
        assert.ok(percent >= 70 && shared > diverging, f.message);
      }
    });

    it('names the counterpart at the same path when two files of the original crate are as alike', async () => {
      // mint.rs and burn.rs of `core` differ in identifiers only: the same to fingerprints.
      const mint = variedModule();
      const burn = mint.replace(/Ledger/g, 'Burner').replace(/post/g, 'burn');
      const fixture = crate('core', { burn, mint }) + crate('zeta', { mint: variedModule(EDIT) }, 'pub mod mint;\npub fn uses() { let _ = core::mint::parse_line(""); }');
      const { findings, index } = await analyse(fixture);
      const onZeta = findings('diverged-copy').filter((f) => index.display(f.file) === 'zeta/src/mint.rs');
      assert.equal(onZeta.length, 1);
      assert.match(onZeta[0].message, /^This file has diverged from core::mint in crate core \(core\/src\/mint\.rs\)/);
    });

    it('diffs members over every impl block of a type: a method moved between blocks is not missing', async () => {
      const original = variedModule().replace('    pub fn report(&self)', '}\n\nimpl Ledger {\n    pub fn report(&self)');
      const { findings } = await analyse(crate('a', { ledger: original }) + crate('b', { ledger: variedModule(EDIT) }));
      const [finding] = findings('diverged-copy');
      assert.ok(finding);
      assert.match(finding.message, /Ledger here has 1 item that a's lacks: clear\./);
      assert.doesNotMatch(finding.message, /this copy lacks/);
    });
  });

  describe('tests under src/', () => {
    const helper = `pub fn checksum(data: &[u8]) -> u32 {
    let mut a: u32 = 1;
    let mut b: u32 = 0;
    for byte in data {
        a = (a + *byte as u32) % 65521;
        b = (b + a) % 65521;
    }
    (b << 16) | a
}
`;
    it('treats a #[test] fn and a file a #[cfg(test)] mod brings in as tests, and reports them with includeTests', async () => {
      const lib = (extra: string) => `#[cfg(test)]\nmod helpers;\n\n#[test]\nfn checks_${extra}() {\n${helper.split('\n').slice(1, -3).join('\n')}\n    assert_eq!(a, b);\n}\n`;
      const fixture = crate('a', { helpers: helper }, lib('a')) + crate('b', { helpers: helper.replace('65521', '65521 ') + '\npub fn extra() {}\n' }, lib('b'));
      const quiet = await analyse(fixture, { severity: { 'duplicate-file': 'off' } });
      assert.deepEqual(quiet.summary('duplicate-item'), []);
      assert.deepEqual(quiet.summary('diverged-copy'), []);
      const loud = await analyse(fixture, { includeTests: true });
      assert.ok(loud.summary('duplicate-item').length > 0, loud.summary().join('; '));
    });
  });

  describe('duplicate-item', () => {
    const display = (words: string[]) => `use std::fmt;

pub enum Level {
    Low,
    Mid,
    High,
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Level::Low => write!(f, "${words[0]}"),
            Level::Mid => write!(f, "${words[1]}"),
            Level::High => write!(f, "${words[2]}"),
        }
    }
}
`;
    it('reports a Display impl copied with its strings, and not one of the same shape with its own strings', async () => {
      const copied = await analyse(crate('a', { level: display(['low', 'mid', 'high']) }) + crate('b', { level: display(['low', 'mid', 'high']) + '\npub fn b() {}\n' }));
      assert.deepEqual(copied.summary('duplicate-item'), ['duplicate-item b/src/level.rs']);
      const patterned = await analyse(crate('a', { level: display(['low', 'mid', 'high']) }) + crate('b', { level: display(['quiet', 'normal', 'loud']) + '\npub fn b() {}\n' }));
      assert.deepEqual(patterned.summary('duplicate-item'), []);
    });

    it('says a copy with one literal changed is a copy, with one literal changed', async () => {
      const { findings } = await analyse(crate('a', { level: display(['low', 'mid', 'high']) }) + crate('b', { level: display(['low', 'middle', 'high']) + '\npub fn b() {}\n' }));
      const [finding] = findings('duplicate-item');
      assert.ok(finding);
      assert.match(finding.message, /, with one literal changed\.$/);
    });
  });
});
