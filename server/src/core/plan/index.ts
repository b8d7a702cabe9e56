// The plan analysis core: read a consolidation plan, decide each of its items
// from the workspace index, write a new plan from the findings, find plan
// files. Plain data in and out; the server and the CLI glue it to their fronts.
export { parsePlan } from './parse';
export { cachedPlanParser } from './cache';
export { evaluatePlan } from './evaluate';
export type { PlanContext, PlanIndex } from './evaluate';
export { draftPlan, generatePlan, renderPlan } from './generate';
export type { DraftScope, DraftSection, DraftTable, GenerateOptions, PlanDraft, PlanSourceIndex } from './generate';
export { DEFAULT_PLAN_GLOBS, findPlanFiles, isPlanPath } from './discover';
export { checkboxEdit, markableEdits } from './edits';
export { RustSyntax } from './syntax';
export { gitHistory } from './history';
export { authorityOf, planAuthority, readPlanTexts, readTexts, withPlanAuthority } from './authority';
export type { PlanHistory } from './history';
export type { RustFileSyntax, RustItem, RustPath, RustUse } from './syntax';
export { classifyItem } from './classify';
export type * from './model';
