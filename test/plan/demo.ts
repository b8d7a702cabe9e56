// The server's plan feature on its own, with a host that records nothing:
// on a copy of the demo for the plan tests, or on a folder a protocol test
// runs a server on, to know what the plan reads.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { WorkspaceIndex } from '../../server/src/core/index';
import { DEFAULT_OPTIONS, silentLog } from '../../server/src/core/model';
import type { AnalysisOptions } from '../../server/src/core/model';
import { RustParser } from '../../server/src/core/source/rust';
import { PlanFeature } from '../../server/src/features/plan';
import type { PlanItemNode, PlanView } from '../../server/src/protocol';
import { removeFixture, repoRoot, writeFixture } from '../support/fixture';

/** A PlanFeature on a folder, indexed with these options, its plans loaded. */
export async function planFeature(root: string, options: AnalysisOptions = DEFAULT_OPTIONS) {
  const parser = await RustParser.load();
  const index = new WorkspaceIndex([root], options, parser, silentLog);
  await index.build();
  const feature = new PlanFeature({
    index: () => index,
    folders: () => [root],
    options: () => options,
    log: silentLog,
    publish: () => undefined,
    viewChanged: () => undefined,
    applyEdit: async () => true,
  });
  await feature.reload();
  return { root, index, feature, dispose: () => parser.dispose() };
}

/** The files the plans of a folder make the server read when it starts: the plans, and the files their items parse. */
export async function filesThePlanReads(root: string): Promise<number> {
  const { feature, dispose } = await planFeature(root);
  dispose();
  return feature.filesRead;
}

/** A PlanFeature on a copy of the demo under rust/, indexed with these options. */
export async function demoFeature(options: AnalysisOptions = DEFAULT_OPTIONS) {
  const temp = writeFixture('');
  const root = path.join(temp, 'rust');
  fs.cpSync(path.join(repoRoot, 'demo', 'rust'), root, { recursive: true });
  const loaded = await planFeature(root, options);
  return {
    ...loaded,
    temp,
    dispose: () => {
      loaded.dispose();
      removeFixture(temp);
    },
  };
}

export function viewItem(view: PlanView, text: string): PlanItemNode {
  const found = view.plans.flatMap((p) => [...p.scopes.flatMap((s) => s.items), ...p.other]).find((i) => i.text === text);
  assert.ok(found, text);
  return found;
}

