// Files that ship with the program: the wasm grammar and runtime, the README
// that documents each finding code, the demo workspace.
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { FindingCode } from '../model';

/**
 * Finds a shipped file by walking up from the running script: beside a bundle
 * in dist/, or in the repository (grammars/, dist/) when running from out/.
 */
export function locateAsset(name: string, from = __dirname): string | undefined {
  for (let dir = from; ; dir = path.dirname(dir)) {
    for (const candidate of [path.join(dir, name), path.join(dir, 'grammars', name), path.join(dir, 'dist', name)]) {
      if (existsSync(candidate)) return candidate;
    }
    if (path.dirname(dir) === dir) return undefined;
  }
}

/** The README section that explains a finding code, as rust-analyzer links its diagnostics. */
export function documentationUrl(code: FindingCode): string {
  // vsce packs README.md as readme.md.
  const readme = locateAsset('README.md') ?? locateAsset('readme.md');
  return `${readme ? pathToFileURL(readme).href : 'README.md'}#${code}`;
}
