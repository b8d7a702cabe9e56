// duplicate-block: copied regions inside items and files that differ around
// them, found through the fingerprint index, once per region.
import * as assert from 'node:assert/strict';
import { DEFAULT_OPTIONS } from '../../server/src/core/model';
import type { Finding } from '../../server/src/core/model';
import { RustParser } from '../../server/src/core/source/rust';
import { rustModule, useFixtures } from '../support/fixture';
import { crate, variedModule } from './similarity.test';
import { buildIndex } from './support';

const rustModuleText = rustModule('words');

/** duplicate-block is opt-in (off by default, see model.ts): turned on as a user would, by its severity. */
const BLOCKS_ON = { ...DEFAULT_OPTIONS, severity: { 'duplicate-block': 'warning' as const } };

/** A 30-line loop body, the block that gets copied. */
const BLOCK = `        let mut window = Vec::with_capacity(size);
        for (offset, sample) in samples.iter().enumerate() {
            if sample.is_nan() {
                skipped += 1;
                continue;
            }
            window.push(*sample);
            if window.len() > size {
                window.remove(0);
            }
            let mean = window.iter().sum::<f64>() / window.len() as f64;
            let spread = window.iter().map(|v| (v - mean).powi(2)).sum::<f64>();
            if spread > threshold * window.len() as f64 {
                alerts.push(Alert { offset, mean, spread });
            }
        }
        if skipped * 4 > samples.len() {
            return Err(Error::TooSparse { skipped, total: samples.len() });
        }
        let last = alerts.last().map(|a| a.offset).unwrap_or(0);
        log::debug!("{} alerts, last at {}", alerts.len(), last);
`;

/** Code of another shape than variedModule's, so that the two files around a block are not copies. */
const OTHER = `pub fn tokenize(input: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut chars = input.char_indices().peekable();
    while let Some((start, c)) = chars.next() {
        match c {
            ' ' | '\\t' | '\\n' => continue,
            '0'..='9' => {
                let mut end = start + 1;
                while let Some(&(i, d)) = chars.peek() {
                    if !d.is_ascii_digit() { break; }
                    end = i + 1;
                    chars.next();
                }
                tokens.push(Token::Number(input[start..end].parse().unwrap_or_default()));
            }
            '+' | '-' | '*' | '/' => tokens.push(Token::Op(c)),
            '(' => tokens.push(Token::Open),
            ')' => tokens.push(Token::Close),
            other => tokens.push(Token::Unknown(other)),
        }
    }
    tokens
}

pub enum Token { Number(i64), Op(char), Open, Close, Unknown(char) }

pub fn depth(tokens: &[Token]) -> Option<usize> {
    let (mut now, mut max) = (0usize, 0usize);
    for t in tokens {
        match t {
            Token::Open => { now += 1; max = max.max(now); }
            Token::Close => now = now.checked_sub(1)?,
            _ => {}
        }
    }
    (now == 0).then_some(max)
}
`;

/** A function around the block whose own code differs by `flavour`. */
function host(flavour: 'a' | 'b', block = BLOCK): string {
  const before =
    flavour === 'a'
      ? `    pub fn scan(&self, samples: &[f64], size: usize, threshold: f64) -> Result<Vec<Alert>, Error> {\n        let mut alerts = Vec::new();\n        let mut skipped = 0usize;\n`
      : `    pub fn detect(&mut self, samples: &[f64], threshold: f64) -> Result<Vec<Alert>, Error> {\n        self.runs += 1;\n        let size = self.window.max(3);\n        let mut alerts = Vec::with_capacity(8);\n        let mut skipped = 0;\n        tracing::info!(run = self.runs);\n`;
  const after = flavour === 'a' ? `        Ok(alerts)\n    }\n` : `        self.last = alerts.len();\n        if alerts.is_empty() { self.quiet += 1; }\n        Ok(alerts)\n    }\n`;
  return `pub struct Alert { pub offset: usize, pub mean: f64, pub spread: f64 }\n\nimpl Detector {\n${before}${block}${after}}\n`;
}

