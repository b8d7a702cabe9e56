// `rust-consolidate fix`: applies the editor's fixes to the files on disk, or
// prints them as a unified diff with --dry-run.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createTwoFilesPatch } from 'diff';
import { COPY_CODES, editedTexts, fixesTogether, mergeFixes, stillMatches } from '../core/fixes/fixes';
import type { Fix } from '../core/fixes/fixes';
import { FINDING_CODES } from '../core/model';
import type { FindingCode } from '../core/model';
import { UsageError, indexWorkspace, parseCommand, write } from './workspace';

const FIXABLE: FindingCode[] = [...COPY_CODES, 'inverted-dependency'];

export async function fix(args: string[]): Promise<number> {
  const { root, options, values, demo } = parseCommand(args, {
    code: { type: 'string', multiple: true, default: [] },
    'dry-run': { type: 'boolean', default: false },
  });
  const codes = (values.code as string[]).length > 0 ? (values.code as string[]) : FIXABLE;
  for (const code of codes) {
    if (!FINDING_CODES.includes(code as FindingCode)) throw new UsageError(`unknown code: ${code}`);
  }
  // The bundled demo is part of the tool: show what would change, never change it.
  const dryRun = (values['dry-run'] as boolean) || demo;
  const index = await indexWorkspace(root, options);
  const rel = (f: string) => path.relative(root, f).split(path.sep).join('/');

  const fixes: Fix[] = fixesTogether(index, index.allFindings().filter((f) => codes.includes(f.code)));
  const refused: { fix: Fix; reason: string }[] = fixes.filter((f) => f.refused).map((f) => ({ fix: f, reason: f.refused! }));
  const current = fixes.filter((f) => {
    if (f.refused) return false;
    const stale = f.changes.find((c) => c.kind === 'delete' && !stillMatches(c));
    if (stale) refused.push({ fix: f, reason: `${rel((stale as { file: string }).file)} changed since it was indexed` });
    return !stale;
  });
  const { changes, merged, conflicting } = mergeFixes(current);
  for (const f of conflicting) refused.push({ fix: f, reason: 'its edits overlap those of another fix; run fix again afterwards' });

  const out: string[] = [];
  if (dryRun) {
    if (demo) out.push(`(the bundled demo is never changed: showing what fix would do to ${root})`, '');
    for (const [file, { before, after }] of editedTexts(changes)) {
      out.push(createTwoFilesPatch(`a/${rel(file)}`, `b/${rel(file)}`, before, after, '', '', { context: 3 }).replace(/^=+\n/, ''));
    }
    for (const change of changes) {
      if (change.kind === 'delete') {
        out.push(createTwoFilesPatch(`a/${rel(change.file)}`, '/dev/null', fs.readFileSync(change.file, 'utf8'), '', '', '').replace(/^=+\n/, ''));
      }
      if (change.kind === 'deleteFolder') out.push(`delete folder ${rel(change.dir)}/\n`);
    }
  } else {
    for (const [file, { after }] of editedTexts(changes)) fs.writeFileSync(file, after);
    for (const change of changes) if (change.kind === 'delete') fs.rmSync(change.file);
    for (const change of changes) {
      // Only a folder the fixes emptied: anything that appeared in it since stays.
      if (change.kind === 'deleteFolder' && fs.readdirSync(change.dir).length === 0) fs.rmdirSync(change.dir);
    }
  }
  for (const f of merged) out.push(`${dryRun ? 'would fix' : 'fixed'} ${rel(f.file)}: ${f.title}`);
  for (const { fix: f, reason } of refused) out.push(`refused ${rel(f.file)}: ${f.title}: ${reason}`);
  if (fixes.length === 0) out.push('nothing to fix');
  await write(out.join('\n') + '\n');
  return refused.length > 0 ? 1 : 0;
}
