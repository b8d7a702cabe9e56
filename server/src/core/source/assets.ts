// Files that ship with the program: the wasm grammar and runtime, the README
// that documents each finding code, the demo workspace.
import { existsSync, readFileSync } from 'node:fs';
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

/**
 * The README section that explains a finding code, on the repository's page
 * (package.json's `repository`), where the README is rendered and the anchor
 * lands on the code's heading, as rust-analyzer links its diagnostics. Without
 * a repository, the README shipped beside the program.
 */
export function documentationUrl(code: FindingCode): string {
  return `${documentationPage()}#${code}`;
}

let page: string | undefined;

function documentationPage(): string {
  if (page !== undefined) return page;
  const manifest = locateAsset('package.json');
  try {
    const repository = manifest ? (JSON.parse(readFileSync(manifest, 'utf8')) as { repository?: string | { url?: string } }).repository : undefined;
    const url = typeof repository === 'string' ? repository : repository?.url;
    if (url && /^(git\+)?https?:\/\//.test(url)) return (page = url.replace(/^git\+/, '').replace(/\.git$/, ''));
  } catch {
    // An unreadable package.json: the shipped README below.
  }
  // vsce packs README.md as readme.md.
  const readme = locateAsset('README.md') ?? locateAsset('readme.md');
  return (page = readme ? pathToFileURL(readme).href : 'README.md');
}
