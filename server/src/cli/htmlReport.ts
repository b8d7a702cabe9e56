// `rust-consolidate report --html <file>`: the Duplication Map as a
// standalone page, for a CI job's artifacts. Its numbers are the JSON's
// `duplication` (both come from core/duplication.ts).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { duplicationMap } from '../core/duplication';
import type { DuplicationSource } from '../core/duplication';
import type { WorkspaceIndex } from '../core/index';
import { renderDuplicationMap } from '../mapPage';
import { UsageError, indexWorkspace, parseCommand, write } from './workspace';

export async function report(args: string[]): Promise<number> {
  const { root, options, values } = parseCommand(args, { html: { type: 'string' } });
  const output = values.html as string | undefined;
  if (output === undefined) throw new UsageError('report needs --html <file>');
  const index = await indexWorkspace(root, options);
  const map = duplicationMap(index.allFindings(), duplicationSource(index));
  const relative = (f: string) => path.relative(root, f).split(path.sep).join('/');
  fs.writeFileSync(output, renderDuplicationMap(map, { title: `Duplication Map of ${path.basename(root)}`, display: relative }));
  await write(`wrote ${output}: ${map.crates.length} crates, ${map.cells.length} pairs, ${map.lines} shared lines\n`);
  return 0;
}

export function duplicationSource(index: WorkspaceIndex): DuplicationSource {
  return { factsOf: (f) => index.factsOf(f), crateOf: (f) => index.graph.crateOf(f)?.name };
}
