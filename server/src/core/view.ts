// The narrow, read-only view of the index that the rooms below it read:
// fixes and the resolver take this, never WorkspaceIndex itself, so nothing
// below index.ts imports it (STYLE.md, "The layout the core is growing into").
import type { CloneClass } from './clones/clones';
import type { Manifest } from './cargo/manifest';
import type { CrateGraph } from './cargo/workspace';
import type { ModuleInfo } from './source/modules';
import type { SourceFacts } from './source/rust';

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
}

/** Reads and fingerprints one source file: on this thread, or on a pool of workers. */
export interface SourceAnalyzer {
  analyzeFile(file: string, libName: string, nearMiss?: boolean): Promise<SourceFacts>;
  dispose(): void;
}
