// Where the plans are: markdown files under the workspace folders whose
// names match the `rustConsolidate.planFiles` globs.
import * as fs from 'node:fs';
import * as path from 'node:path';
import picomatch from 'picomatch';

/** Markdown files whose name contains "consolidation", in any folder. */
export const DEFAULT_PLAN_GLOBS: readonly string[] = ['**/*consolidation*.md', '**/*consolidation*.markdown'];

const SKIPPED = new Set(['target', '.git', 'node_modules']);

/**
 * Whether a file is a plan: under one of the roots, its path relative to
 * that root matches a glob (as findPlanFiles finds them), outside build
 * output and dependencies.
 */
export function isPlanPath(roots: readonly string[], globs: readonly string[], file: string): boolean {
  if (globs.length === 0) return false;
  const matches = picomatch([...globs], { dot: true, nocase: true });
  return roots.some((root) => {
    const relative = path.relative(path.resolve(root), file);
    if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) return false;
    const parts = relative.split(path.sep);
    return !parts.slice(0, -1).some((p) => SKIPPED.has(p)) && matches(parts.join('/'));
  });
}

/**
 * Plan files under the roots, as absolute paths in path order. Globs are
 * relative to each root and match names whatever their case
 * (`Consolidation_Plan.md`); build output and dependencies are skipped.
 */
export function findPlanFiles(roots: readonly string[], globs: readonly string[] = DEFAULT_PLAN_GLOBS): string[] {
  if (globs.length === 0) return [];
  const matches = picomatch([...globs], { dot: true, nocase: true });
  // `**/<name>` globs (the default ones) are decided by the file's name alone: no relative path per file.
  const byName = globs.every((g) => g.startsWith('**/') && !g.slice(3).includes('/'))
    ? picomatch(globs.map((g) => g.slice(3)), { dot: true, nocase: true })
    : undefined;
  const found = new Set<string>();
  const walk = (dir: string, relative: string) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      if (entry.isDirectory()) {
        if (!SKIPPED.has(entry.name)) walk(path.join(dir, entry.name), relative + entry.name + '/');
      } else if (entry.isFile() && (byName ? byName(entry.name) : matches(relative + entry.name))) {
        found.add(path.join(dir, entry.name));
      }
    }
  };
  for (const root of roots) walk(path.resolve(root), '');
  return [...found].sort();
}
