// Which crate a plan says keeps the shared modules: "Make `datafusion_ext`
// the authoritative source", "`kernel` is the authoritative copy", "`core`
// keeps the modules". The keeper rule reads it below the explicit
// `authoritativeCrates` setting and above its automatic rules, so the
// findings and the fixes keep the copy the plan keeps.
import * as fs from 'node:fs';
import type { AnalysisOptions } from '../model';
import { findPlanFiles } from './discover';

const NAME = '`?([A-Za-z0-9_][\\w-]*)`?';
const STATEMENTS = [
  new RegExp(`\\b(?:make|keep|treat|use)\\s+${NAME}\\s+(?:as\\s+)?the\\s+(?:single\\s+|one\\s+)?(?:authoritative|canonical)\\b`, 'gi'),
  new RegExp(`${NAME}\\s+(?:is|stays|remains|becomes|will be)\\s+the\\s+(?:single\\s+|one\\s+)?(?:authoritative|canonical)\\s+(?:source|copy|crate|home|owner|version)`, 'gi'),
  new RegExp(`${NAME}\\s+(?:is|stays|remains|becomes)\\s+the\\s+(?:single\\s+)?source\\s+of\\s+truth\\b`, 'gi'),
  new RegExp(`${NAME}\\s+keeps\\s+the\\s+(?:shared\\s+|copied\\s+)?(?:modules|copies|files)\\b`, 'gi'),
];

/** The crates a plan's text names as the one to keep, in the order it names them. */
export function planAuthority(text: string): string[] {
  const found: { at: number; name: string }[] = [];
  // Prose only: code blocks sketch code, they do not state a decision.
  const prose = text.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, (block) => block.replace(/[^\n]/g, ' '));
  for (const statement of STATEMENTS) {
    for (const m of prose.matchAll(statement)) found.push({ at: m.index, name: m[1] });
  }
  return [...new Set(found.sort((a, b) => a.at - b.at).map((f) => f.name))];
}

/** The crates these plans name as authoritative, each once, in the order the plans name them. */
export function authorityOf(planTexts: readonly string[]): string[] {
  return [...new Set(planTexts.flatMap(planAuthority))];
}

/** The options with the crates these plans name as authoritative. */
export function withPlanAuthority(options: AnalysisOptions, planTexts: readonly string[]): AnalysisOptions {
  return { ...options, planAuthoritativeCrates: authorityOf(planTexts) };
}

/** The texts of the plan files these folders hold; a plan that cannot be read names no crate. */
export function readPlanTexts(folders: readonly string[], globs: readonly string[]): string[] {
  return readTexts(findPlanFiles(folders, globs));
}

/** The texts of these plan files; a plan that cannot be read names no crate. */
export function readTexts(files: readonly string[]): string[] {
  return files.flatMap((file) => {
    try {
      return [fs.readFileSync(file, 'utf8')];
    } catch {
      return [];
    }
  });
}
