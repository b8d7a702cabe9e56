// Plain data shared by the analysis core and its two fronts (the language
// server and the CLI). Nothing here knows about LSP or VS Code; positions are
// 0-based lines and UTF-16 columns, as in LSP, so the fronts pass them through.

export interface Position {
  line: number;
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

export type Severity = 'error' | 'warning' | 'information' | 'hint';

export const FINDING_CODES = [
  'duplicate-file',
  'near-duplicate-file',
  'inverted-dependency',
  'dependency-cycle',
  'manifest-error',
  'diverged-copy',
  'duplicate-item',
  'duplicate-singleton',
  'duplicate-block',
  'plan-item-regressed',
  'settings-error',
  'redundant-suppression',
  'kept-copy',
] as const;

export type FindingCode = (typeof FINDING_CODES)[number];

export interface Location {
  /** Absolute path. */
  file: string;
  range: Range;
}

export interface RelatedLocation extends Location {
  message: string;
}

export interface Finding {
  code: FindingCode;
  severity: Severity;
  message: string;
  /** Absolute path of the file the finding is on. */
  file: string;
  range: Range;
  related: RelatedLocation[];
  /** Titles of the fixes offered for this finding. */
  fixes: string[];
  /** For a copied module: the `mod` declaration that brings it into its crate. */
  declaration?: Location;
  /** Between versions of one another (see versions.ts): drift to report, no fix to offer. The group's name. */
  versionGroup?: string;
  /** Set on a finding a suppression silenced: it is kept apart, not reported. */
  suppressedBy?: Suppression;
}

export interface AnalysisOptions {
  /** Crates (package or lib names) whose copies are always the ones to keep. */
  authoritativeCrates: string[];
  /** Crates a consolidation plan names as authoritative ("Make `x` the authoritative source"): kept below the setting, above the automatic rule. */
  planAuthoritativeCrates?: string[];
  /** Globs, relative to a workspace root, of paths never indexed. */
  exclude: string[];
  /** Severity per finding code; a code set to 'off' is not reported. */
  severity: Partial<Record<FindingCode, Severity | 'off'>>;
  /** Files with fewer significant tokens are too small to call copies. */
  minimumTokens: number;
  /** Run the near-miss analysis (diverged copies, copied items, singletons). */
  nearMiss: boolean;
  /** Files at least this alike (Dice similarity of their fingerprints, 0 to 1) are diverged copies. */
  similarityThreshold: number;
  /** Items smaller than this are never reported as copies. */
  minimumItemLines: number;
  minimumItemTokens: number;
  /** Near-miss findings (diverged copies, items, singletons) in tests, benches and examples. */
  includeTests: boolean;
  /** Near-miss findings in files that say a tool wrote them. */
  includeGenerated: boolean;
  /** Globs of files never reported by the near-miss analysis. */
  ignorePaths: string[];
  /** Pairs of globs: two files matching them are never reported as copies of each other. */
  ignorePairs: [string, string][];
  /** Globs of the consolidation plans to follow. */
  planFiles: string[];
  /** Source files larger than this many bytes are not parsed: they are fingerprinted by their bytes only. */
  maxFileBytes: number;
  /** Each a glob over crate folders (relative to the workspace folder) or package names: the crates it matches are versions of one another. */
  versionGroups: string[];
  /** Findings the team decided to keep, from the shared settings' `allow` list. */
  allow: AllowEntry[];
}

/** One entry of the shared settings' `allow` list: a code on the files a glob names, and why. */
export interface AllowEntry {
  code: FindingCode;
  /** Glob relative to `base`, `/`-separated. */
  path: string;
  reason: string;
  /** The folder the glob is read from: the one that holds the Cargo.toml it is written in. */
  base: string;
  /** Where the entry is written, for a redundant one's diagnostic. */
  written: Location;
}

/** Where a finding was silenced, and the reason given. */
export interface Suppression {
  file: string;
  line: number;
  reason: string;
}

export const DEFAULT_OPTIONS: AnalysisOptions = {
  authoritativeCrates: [],
  exclude: [],
  severity: {},
  minimumTokens: 50,
  nearMiss: true,
  similarityThreshold: 0.7,
  // About 6 lines and 50 tokens: the usual threshold in clone research.
  minimumItemLines: 6,
  minimumItemTokens: 50,
  includeTests: false,
  includeGenerated: false,
  ignorePaths: [],
  ignorePairs: [],
  planFiles: ['**/*consolidation*.md', '**/*consolidation*.markdown'],
  // Hand-written Rust files stay well under 1 MB; past this is generated code or data.
  maxFileBytes: 4 * 1024 * 1024,
  versionGroups: [],
  allow: [],
};

/** Codes not reported unless turned on; every other code defaults to a warning. */
// duplicate-block is opt-in until its pairwise matching is bounded: on rust-src it triples the check's time (BENCHMARKS.md).
const DEFAULT_SEVERITY: Partial<Record<FindingCode, Severity | 'off'>> = { 'kept-copy': 'off', 'duplicate-block': 'off' };

export function severityOf(options: AnalysisOptions, code: FindingCode): Severity | 'off' {
  return options.severity[code] ?? DEFAULT_SEVERITY[code] ?? 'warning';
}

export interface Log {
  info(message: string): void;
  warn(message: string): void;
}

export const silentLog: Log = { info() {}, warn() {} };
