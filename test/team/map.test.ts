// `report --html` opened in chromium, as a CI artifact is: the page shows
// the demo's crate pairs, and every number on it equals `check --format
// json`'s. A screenshot goes to test-output/report/.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { repoRoot } from '../support/fixture';
import { run } from './support';

const CHROMIUM = '/usr/bin/chromium';
const OUTPUT = path.join(repoRoot, 'test-output', 'report');

interface Duplication {
  lines: number;
  byCode: Record<string, number>;
  pairs: { crates: [string, string]; lines: number; byCode: Record<string, number>; findings: number }[];
}

describe('report --html: the Duplication Map as a page', function () {
  this.timeout(60000);
  before(function () {
    if (!fs.existsSync(CHROMIUM)) this.skip(); // `npm run test:editor` installs it
  });

  it('draws the demo\'s pairs with the numbers check --format json gives', async function () {
    fs.mkdirSync(OUTPUT, { recursive: true });
    const page = path.join(OUTPUT, 'duplication-map.html');
    const written = run('report', '--html', page);
    assert.equal(written.status, 0, written.stderr);
    // The same workspace draws the same page, byte for byte: a CI artifact can be compared.
    const again = path.join(OUTPUT, 'duplication-map-again.html');
    run('report', '--html', again);
    assert.equal(fs.readFileSync(again, 'utf8'), fs.readFileSync(page, 'utf8'));
    const json = JSON.parse(run('check', '--format', 'json').stdout) as { duplication: Duplication; stats: { duplicatedLines: number } };
    const { duplication } = json;
    // The stats count every kind, each line once; the map counts each finding's lines for its pair, so whole copies alone are a floor.
    assert.ok((duplication.byCode['duplicate-file'] ?? 0) + (duplication.byCode['near-duplicate-file'] ?? 0) <= json.stats.duplicatedLines, JSON.stringify([duplication.byCode, json.stats]));
    assert.ok(duplication.byCode['diverged-copy'] > 0 && duplication.byCode['duplicate-singleton'] > 0, JSON.stringify(duplication.byCode));

    const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu'] });
    try {
      const tab = await browser.newPage({ viewport: { width: 1100, height: 720 } });
      await tab.goto(pathToFileURL(page).href);
      // Each pair appears twice in the grid (row and column), with the JSON's lines.
      const cells = await tab.$$eval('a.cell', (as) => as.map((a) => [a.getAttribute('data-crates'), Number(a.getAttribute('data-lines')), a.textContent]));
      const expected = duplication.pairs.flatMap((p) => [[p.crates.join('|'), p.lines, String(p.lines)]]);
      assert.deepEqual([...new Set(cells.map((c) => JSON.stringify(c)))].sort(), expected.map((e) => JSON.stringify(e)).sort());
      assert.equal(cells.length, 2 * duplication.pairs.length);
      assert.equal(Number(await tab.textContent('#total-lines')), duplication.lines);
      const legend = await tab.$$eval('ul.legend li[data-code]', (lis) => lis.map((li) => [li.getAttribute('data-code'), Number(li.querySelector('b')!.textContent)]));
      assert.deepEqual(Object.fromEntries(legend), duplication.byCode);
      // A click on a cell shows its pair in the table below.
      await tab.click('a.cell >> nth=0');
      assert.match(tab.url(), /#pair-/);
      await tab.screenshot({ path: path.join(OUTPUT, 'duplication-map.png'), fullPage: true });
    } finally {
      await browser.close();
    }
  });
});
