// Parsed plans kept by their text, beside the facts (source/cache.ts) and with
// the same guarantees: an entry of another version of the parser, or one whose
// checksum fails, is ignored and the plan parsed again. Reading the shared
// 34 KB plan takes 30-50 ms in a process that just started.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FactCache, analysisVersion, checkedCodec } from '../source/cache';
import type { Plan } from './model';
import { parsePlan } from './parse';

const isPlan = (value: unknown): value is Plan =>
  typeof value === 'object' && value !== null && typeof (value as Plan).file === 'string' && Array.isArray((value as Plan).scopes);

/**
 * The code that parses plans: this bundle, or, running from the compiled
 * sources, the plan modules beside this one and the text helpers they use.
 */
function parserCode(): string[] {
  if (path.basename(__dirname) !== 'plan') return [__filename];
  const beside = fs.readdirSync(__dirname).filter((f) => f.endsWith('.js')).sort().map((f) => path.join(__dirname, f));
  return [...beside, path.join(__dirname, '..', 'text.js')];
}

/** parsePlan, with the plans it parsed kept under `cacheFolder`/plans; without a folder, parsePlan itself. */
export function cachedPlanParser(cacheFolder: string | undefined): (file: string, text: string) => Plan {
  if (!cacheFolder) return parsePlan;
  const cache = new FactCache<Plan>(path.join(cacheFolder, 'plans'), analysisVersion(parserCode()), checkedCodec(isPlan));
  cache.pruneOtherVersions();
  return (file, text) => {
    const key = `${file}\0${createHash('sha1').update(text).digest('base64')}`;
    const cached = cache.get(key);
    if (cached && cached.file === file) return cached;
    const plan = parsePlan(file, text);
    cache.put(key, plan);
    return plan;
  };
}
