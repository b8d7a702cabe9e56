// Clone classes: files of different crates that are the same module, grouped
// N-way, with the copy to keep (the authoritative one) chosen by a fixed rule.
import * as fs from 'node:fs';
import { diffLines } from 'diff';
import type { AnalysisOptions, Finding, Range, RelatedLocation } from '../model';
import { severityOf } from '../model';
import type { ModuleInfo } from '../source/modules';
import type { SourceFacts } from '../source/rust';
import { packageKey } from '../cargo/workspace';
import type { Crate, CrateGraph } from '../cargo/workspace';
import { asDrift, sharedGroup } from './versions';
import type { VersionGroup } from './versions';

export interface CloneMember {
  file: string;
  crate: Crate;
  facts: SourceFacts;
  module?: ModuleInfo;
}

export interface CloneClass {
  /** Authoritative first, then the copies in path order. */
  members: CloneMember[];
  crates: Crate[];
}

export interface CloneContext {
  graph: CrateGraph;
  options: AnalysisOptions;
  /** How to show a path in a message: relative to its workspace folder. */
  display(file: string): string;
  /** The version group of each crate in one; none when left out. */
  versionGroups?: ReadonlyMap<Crate, VersionGroup>;
}

/**
 * The rule for the copy to keep, in order: a crate named in the
 * `authoritativeCrates` setting; a crate the consolidation plan names as
 * authoritative; the crate more local crates depend on; a crate
 * written here rather than vendored (cargo-normalised manifest or
 * `.cargo_vcs_info.json`); the crate name. Within that crate: a file some
 * `mod` reaches, then the shorter path.
 */
export function compareAuthority(a: CloneMember, b: CloneMember, context: CloneContext): number {
  return compareCrates(a.crate, b.crate, context) || compareFiles(a, b);
}

export function compareCrates(a: Crate, b: Crate, { graph, options }: CloneContext): number {
  const named = (names: readonly string[] | undefined) => (c: Crate) => (names ?? []).some((n) => packageKey(n) === packageKey(c.name) || n === c.libName);
  const pinned = named(options.authoritativeCrates);
  if (pinned(a) !== pinned(b)) return pinned(a) ? -1 : 1;
  const planned = named(options.planAuthoritativeCrates);
  if (planned(a) !== planned(b)) return planned(a) ? -1 : 1;
  const dependents = graph.dependentsOf(b).size - graph.dependentsOf(a).size;
  if (dependents !== 0) return dependents;
  if (a.vendored !== b.vendored) return a.vendored ? 1 : -1;
  return a.name.localeCompare(b.name) || a.dir.localeCompare(b.dir);
}

function compareFiles(a: CloneMember, b: CloneMember): number {
  if (!a.module !== !b.module) return a.module ? -1 : 1;
  return a.file.length - b.file.length || a.file.localeCompare(b.file);
}

/** Orders a group of equal files into a clone class, or undefined when they all sit in one crate. */
export function makeCloneClass(members: CloneMember[], context: CloneContext): CloneClass | undefined {
  const crates = [...new Set(members.map((m) => m.crate))];
  if (crates.length < 2) return undefined;
  const sorted = [...members].sort((a, b) => compareAuthority(a, b, context));
  const [authoritative, ...copies] = sorted;
  copies.sort((a, b) => a.file.localeCompare(b.file));
  return { members: [authoritative, ...copies], crates: crates.sort((a, b) => compareCrates(a, b, context)) };
}

/**
 * The most members one finding relates: the copy to keep, then the others in
 * path order. A class of thousands of copies would otherwise make each finding
 * carry every other copy (quadratic output: 330 MB of JSON at 1,000 copies);
 * the message says how many there are in all.
 */
export const MAX_RELATED = 20;

