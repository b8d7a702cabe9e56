// What the code was when the plan was written, from git: the version of a
// file at the commit that added the plan (HEAD when the plan is not
// committed yet). A plan item that removes `fn f` is not done when `f` is
// still there under another name with the same body; only the old text says
// what `f`'s body was. Without git (or outside a repository) there is no
// history, and the checks that need it say nothing more than the code does.
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

/** The text of a file as it was when the plan was written; undefined when unknown. */
export interface PlanHistory {
  textAt(file: string): string | undefined;
}

const GIT_TIMEOUT_MS = 5000;

function git(cwd: string, args: string[]): string | undefined {
  const result = spawnSync('git', args, { cwd, encoding: 'utf8', timeout: GIT_TIMEOUT_MS, maxBuffer: 16 * 1024 * 1024 });
  return result.status === 0 ? result.stdout : undefined;
}

/** The history of the repository that holds `planFile`, or undefined outside one. */
export function gitHistory(planFile: string): PlanHistory | undefined {
  const dir = path.dirname(planFile);
  const top = git(dir, ['rev-parse', '--show-toplevel'])?.trim();
  if (!top) return undefined;
  // The first commit that added the plan: the code it was written against.
  const added = git(top, ['log', '--diff-filter=A', '--format=%H', '--', path.relative(top, planFile)])?.trim().split('\n').filter(Boolean);
  const revision = added && added.length > 0 ? added[added.length - 1] : git(top, ['rev-parse', '--verify', '-q', 'HEAD'])?.trim();
  if (!revision) return undefined;
  const cache = new Map<string, string | undefined>();
  return {
    textAt(file: string): string | undefined {
      const relative = path.relative(top, file).split(path.sep).join('/');
      if (relative.startsWith('..')) return undefined;
      if (!cache.has(relative)) cache.set(relative, git(top, ['show', `${revision}:${relative}`]));
      return cache.get(relative);
    },
  };
}
