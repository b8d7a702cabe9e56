// The acceptance test: the bundled CLI on a copy of the demo workspace gives
// exactly the findings demo/README.md lists, in the JSON the README documents.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { copyToTemp, removeFixture, repoRoot } from '../support/fixture';

const CLI = path.join(repoRoot, 'dist', 'cli.js');

/** The modules demo/README.md lists as byte-identical copies in datafusion_python. */
const COPIED = [
  'delta_control_plane',
  'delta_maintenance',
  'delta_mutations',
  'delta_observability',
  'delta_protocol',
  'function_factory',
  'function_rewrite',
  'udf_async',
  'udaf_builtin',
  'udtf_external',
  'udf_docs',
];

interface JsonRange {
  start: { line: number; character: number };
  end: { line: number; character: number };
}
interface JsonFinding {
  code: string;
  severity: string;
  message: string;
  file: string;
  range: JsonRange;
  related: { file: string; range: JsonRange; message: string }[];
  fixes: string[];
  declaration?: { file: string; range: JsonRange };
}
interface JsonReport {
  root: string;
  crates: { name: string; manifest: string; dependencies: { name: string; package: string; kind: string; source: string; range: JsonRange }[] }[];
  findings: JsonFinding[];
  stats: { crates: number; files: number; lines: number; duplicatedLines: number; elapsedMs: number };
}

function lineCount(text: string): number {
  const lines = text.split('\n');
  return text.endsWith('\n') ? lines.length - 1 : lines.length;
}

function rustFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.rs'))
    .map((f) => path.join(dir, f));
}

function assertRange(range: JsonRange, what: string): void {
  for (const end of [range.start, range.end]) {
    assert.ok(Number.isInteger(end.line) && end.line >= 0, `${what}: line`);
    assert.ok(Number.isInteger(end.character) && end.character >= 0, `${what}: character`);
  }
  assert.deepEqual(Object.keys(range).sort(), ['end', 'start']);
}

function assertRelativeFile(file: string, root: string): void {
  assert.equal(path.isAbsolute(file), false, `${file} is relative`);
  assert.equal(file.includes('\\'), false, `${file} is /-separated`);
  assert.ok(fs.existsSync(path.join(root, file)), `${file} exists under the root`);
}

