// The check every incremental suite makes of an update's answer.
import * as assert from 'node:assert/strict';
import type { WorkspaceIndex } from '../../server/src/core/index';

/**
 * Runs an update of the index and checks its answer against what it did: the
 * files it returns are exactly those whose findings differ from before.
 * Returns them as the update did.
 */
export async function checkedUpdate(index: WorkspaceIndex, update: () => string[] | Promise<string[]>): Promise<string[]> {
  const snapshot = () => new Map(index.filesWithFindings().map((f) => [f, JSON.stringify(index.findingsFor(f))]));
  const before = snapshot();
  const changed = await update();
  const after = snapshot();
  const differing = [...new Set([...before.keys(), ...after.keys()])].filter((f) => before.get(f) !== after.get(f));
  assert.deepEqual([...changed].sort(), differing.sort(), 'the files returned are the files whose findings changed');
  return changed;
}
