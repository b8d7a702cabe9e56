// The narrow, read-only view of the index that the rooms below it read:
// fixes and the resolver take this, never WorkspaceIndex itself, so nothing
// below index.ts imports it (STYLE.md, "The layout the core is growing into").
import type { CloneClass } from './clones/clones';
import type { Manifest } from './cargo/manifest';
import type { Crate, CrateGraph, TargetKind } from './cargo/workspace';
import type { ModuleInfo } from './source/modules';
import type { SourceFacts } from './source/rust';
import type { CrateScopes } from './source/resolve/scopes';

export interface IndexView {
  readonly graph: CrateGraph;
  cloneClassOf(file: string): CloneClass | undefined;
  allModules(): ReadonlyMap<string, ModuleInfo>;
  allManifests(): ReadonlyMap<string, Manifest>;
  moduleOf(file: string): ModuleInfo | undefined;
  factsOf(file: string): SourceFacts | undefined;
  /** Every Rust file the index has facts for, modules and orphans alike. */
  allSourceFiles(): Iterable<string>;
  manifestOf(file: string): Manifest | undefined;
  /** A path for messages, relative to its workspace folder. */
  display(file: string): string;
  /**
   * The resolver's scopes of a crate's target, kept until a file's facts, a module, a manifest or the
   * settings change: the fixes of every copy in a crate ask for the same ones. Absent, callers build them.
   */
  crateScopes?(crate: Crate, target: TargetKind, externs: (name: string) => boolean): CrateScopes;
}

/** Reads and fingerprints one source file: on this thread, or on a pool of workers. */
export interface SourceAnalyzer {
  /** `editing`: a file being edited (a save): the analyzer may keep its tree, to parse its next version from it. */
  analyzeFile(file: string, libName: string, nearMiss?: boolean, editing?: boolean): Promise<SourceFacts>;
  dispose(): void;
}
