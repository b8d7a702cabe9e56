// Name resolution per module for one crate target, from each file's facts:
// the module tree (file modules and inline ones), the items each module
// declares with their visibility, its `use` leaves (renames, globs, `self`),
// and `crate`/`self`/`super` paths. It answers "what does this path name,
// written in this module" and "who reaches into this module, by which path",
// as rustc's resolver would for the cases syntax decides. What syntax cannot
// decide (items a macro expands to, `mod` inside macros, build-script
// output) is not seen: a path into such a thing comes back `unresolved`,
// and callers treat that as "may be anything".
import type { Crate, TargetKind } from '../../cargo/workspace';
import type { ModuleInfo } from '../modules';
import type { DeclaredItem, SourceFacts, UseFact } from '../rust';

export interface ScopeInput {
  allModules(): ReadonlyMap<string, ModuleInfo>;
  factsOf(file: string): SourceFacts | undefined;
}

export type Resolution =
  | { kind: 'module'; module: string[] }
  | { kind: 'item'; module: string[]; item: DeclaredItem; rest: string[] }
  | { kind: 'extern'; crate: string; rest: string[] }
  | { kind: 'unresolved'; reason: string };

/** Where a module is reached from outside it. */
export interface Reach {
  file: string;
  line: number;
  /** The path as written. */
  written: string;
  /** The name taken from the module (an item or an import of it), or undefined for the module itself or a glob. */
  name?: string;
  glob: boolean;
}

interface ModuleScope {
  path: string[];
  file: string;
  items: DeclaredItem[];
  uses: UseFact[];
  paths: { path: string[]; line: number }[];
}

const key = (path: string[]) => path.join('::');

export class CrateScopes {
  private readonly modules = new Map<string, ModuleScope>();

  /** `externs`: the names of the extern prelude (dependency names, std, core, alloc). */
  constructor(input: ScopeInput, readonly crate: Crate, target: TargetKind, private readonly externs: (name: string) => boolean) {
    for (const [file, info] of input.allModules()) {
      if (info.crate !== crate || info.target !== target) continue;
      const facts = input.factsOf(file);
      if (!facts) continue;
      const scope = (inline: string[]) => {
        const path = [...info.path, ...inline];
        let found = this.modules.get(key(path));
        if (!found) this.modules.set(key(path), (found = { path, file, items: [], uses: [], paths: [] }));
        // A `mod x;` makes x's scope from its parent's file; x's own file owns it.
        if (inline.length === 0) found.file = file;
        return found;
      };
      scope([]);
      for (const item of facts.declared) {
        scope(item.module).items.push(item);
        if (item.kind === 'mod') scope([...item.module, item.name]);
      }
      for (const use of facts.uses) scope(use.module).uses.push(use);
      for (const p of facts.paths) scope(p.module).paths.push({ path: p.path, line: p.line });
    }
  }

  hasModule(path: string[]): boolean {
    return this.modules.has(key(path));
  }

  /**
   * What `segments`, written in module `from`, names. Path qualifiers as the
   * Reference, "Paths", has them: `crate` is the root, `self` the module,
   * each `super` its parent; a first segment is looked up in the module's
   * items and imports, then in the extern prelude (edition 2018 "uniform
   * paths"; a leading `::` means the extern prelude only).
   */
  resolve(from: string[], segments: string[], seen: Set<string> = new Set()): Resolution {
    if (segments.length === 0) return { kind: 'module', module: from };
    let current: string[];
    let i: number;
    const [first] = segments;
    if (first === 'crate') [current, i] = [[], 1];
    else if (first === 'self') [current, i] = [from, 1];
    else if (first === 'super') {
      current = from;
      for (i = 0; segments[i] === 'super'; i++) {
        if (current.length === 0) return { kind: 'unresolved', reason: 'super:: above the crate root' };
        current = current.slice(0, -1);
      }
    } else if (first === '') {
      return segments.length > 1 && this.externs(segments[1]) ? { kind: 'extern', crate: segments[1], rest: segments.slice(2) } : { kind: 'unresolved', reason: `::${segments[1]} is not a crate` };
    } else {
      const found = this.lookup(from, first, from, seen);
      if (!found) {
        if (this.externs(first)) return { kind: 'extern', crate: first, rest: segments.slice(1) };
        return { kind: 'unresolved', reason: `${first} is not declared or imported in ${key(from) || 'the crate root'}` };
      }
      if (found.kind !== 'module') return withRest(found, segments.slice(1));
      [current, i] = [found.module, 1];
    }
    for (; i < segments.length; i++) {
      const found = this.lookup(current, segments[i], from, seen);
      if (!found) return { kind: 'unresolved', reason: `${segments[i]} is not in ${key(current) || 'the crate root'}` };
      if (found.kind !== 'module') return withRest(found, segments.slice(i + 1));
      current = found.module;
    }
    return { kind: 'module', module: current };
  }