/** One finding on each copy outside the authoritative crate, relating the copy to keep and up to MAX_RELATED - 1 other members. */
export function copyFindings(clone: CloneClass, context: CloneContext): Finding[] {
  const [authoritative] = clone.members;
  const findings: Finding[] = [];
  for (const copy of clone.members.slice(1)) {
    if (copy.crate === authoritative.crate) continue;
    const sameTokens = copy.facts.tokenHash === authoritative.facts.tokenHash;
    const code = sameTokens ? 'duplicate-file' : 'near-duplicate-file';
    const severity = severityOf(context.options, code);
    if (severity === 'off') continue;
    const original = `${moduleName(authoritative, context)} in crate ${authoritative.crate.name} (${context.display(authoritative.file)})`;
    const others = clone.members.length - 1;
    const shown = clone.members.filter((m) => m !== copy).slice(0, MAX_RELATED);
    const count =
      others > 1
        ? ` It is one of ${others} copies of that module${others > MAX_RELATED ? `; the copy to keep and ${MAX_RELATED - 1} of the others are related here` : ''}.`
        : '';
    let message: string;
    if (sameTokens) {
      const how = copy.facts.byteHash === authoritative.facts.byteHash ? 'byte for byte' : 'but for whitespace and comments';
      message = `This file is a copy of ${original}, identical ${how} (${copy.facts.lines} lines).${count}`;
    } else {
      message = `This file is a copy of ${original} that differs only in use paths: ${describeLineDifferences(authoritative.file, copy.file)}.${count}`;
    }
    const declaration = copy.module?.declaredBy;
    const group = sharedGroup(context.versionGroups, copy.crate, authoritative.crate);
    findings.push(asDrift({
      code,
      severity,
      message,
      file: copy.file,
      range: firstLine(copy.facts),
      related: shown.map(
        (m): RelatedLocation => ({
          file: m.file,
          range: firstLine(m.facts),
          message: m === authoritative ? `the copy to keep, in crate ${m.crate.name}` : `another copy, in crate ${m.crate.name}`,
        }),
      ),
      fixes: [],
      declaration: declaration && { file: declaration.file, range: declaration.declaration.range },
    }, group));
  }
  return findings;
}

export function moduleName(member: CloneMember, context: CloneContext): string {
  if (!member.module) return `${context.display(member.file)} (no mod declaration reaches it)`;
  return [member.crate.libName, ...member.module.path].join('::');
}

export function firstLine(facts: SourceFacts): Range {
  return { start: { line: 0, character: 0 }, end: { line: 0, character: facts.firstLineLength } };
}

/** "line 7 `use crate::x;` where the original has `use a::x;`", for up to three places. */
function describeLineDifferences(originalFile: string, copyFile: string): string {
  let original: string;
  let copy: string;
  try {
    original = fs.readFileSync(originalFile, 'utf8');
    copy = fs.readFileSync(copyFile, 'utf8');
  } catch {
    return 'the files could not be read again to compare them';
  }
  const places: string[] = [];
  let line = 0;
  let removed: string[] = [];
  for (const change of diffLines(original, copy)) {
    const lines = change.value.replace(/\n$/, '').split('\n');
    if (change.removed) {
      removed = lines;
    } else if (change.added) {
      const theirs = removed.length > 0 ? ` where the original has ${quote(removed)}` : '';
      places.push(`${lines.length > 1 ? 'lines' : 'line'} ${line + 1}${lines.length > 1 ? `-${line + lines.length}` : ''} ${quote(lines)}${theirs}`);
      line += lines.length;
      removed = [];
    } else {
      if (removed.length > 0) places.push(`the original's ${quote(removed)} is missing before line ${line + 1}`);
      removed = [];
      line += lines.length;
    }
  }
  if (places.length === 0) return 'whitespace or comments around use paths';
  const shown = places.slice(0, 3).join('; ');
  return places.length > 3 ? `${shown}; and ${places.length - 3} more` : shown;
}

function quote(lines: string[]): string {
  const text = lines.map((l) => l.trim()).join(' ');
  return '`' + (text.length > 80 ? text.slice(0, 77) + '...' : text) + '`';
}
