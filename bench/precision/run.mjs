// Precision per finding code, and recall on the labelled copies, on real code
// nobody tuned for: rust-src 1.63, crates Debian packages in two or three
// majors, and two public multi-crate workspaces at a pinned commit (wasmtime,
// nushell); bench/precision/install.sh lays them out under /work/corpus.
//
//   node bench/precision/run.mjs [--corpus DIR] [--json-dir DIR]
//
// Runs `dist/cli.js check <corpus>/<name> --format json --no-cache --severity
// duplicate-block=warning` on each corpus (every code on, the opt-in one too) (or
// reads <json-dir>/<name>.json when given), then matches every finding to
// bench/precision/labels.tsv by (corpus, code, file, first related file):
//   corpus  code  file  related  true|false  why
// A label was written by reading both sides. Precision per code is true /
// labelled; findings without a label are counted, not guessed. Recall: of
// the copies labelled true (from this or an earlier build's findings), the
// share this build still reports between the same two files, under any code.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
};
const CORPUS = option('--corpus', '/work/corpus');
const JSON_DIR = option('--json-dir', undefined);
const CORPORA = ['rust-src', 'debian-majors', 'wasmtime', 'nushell'];

const labels = fs
  .readFileSync(path.join(ROOT, 'bench/precision/labels.tsv'), 'utf8')
  .split('\n')
  .filter((l) => l.trim() && !l.startsWith('#'))
  .map((l) => {
    const [corpus, code, file, related, verdict, why] = l.split('\t');
    return { corpus, code, file, related, verdict: verdict === 'true', why };
  });
const key = (corpus, code, file, related) => [corpus, code, file, related].join('\t');
const byKey = new Map(labels.map((l) => [key(l.corpus, l.code, l.file, l.related), l]));

const rows = new Map();
const reportedPairs = new Set();
const ran = new Set();
for (const corpus of CORPORA) {
  let report;
  if (JSON_DIR) report = JSON.parse(fs.readFileSync(path.join(JSON_DIR, `${corpus}.json`), 'utf8'));
  else if (!fs.existsSync(path.join(CORPUS, corpus))) {
    // wasmtime and nushell need the tool library's fetch (see install.sh): without them the figures are partial.
    console.log(`${corpus}: not laid out under ${CORPUS} (bench/precision/install.sh says why); its labels are not counted`);
    continue;
  } else {
    const run = spawnSync(process.execPath, [path.join(ROOT, 'dist/cli.js'), 'check', path.join(CORPUS, corpus), '--format', 'json', '--no-cache', '--severity', 'duplicate-block=warning'], {
      encoding: 'utf8',
      maxBuffer: 1 << 30,
    });
    report = JSON.parse(run.stdout);
  }
  ran.add(corpus);
  for (const f of report.findings) {
    const related = f.related[0]?.file ?? '';
    for (const r of f.related) reportedPairs.add([corpus, ...[f.file, r.file].sort()].join('\t'));
    const row = rows.get(f.code) ?? { findings: 0, labelled: 0, true: 0, false: 0, byCorpus: {} };
    row.findings++;
    row.byCorpus[corpus] = (row.byCorpus[corpus] ?? 0) + 1;
    const label = byKey.get(key(corpus, f.code, f.file, related));
    if (label) {
      row.labelled++;
      row[label.verdict ? 'true' : 'false']++;
    }
    rows.set(f.code, row);
  }
}

console.log(`| code | findings (${CORPORA.join(', ')}) | labelled | true | false | precision |`);
console.log('| --- | --- | --- | --- | --- | --- |');
for (const [code, r] of [...rows].sort()) {
  const precision = r.labelled ? (r.true / r.labelled).toFixed(2) : 'n/a';
  console.log(`| ${code} | ${r.findings} (${CORPORA.map((c) => r.byCorpus[c] ?? 0).join(', ')}) | ${r.labelled} | ${r.true} | ${r.false} | ${precision} |`);
}
const unlabelled = [...rows.values()].reduce((n, r) => n + r.findings - r.labelled, 0);
console.log(`\nfindings without a label: ${unlabelled}`);
const copies = labels.filter((l) => l.verdict && l.related && ran.has(l.corpus));
const found = copies.filter((l) => reportedPairs.has([l.corpus, ...[l.file, l.related].sort()].join('\t')));
console.log(`\nrecall on the ${copies.length} copies labelled true: ${found.length}/${copies.length} = ${(found.length / Math.max(1, copies.length)).toFixed(2)}`);
const stale = labels.filter((l) => !rows.has(l.code) || ![...reportedPairs].some((p) => p.startsWith(l.corpus + '\t')));
if (stale.length) console.log(`${stale.length} labels name a corpus or code this run has nothing of`);