describe('acceptance: rust-consolidate check on the demo workspace', () => {
  let dir: string;
  let status: number | null;
  let report: JsonReport;
  const byCode = (code: string) => report.findings.filter((f) => f.code === code);

  before(() => {
    dir = copyToTemp('demo/rust');
    const run = spawnSync(process.execPath, [CLI, 'check', dir, '--format', 'json'], { encoding: 'utf8' });
    status = run.status;
    assert.equal(run.error, undefined);
    report = JSON.parse(run.stdout) as JsonReport;
  });
  after(() => removeFixture(dir));

  it('exits with status 1, as there are findings', () => {
    assert.equal(status, 1);
  });

  it('reports the 11 byte-identical copies, each on datafusion_python and related to datafusion_ext', () => {
    const duplicates = byCode('duplicate-file');
    assert.deepEqual(
      duplicates.map((f) => f.file).sort(),
      COPIED.map((m) => `datafusion_python/src/${m}.rs`).sort(),
    );
    for (const finding of duplicates) {
      const module = path.basename(finding.file, '.rs');
      assert.deepEqual(
        finding.related.map((r) => [r.file, r.message]),
        [[`datafusion_ext/src/${module}.rs`, 'the copy to keep, in crate datafusion_ext']],
      );
      assert.match(finding.message, new RegExp(`^This file is a copy of datafusion_ext::${module} in crate datafusion_ext \\(datafusion_ext/src/${module}\\.rs\\), identical byte for byte`));
    }
  });

  it("points each copy's declaration at its `mod` line in datafusion_python/src/lib.rs", () => {
    const lib = fs.readFileSync(path.join(dir, 'datafusion_python/src/lib.rs'), 'utf8').split('\n');
    for (const finding of byCode('duplicate-file')) {
      const module = path.basename(finding.file, '.rs');
      const line = lib.findIndex((l) => new RegExp(`^(pub(\\(crate\\))? )?mod ${module};$`).test(l));
      assert.ok(line >= 0, `lib.rs declares ${module}`);
      assert.deepEqual(finding.declaration, {
        file: 'datafusion_python/src/lib.rs',
        range: { start: { line, character: 0 }, end: { line, character: lib[line].length } },
      });
    }
  });

  it('reports the one near duplicate, naming line 7 and both use paths', () => {
    const near = byCode('near-duplicate-file');
    assert.equal(near.length, 1);
    assert.equal(near[0].file, 'datafusion_python/src/udf_builtin.rs');
    assert.match(near[0].message, /line 7 /);
    assert.ok(near[0].message.includes('`use crate::expr::PyExpr;`'), near[0].message);
    assert.ok(near[0].message.includes('`use datafusion_python::expr::PyExpr;`'), near[0].message);
    assert.equal(near[0].related[0].file, 'datafusion_ext/src/udf_builtin.rs');
  });

  it('reports the inverted dependency on the `datafusion-python` key of its `[dependencies.datafusion-python]` header', () => {
    const inverted = byCode('inverted-dependency');
    assert.equal(inverted.length, 1);
    const [finding] = inverted;
    assert.equal(finding.file, 'datafusion_ext/Cargo.toml');
    const lines = fs.readFileSync(path.join(dir, 'datafusion_ext/Cargo.toml'), 'utf8').split('\n');
    const line = lines.indexOf('[dependencies.datafusion-python]');
    assert.equal(line, 48);
    assert.deepEqual(finding.range, { start: { line, character: 14 }, end: { line, character: 31 } });
    assert.equal(lines[line].slice(finding.range.start.character, finding.range.end.character), 'datafusion-python');
    assert.ok(finding.message.includes('is the local crate datafusion-python (datafusion_python)'), finding.message);
    assert.ok(finding.message.includes('12 modules'), finding.message);
    assert.ok(
      finding.related.some((r) => r.file === 'datafusion_python/Cargo.toml' && r.message === 'the local crate datafusion-python'),
      JSON.stringify(finding.related),
    );
  });

  it('reports nothing else: no other copy, and only the diverged file and the two runtimes of the near-miss analysis', () => {
    assert.deepEqual(
      report.findings.map((f) => `${f.code} ${f.file}`).filter((f) => !f.startsWith('duplicate-file ')).sort(),
      [
        'diverged-copy datafusion_python/src/registry_snapshot.rs',
        'duplicate-singleton datafusion_python/src/utils.rs',
        'duplicate-singleton df_plugin_codeanatomy/src/lib.rs',
        'inverted-dependency datafusion_ext/Cargo.toml',
        'near-duplicate-file datafusion_python/src/udf_builtin.rs',
      ],
    );
    assert.equal(report.findings.filter((f) => f.code === 'duplicate-file').length, 11);
  });

  it('writes the JSON contract: root, crates with dependencies, findings, stats', () => {
    assert.equal(report.root, dir);
    assert.ok(path.isAbsolute(report.root));
    assert.deepEqual(
      report.crates.map((c) => [c.name, c.manifest]).sort(),
      [
        ['datafusion-python', 'datafusion_python/Cargo.toml'],
        ['datafusion_ext', 'datafusion_ext/Cargo.toml'],
        ['df_plugin_api', 'df_plugin_api/Cargo.toml'],
        ['df_plugin_codeanatomy', 'df_plugin_codeanatomy/Cargo.toml'],
        ['df_plugin_host', 'df_plugin_host/Cargo.toml'],
      ],
    );
    for (const crate of report.crates) {
      for (const d of crate.dependencies) {
        assert.deepEqual(Object.keys(d).sort(), ['kind', 'name', 'package', 'range', 'source']);
        assert.ok(['normal', 'dev', 'build'].includes(d.kind));
        assert.ok(['path', 'registry', 'git', 'workspace'].includes(d.source));
        assertRange(d.range, `${crate.name} -> ${d.name}`);
      }
    }
    const ext = report.crates.find((c) => c.name === 'datafusion_ext')!;
    const onPython = ext.dependencies.find((d) => d.name === 'datafusion-python')!;
    assert.deepEqual(onPython, {
      name: 'datafusion-python',
      package: 'datafusion-python',
      kind: 'normal',
      source: 'registry',
      range: byCode('inverted-dependency')[0].range,
    });
    assert.equal(ext.dependencies.find((d) => d.name === 'df_plugin_host')?.source, 'path');

    for (const f of report.findings) {
      assert.ok(['error', 'warning', 'information', 'hint'].includes(f.severity));
      assert.equal(f.severity, 'warning');
      assert.equal(typeof f.message, 'string');
      assertRelativeFile(f.file, dir);
      assertRange(f.range, f.file);
      assert.ok(Array.isArray(f.related));
      for (const r of f.related) {
        assert.deepEqual(Object.keys(r).sort(), ['file', 'message', 'range']);
        assertRelativeFile(r.file, dir);
        assertRange(r.range, r.file);
      }
      assert.ok(Array.isArray(f.fixes));
      assert.ok(f.fixes.every((t) => typeof t === 'string'));
    }

    const files = rustFiles(dir);
    const lines = files.reduce((n, f) => n + lineCount(fs.readFileSync(f, 'utf8')), 0);
    const copies = [...COPIED, 'udf_builtin'].map((m) => path.join(dir, 'datafusion_python/src', `${m}.rs`));
    // Each line once, over every kind: the whole-file copies, and the lines a diverged copy shares with its original.
    const shared = report.findings
      .filter((f) => f.code === 'diverged-copy')
      .reduce((n, f) => n + Number(/(\d+) lines shared/.exec(f.message)![1]), 0);
    const duplicatedLines = copies.reduce((n, f) => n + lineCount(fs.readFileSync(f, 'utf8')), 0) + shared;
    assert.deepEqual(Object.keys(report.stats).sort(), ['crates', 'duplicatedLines', 'elapsedMs', 'files', 'lines']);
    assert.equal(report.stats.crates, 5);
    assert.equal(report.stats.files, files.length);
    assert.equal(report.stats.files, 36);
    assert.equal(report.stats.lines, lines);
    assert.equal(report.stats.duplicatedLines, duplicatedLines);
    assert.ok(Number.isFinite(report.stats.elapsedMs) && report.stats.elapsedMs >= 0);
  });
});
