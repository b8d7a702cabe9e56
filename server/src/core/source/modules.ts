// Which crate and module each source file is, found by following `mod`
// declarations from every target root, as rustc does (the Reference,
// "Modules": module source filenames and the `path` attribute).
import * as path from 'node:path';
import type { ModDeclaration, SourceFacts } from './rust';
import type { Crate, CrateGraph, SourceFolders, TargetKind } from '../cargo/workspace';

export interface ModuleInfo {
  crate: Crate;
  /** Module path from the crate root: [] for the root, ['a', 'b'] for `a::b`. */
  path: string[];
  target: TargetKind;
  /** The `mod` declaration that brings the file in; absent for a target root. */
  declaredBy?: { file: string; declaration: ModDeclaration };
}

export function buildModuleTree(
  graph: CrateGraph,
  sources: SourceFolders,
  factsOf: (file: string) => SourceFacts | undefined,
): Map<string, ModuleInfo> {
  const modules = new Map<string, ModuleInfo>();
  for (const crate of graph.crates) {
    for (const target of crate.targets) {
      if (modules.has(target.root)) continue;
      modules.set(target.root, { crate, path: [], target: target.kind });
      const queue: { file: string; modulePath: string[]; modRs: boolean }[] = [
        { file: target.root, modulePath: [], modRs: true },
      ];
      while (queue.length > 0) {
        const { file, modulePath, modRs } = queue.shift()!;
        for (const declaration of factsOf(file)?.mods ?? []) {
          if (declaration.inline) continue;
          const child = resolveModFile(file, modRs, declaration, sources);
          if (!child || modules.has(child)) continue;
          const childPath = [...modulePath, ...declaration.inlineParents, declaration.name];
          modules.set(child, { crate, path: childPath, target: target.kind, declaredBy: { file, declaration } });
          queue.push({
            file: child,
            modulePath: childPath,
            // A file loaded through #[path] owns its folder like a mod.rs does.
            modRs: declaration.pathAttribute !== undefined || path.basename(child) === 'mod.rs',
          });
        }
      }
    }
  }
  return modules;
}

/**
 * The file a `mod x;` in `file` loads. In a mod-rs file (a crate root, a
 * `mod.rs`) children live beside it; in `foo.rs` they live in `foo/`. Inline
 * modules add their names as folders. `#[path]` is relative to the file's
 * folder, or, inside inline modules, to the folder those modules name.
 */
export function resolveModFile(
  file: string,
  modRs: boolean,
  declaration: ModDeclaration,
  sources: SourceFolders,
): string | undefined {
  const own = modRs ? path.dirname(file) : path.join(path.dirname(file), path.basename(file, '.rs'));
  if (declaration.pathAttribute !== undefined) {
    const base = declaration.inlineParents.length === 0 ? path.dirname(file) : path.join(own, ...declaration.inlineParents);
    const target = path.resolve(base, declaration.pathAttribute);
    return sources.has(target) ? target : undefined;
  }
  // Module names are identifiers, never `..` or a separator: joined as strings, the paths are the ones
  // path.join makes, without its normalising every part (a tenth of a `mod` line's update on rust-src).
  const dir = declaration.inlineParents.length === 0 ? own : path.join(own, ...declaration.inlineParents);
  const prefix = dir.endsWith(path.sep) ? dir : dir + path.sep;
  const file1 = `${prefix}${declaration.name}.rs`;
  if (sources.has(file1)) return file1;
  const file2 = `${prefix}${declaration.name}${path.sep}mod.rs`;
  return sources.has(file2) ? file2 : undefined;
}
