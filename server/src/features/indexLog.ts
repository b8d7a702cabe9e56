// The output channel's line for each index: what was read, how long it took,
// and what was found, code by code, so a user can see what happened without
// opening the Problems view. Fixes log through their own function (i13's).
import type { IndexStats } from '../core/index';
import { FINDING_CODES } from '../core/model';
import type { Finding } from '../core/model';

export function describeIndex(folders: string[], stats: IndexStats, findings: readonly Finding[], suppressed: number, elapsedMs: number): string {
  const counts = new Map<string, number>();
  for (const f of findings) counts.set(f.code, (counts.get(f.code) ?? 0) + 1);
  const byCode = FINDING_CODES.filter((c) => counts.has(c)).map((c) => `${counts.get(c)} ${c}`);
  return (
    `indexed ${folders.join(', ')}: ${stats.crates} crates, ${stats.files} files, ${stats.lines} lines in ${elapsedMs} ms; ` +
    `${stats.findings} findings${byCode.length > 0 ? ` (${byCode.join(', ')})` : ''}` +
    (suppressed > 0 ? `, ${suppressed} suppressed` : '') +
    `; ${stats.copies} copies hold ${stats.duplicatedLines} duplicated lines`
  );
}
