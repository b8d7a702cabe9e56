// Updates that change the module tree (a `mod` line added, removed, moved or
// made test-only; a module file created or deleted) are analysed again only
// around the files that moved. Each must leave the index as a full build does,
// near-miss findings included, and return exactly the files whose findings changed.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { WorkspaceIndex } from '../../server/src/core/index';
import { DEFAULT_OPTIONS, silentLog } from '../../server/src/core/model';
import { RustParser } from '../../server/src/core/source/rust';
import { file, removeFixture, writeFixture } from '../support/fixture';
import { checkedUpdate } from '../support/updates';

/** A module of some forty varied lines; `variant` changes a few of them, as a copy that diverged does. */
function bigModule(seed: string, variant = 0): string {
  return `use std::collections::BTreeMap;
use std::fmt;

/// Settings of the ${seed} loader.
pub struct ${seed}Config {
    pub retries: u32,
    pub label: String,
    pub limits: BTreeMap<String, u64>,
}

impl ${seed}Config {
    pub fn new(label: &str) -> Self {
        let mut limits = BTreeMap::new();
        limits.insert("rows".to_string(), ${1000 + variant});
        limits.insert("bytes".to_string(), 65536);
        Self { retries: 3, label: label.to_string(), limits }
    }

    pub fn limit(&self, name: &str) -> u64 {
        self.limits.get(name).copied().unwrap_or(${variant === 0 ? 0 : 7})
    }

    pub fn describe_limits(&self) -> Vec<String> {
        let mut out = Vec::new();
        for (name, value) in &self.limits {
            out.push(format!("{name}={value} for ${seed}"));
        }${variant === 0 ? '' : '\n        out.push(String::from("diverged"));'}
        out
    }
}

impl fmt::Display for ${seed}Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({} retries)", self.label, self.retries)
    }
}

pub fn parse_${seed.toLowerCase()}_line(line: &str) -> Option<(String, u64)> {
    let (name, value) = line.split_once('=')?;
    let value = value.trim().parse::<u64>().ok()?;
    Some((name.trim().to_string(), value))
}
`;
}

const manifest = (name: string) => `[package]\nname = "${name}"\nversion = "0.1.0"\nedition = "2021"\n`;

/** b copies a's loader (diverged) and a's helpers/deep.rs (whole), and holds a module of its own. */
const WORKSPACE = [
  file('a/Cargo.toml', manifest('a')),
  file('a/src/lib.rs', 'pub mod loader;\npub mod helpers;\n'),
  file('a/src/loader.rs', bigModule('Loader')),
  file('a/src/helpers/mod.rs', 'pub mod deep;\n'),
  file('a/src/helpers/deep.rs', bigModule('Deep')),
  file('b/Cargo.toml', `${manifest('b')}[dependencies]\na = { path = "../a" }\n`),
  file('b/src/lib.rs', 'pub mod loader;\npub mod deep;\npub mod own;\n'),
  file('b/src/loader.rs', bigModule('Loader', 1)),
  file('b/src/deep.rs', bigModule('Deep')),
  file('b/src/own.rs', bigModule('Own', 2)),
].join('');

describe('updates that change the module tree', () => {
  let parser: RustParser;
  let dir: string;
  let index: WorkspaceIndex;
  const at = (relative: string) => path.join(dir, relative);
  const sorted = (files: string[]) => files.map((f) => path.relative(dir, f)).sort();
  const codes = () => index.allFindings().map((f) => `${path.relative(dir, f.file)} ${f.code}`);

  before(async () => {
    parser = await RustParser.load();
  });
  beforeEach(async () => {
    dir = writeFixture(WORKSPACE);
    index = new WorkspaceIndex([dir], { ...DEFAULT_OPTIONS }, parser, silentLog);
    await index.build();
  });
  afterEach(() => removeFixture(dir));

  /** Runs an update; its answer must be the files whose findings changed, and the index what a full build gives. */
  async function update(run: () => string[] | Promise<string[]>): Promise<string[]> {
    const changed = await checkedUpdate(index, run);
    const fresh = new WorkspaceIndex([dir], { ...DEFAULT_OPTIONS }, parser, silentLog);
    await fresh.build();
    assert.deepEqual(index.allFindings(), fresh.allFindings(), 'the index as a full build leaves it');
    assert.deepEqual([...index.allModules()].map(([f, m]) => [f, m.path]), [...fresh.allModules()].map(([f, m]) => [f, m.path]));
    return sorted(changed);
  }

  it('has the findings the tests below change (the control)', () => {
    const found = codes();
    assert.ok(found.includes('b/src/deep.rs duplicate-file'), found.join('\n'));
    assert.ok(found.includes('b/src/loader.rs diverged-copy'), found.join('\n'));
  });

  it('a mod line added above the others moves their declarations, and the new module is a copy', async () => {
    fs.writeFileSync(at('b/src/extra.rs'), bigModule('Deep'));
    await update(() => index.updateSource(at('b/src/extra.rs')));
    fs.writeFileSync(at('b/src/lib.rs'), 'pub mod extra;\npub mod loader;\npub mod deep;\npub mod own;\n');
    const changed = await update(() => index.updateSource(at('b/src/lib.rs')));
    assert.ok(changed.includes('b/src/extra.rs'), changed.join(', '));
    assert.equal(index.findingsFor(at('b/src/deep.rs'))[0]?.declaration?.range.start.line, 2);
  });

  it('#[cfg(test)] on a parent module makes the modules below it test-only', async () => {
    fs.writeFileSync(at('a/src/lib.rs'), 'pub mod loader;\n#[cfg(test)]\nmod helpers;\n');
    const changed = await update(() => index.updateSource(at('a/src/lib.rs')));
    assert.ok(changed.length > 0);
  });

  it('a removed mod line leaves its module and the one below it out of the tree', async () => {
    fs.writeFileSync(at('a/src/lib.rs'), 'pub mod loader;\n');
    await update(() => index.updateSource(at('a/src/lib.rs')));
    assert.equal(index.moduleOf(at('a/src/helpers/deep.rs')), undefined);
  });

  it('a module file deleted, and its mod line then removed', async () => {
    fs.rmSync(at('b/src/loader.rs'));
    await update(() => index.removeSource(at('b/src/loader.rs')));
    fs.writeFileSync(at('b/src/lib.rs'), 'pub mod deep;\npub mod own;\n');
    await update(() => index.updateSource(at('b/src/lib.rs')));
    assert.ok(!codes().some((c) => c.startsWith('b/src/loader.rs')));
  });

  it('a module moved under another parent, one file at a time', async () => {
    fs.writeFileSync(at('b/src/own.rs'), `pub mod deep;\n${bigModule('Own', 2)}`);
    await update(() => index.updateSource(at('b/src/own.rs')));
    fs.mkdirSync(at('b/src/own'));
    fs.copyFileSync(at('b/src/deep.rs'), at('b/src/own/deep.rs'));
    await update(() => index.updateSource(at('b/src/own/deep.rs')));
    fs.writeFileSync(at('b/src/lib.rs'), 'pub mod loader;\npub mod own;\n');
    await update(() => index.updateSource(at('b/src/lib.rs')));
    fs.rmSync(at('b/src/deep.rs'));
    await update(() => index.removeSource(at('b/src/deep.rs')));
    assert.deepEqual(index.moduleOf(at('b/src/own/deep.rs'))?.path, ['own', 'deep']);
  });
});