describe('duplicate-block', () => {
  let parser: RustParser;
  const fixture = useFixtures();
  before(async () => {
    parser = await RustParser.load();
  });

  async function blocks(text: string): Promise<{ found: Finding[]; display: (f: string) => string }> {
    const index = await buildIndex(fixture(text), parser, BLOCKS_ON);
    return { found: index.allFindings().filter((f) => f.code === 'duplicate-block'), display: (f) => index.display(f) };
  }

  it('finds a block copied inside functions that differ around it, in files that are not copies, once, on the copy', async () => {
    const { found, display } = await blocks(
      crate('alpha', { detect: `use crate::Detector;\n\n${variedModule()}\n${host('a')}` }, 'pub mod detect;\npub struct Detector;') +
        crate('beta', { detect: `${OTHER}\n${host('b')}` }, 'pub mod detect;\npub struct Detector;'),
    );
    assert.equal(found.length, 1, found.map((f) => f.message).join('\n'));
    const [finding] = found;
    assert.equal(display(finding.file), 'beta/src/detect.rs');
    // The block, and a line at its edge the two functions have alike by shape.
    assert.match(finding.message, /^Lines \d+-\d+ \(inside fn Detector::detect\) are a copy of lines \d+-\d+ of alpha\/src\/detect\.rs in crate alpha, (\d+) lines, (identical line for line|1 line changed)\.$/);
    const lines = finding.range.end.line - finding.range.start.line;
    assert.ok(lines >= 18 && lines <= 24, `${lines} lines`);
    assert.deepEqual(finding.related.map((r) => display(r.file)), ['alpha/src/detect.rs']);
  });

  it('finds a copy that differs in one path segment, saying one line changed', async () => {
    const edited = BLOCK.replace('Err(Error::TooSparse', 'Err(crate::errors::Error::TooSparse');
    const { found } = await blocks(crate('alpha', { detect: variedModule() + host('a') }) + crate('beta', { detect: OTHER + host('b', edited) }));
    assert.equal(found.length, 1);
    assert.match(found[0].message, /, [12] lines? changed\.$/);
  });

  it('finds a repetitive table inside a top-level macro call with one literal changed', async () => {
    const table = (changed: string) =>
      `define_opcodes! {\n${Array.from({ length: 24 }, (_, i) => `    (Op${i}, "op${i}", ${i === 7 ? changed : String(i * 3)}, Kind::Binary),`).join('\n')}\n}\n`;
    const { found, display } = await blocks(
      crate('alpha', { ops: `macro_rules! define_opcodes { ($(($n:ident, $s:expr, $c:expr, $k:expr)),* $(,)?) => {}; }\n\n${table('21')}\n${variedModule()}` }) +
        crate('beta', { ops: `use alpha::define_opcodes;\n\npub enum Kind { Binary }\n\n${table('99')}\n${OTHER}` }),
    );
    assert.equal(found.length, 1, found.map((f) => f.message).join('\n'));
    assert.equal(display(found[0].file), 'beta/src/ops.rs');
    // The changed row, and maybe a line at the region's edge whose tokens run into the table's.
    assert.match(found[0].message, /, [12] lines? changed\.$/);
  });

  it('reports nothing for a table of the same shape with other contents: a pattern, not a copy', async () => {
    const table = (seed: number) =>
      `define_opcodes! {\n${Array.from({ length: 24 }, (_, i) => `    (Op${i}, "${seed}x${i}", ${i * seed}, Kind::Binary),`).join('\n')}\n}\n`;
    const { found } = await blocks(crate('alpha', { ops: table(3) + variedModule() }) + crate('beta', { ops: `pub enum Kind { Binary }\n\n${table(5)}${OTHER}` }));
    assert.deepEqual(found, []);
  });

  it('reports one region once, relating every crate that has it', async () => {
    const { found, display } = await blocks(
      crate('alpha', { detect: variedModule() + host('a') }) +
        crate('beta', { detect: OTHER + host('b') }) +
        crate('gamma', { detect: host('b').replace('self.runs += 1;', 'self.runs += 2;\n        self.seen = true;') }),
    );
    // alpha is kept (first by name); beta's copy relates alpha's, gamma's relates both.
    assert.deepEqual(found.map((f) => display(f.file)).sort(), ['beta/src/detect.rs', 'gamma/src/detect.rs']);
    const related = (file: string) => found.find((f) => display(f.file) === file)!.related.map((r) => display(r.file));
    assert.deepEqual(related('beta/src/detect.rs'), ['alpha/src/detect.rs']);
    assert.deepEqual(related('gamma/src/detect.rs'), ['alpha/src/detect.rs', 'beta/src/detect.rs']);
  });

  it('counts duplicated lines over every kind, each line once: a copied file, a block, an item', async () => {
    const item = `pub fn checksum(data: &[u8]) -> u32 {
    let mut a: u32 = 1;
    let mut b: u32 = 0;
    for byte in data {
        a = (a + *byte as u32) % 65521;
        b = (b + a) % 65521;
    }
    (b << 16) | a
}
`;
    const index = await buildIndex(
      fixture(crate('alpha', { detect: variedModule() + host('a') + item, words: rustModuleText }) + crate('beta', { detect: OTHER + host('b') + item, words: rustModuleText })),
      parser,
      BLOCKS_ON,
    );
    const codes = index.allFindings().map((f) => `${f.code} ${index.display(f.file)}`).sort();
    assert.deepEqual(codes, ['duplicate-block beta/src/detect.rs', 'duplicate-file beta/src/words.rs', 'duplicate-item beta/src/detect.rs']);
    const block = index.allFindings().find((f) => f.code === 'duplicate-block')!;
    const copied = index.allFindings().find((f) => f.code === 'duplicate-item')!;
    const facts = index.factsOf(block.file)!;
    const itemFact = facts.items.find((i) => i.range.start.line === copied.range.start.line)!;
    const lines = new Set<number>();
    for (let l = block.range.start.line; l < block.range.end.line; l++) lines.add(l);
    for (let l = itemFact.range.start.line; l <= itemFact.range.end.line; l++) lines.add(l);
    assert.equal(index.stats().duplicatedLines, index.factsOf(index.allFindings().find((f) => f.code === 'duplicate-file')!.file)!.lines + lines.size);
  });
});