  /**
   * A name in a module, as seen from `viewer`: its own items (a `mod` is a
   * module), then its explicit imports, then its glob imports (the Reference,
   * "Use declarations": items and named imports shadow glob imports). A
   * private item or import is seen only from the module and its descendants.
   */
  private lookup(module: string[], name: string, viewer: string[], seen: Set<string>): Resolution | undefined {
    const scope = this.modules.get(key(module));
    if (!scope) return { kind: 'unresolved', reason: `${key(module)} is not a module the syntax shows` };
    const item = scope.items.find((d) => d.name === name && visibleFrom(d.visibility, module, viewer));
    if (item) return item.kind === 'mod' ? { kind: 'module', module: [...module, name] } : { kind: 'item', module, item, rest: [] };
    for (const use of scope.uses) {
      if (use.glob || use.name !== name || !visibleFrom(use.visibility, module, viewer)) continue;
      const guard = `${key(module)} use ${key(use.path)}`;
      if (seen.has(guard)) return { kind: 'unresolved', reason: `${name} is imported in a cycle` };
      return this.resolve(module, use.path, new Set([...seen, guard]));
    }
    let externGlob: string | undefined;
    for (const use of scope.uses) {
      if (!use.glob || !visibleFrom(use.visibility, module, viewer)) continue;
      const guard = `${key(module)} glob ${key(use.path)}`;
      if (seen.has(guard)) continue;
      const target = this.resolve(module, use.path, new Set([...seen, guard]));
      if (target.kind === 'module') {
        const found = this.lookup(target.module, name, viewer, new Set([...seen, guard]));
        if (found && found.kind !== 'unresolved') return found;
      } else if (target.kind === 'extern') externGlob ??= target.crate;
      else return { kind: 'unresolved', reason: `${name} may come from the glob import ${key(use.path)}::*, which does not resolve` };
    }
    if (externGlob) return { kind: 'extern', crate: externGlob, rest: [name] };
    return undefined;
  }

  /**
   * Every `use` and path outside module `target` (and its inline
   * descendants) that names it or an item in it. A glob import of it is a
   * reach of every visible item it has.
   */
  reachersOf(target: string[]): Reach[] {
    const inside = (module: string[]) => target.every((s, i) => module[i] === s);
    // The name a path takes from the module (the segment after it, or the item it lands on through a re-export), null for the module itself.
    const reachOf = (from: string[], written: string[]): string | null | undefined => {
      for (let k = 1; k <= written.length; k++) {
        const r = this.resolve(from, written.slice(0, k));
        if (r.kind === 'module' && inside(r.module)) return k < written.length ? written[k] : null;
        if (r.kind === 'item' && inside(r.module)) return r.item.name;
        if (r.kind !== 'module') return undefined;
      }
      return undefined;
    };
    const reaches: Reach[] = [];
    for (const scope of this.modules.values()) {
      if (inside(scope.path)) continue;
      for (const use of scope.uses) {
        const name = reachOf(scope.path, use.path);
        if (name === undefined) continue;
        reaches.push({ file: scope.file, line: use.line, written: `use ${key(use.path)}${use.glob ? '::*' : ''}`, name: name ?? undefined, glob: use.glob && name === null });
      }
      for (const p of scope.paths) {
        const name = reachOf(scope.path, p.path);
        if (name !== undefined) reaches.push({ file: scope.file, line: p.line, written: key(p.path), name: name ?? undefined, glob: false });
      }
    }
    return reaches;
  }

  /** The items of a module, for a glob's reach. */
  itemsOf(module: string[]): DeclaredItem[] {
    return this.modules.get(key(module))?.items ?? [];
  }
}

function withRest(found: Resolution, rest: string[]): Resolution {
  if (found.kind === 'item') return { ...found, rest: [...found.rest, ...rest] };
  if (found.kind === 'extern') return { ...found, rest: [...found.rest, ...rest] };
  return found;
}

/** Whether an item of `module` with this visibility can be named from `viewer`, within one crate (the Reference, "Visibility and privacy"). */
function visibleFrom(visibility: string, module: string[], viewer: string[]): boolean {
  const within = (ancestor: string[]) => ancestor.every((s, i) => viewer[i] === s);
  if (visibility === '') return within(module);
  if (visibility === 'pub(self)') return within(module);
  if (visibility === 'pub(super)') return within(module.slice(0, -1));
  return true; // pub, pub(crate), pub(in path): within the crate, as far as one crate can tell
}
