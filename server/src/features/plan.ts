// The consolidation plan in the editor: each plan's items decided from the
// index, drift shown as diagnostics on the plan, "Mark as done" on items the
// code shows done, the tree view's model (with stable node ids, so the client
// refreshes only what changed) and the view's commands.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CodeActionKind } from 'vscode-languageserver/node';
import type { CodeAction, CodeActionParams, Diagnostic, WorkspaceEdit } from 'vscode-languageserver/node';
import { COPY_CODES } from '../core/fixes/fixes';
import type { TextEdit } from '../core/fixes/fixes';
import type { WorkspaceIndex } from '../core/index';
import type { AnalysisOptions, Finding, Log } from '../core/model';
import { RustSyntax, checkboxEdit, evaluatePlan, findPlanFiles, generatePlan, gitHistory, isPlanPath, markableEdits, parsePlan } from '../core/plan';
import type { Plan, PlanHistory, PlanItemStatus, PlanStatus } from '../core/plan';
import { copiesIn, planFindings } from '../core/plan/findings';
import type { CratePairNode, PlanItemNode, PlanNode, PlanView } from '../protocol';
import { bulkFix, refusalOf } from './codeActions';
import type { BulkFix, EditorSupport } from './codeActions';
import { toDiagnostic, uriOf } from './diagnostics';
import { duplicationMapView } from './duplicationMap';

export interface PlanHost {
  index(): WorkspaceIndex | undefined;
  folders(): string[];
  options(): AnalysisOptions;
  log: Log;
  publish(file: string, diagnostics: Diagnostic[]): void;
  viewChanged(view: PlanView, changed: string[]): void;
  applyEdit(label: string, edit: WorkspaceEdit): Promise<boolean>;
  /** What the editor supports, for the edits of fixes (none: an editor that shows no disabled action, deletes files, has no open documents). */
  editorSupport?(): EditorSupport;
  /** Applies a bulk fix's edit and reports what was applied and refused; without it, applyEdit. */
  applyBulkFix?(bulk: BulkFix): Promise<void>;
}

interface LoadedPlan {
  file: string;
  /** As read when the plans were last found: a save of a plan file reloads them. */
  plan: Plan;
  status: PlanStatus;
}

export class PlanFeature {
  private plans: LoadedPlan[] = [];
  private syntax: RustSyntax | undefined;
  private readonly histories = new Map<string, PlanHistory | undefined>();
  private view: PlanView = { plans: [], pairs: [] };
  private nodes = new Map<string, string>();
  /** The diagnostics last sent for each plan, as JSON: an unchanged plan is not published again. */
  private readonly published = new Map<string, string>();
  /** Plan files read. */
  private plansRead = 0;

  constructor(private readonly host: PlanHost) {}

  /** Finds the plans again (at start, when plan files come or go, or settings change), then refreshes. */
  async reload(): Promise<void> {
    const index = this.host.index();
    if (!index) return;
    this.syntax ??= await RustSyntax.load();
    const files = findPlanFiles(this.host.folders(), this.host.options().planFiles);
    for (const gone of this.plans.filter((p) => !files.includes(p.file))) this.publish(gone.file, []);
    this.plans = files.flatMap((file) => {
      const plan = this.read(file);
      const status = plan && this.evaluate(plan);
      return plan && status ? [{ file, plan, status }] : [];
    });
    this.publishAll();
  }

  /** Files the plans made the server read: the plans themselves, and the Rust files their items parse, each once per change. */
  get filesRead(): number {
    return this.plansRead + (this.syntax?.filesRead ?? 0);
  }

  /** A plan loaded, or a file the `planFiles` globs match (relative to its workspace folder): one that may have become a plan. */
  isPlanFile(file: string): boolean {
    return this.plans.some((p) => p.file === file) || isPlanPath(this.host.folders(), this.host.options().planFiles, file);
  }

  /** After any change to the index or a plan: decide every item again and send what changed. */
  refresh(): void {
    if (!this.syntax || !this.host.index()) return;
    for (const plan of this.plans) plan.status = this.evaluate(plan.plan) ?? plan.status;
    this.publishAll();
  }

  currentView(): PlanView {
    return this.view;
  }

  codeActions(params: CodeActionParams): CodeAction[] {
    const file = fileURLToPath(params.textDocument.uri);
    const plan = this.plans.find((p) => p.file === file);
    if (!plan) return [];
    const actions: CodeAction[] = [];
    for (const item of items(plan.status)) {
      if (!item.markable || item.line < params.range.start.line || item.line > params.range.end.line) continue;
      const edit = checkboxEdit(item, true);
      if (edit) {
        actions.push({
          title: 'Mark as done',
          kind: CodeActionKind.QuickFix,
          isPreferred: true,
          edit: this.planEdit(file, [edit]),
        });
      }
    }
    const all = markableEdits(plan.status);
    if (all.length > 1) {
      actions.push({ title: `Mark all ${all.length} items the code shows done`, kind: CodeActionKind.Source, edit: this.planEdit(file, all) });
    }
    return actions;
  }

  // -------------------------------------------------------------------------
  // The view's commands, by node id.

  async toggleItem(id: string): Promise<void> {
    const found = this.itemById(id);
    if (!found || found.item.checked === undefined) return;
    const edit = checkboxEdit(found.item, !found.item.checked);
    if (edit) await this.host.applyEdit(found.item.checked ? 'Uncheck plan item' : 'Check plan item', this.planEdit(found.plan.file, [edit]));
  }

  async markAllDone(uri?: string): Promise<number> {
    let count = 0;
    for (const plan of this.plans) {
      if (uri && uriOf(plan.file) !== uri) continue;
      const edits = markableEdits(plan.status);
      if (edits.length === 0) continue;
      if (await this.host.applyEdit('Mark done items', this.planEdit(plan.file, edits))) count += edits.length;
    }
    return count;
  }

  /** Applies the fixes behind an item, or behind every item of a scope, as one edit. */
  async fixNode(id: string): Promise<string | undefined> {
    const index = this.host.index();
    if (!index) return 'the workspace is not indexed yet';
    const targets = this.scopeById(id)?.items ?? [this.itemById(id)?.item].filter((i): i is PlanItemStatus => i !== undefined);
    const findings = dedupe(targets.flatMap((item) => this.findingsBehind(index, item)));
    if (findings.length === 0) return 'nothing to fix behind this item';
    // As one edit that asks for VS Code's preview, and a report of what was applied and refused.
    const support = this.host.editorSupport?.() ?? { disabledActions: true, deleteFiles: true, versions: () => new Map() };
    const bulk = bulkFix(index, findings, 'Fix the findings behind the plan', CodeActionKind.QuickFix, support);
    if (!bulk.action?.edit) return bulk.action?.disabled?.reason ?? bulk.refused[0]?.refused ?? 'no fix can be applied';
    if (this.host.applyBulkFix) await this.host.applyBulkFix(bulk);
    else await this.host.applyEdit(bulk.action.title, bulk.action.edit);
    return undefined;
  }

  /** Writes a new plan from the findings into the first workspace folder; returns its URI. */
  async generate(): Promise<string | undefined> {
    const index = this.host.index();
    const folder = this.host.folders()[0];
    if (!index || !folder) return undefined;
    let file = path.join(folder, 'consolidation_plan.md');
    for (let n = 2; fs.existsSync(file); n++) file = path.join(folder, `consolidation_plan-${n}.md`);
    const text = generatePlan(index, { relativeTo: folder, authoritativeCrates: this.host.options().authoritativeCrates });
    const uri = uriOf(file);
    const applied = await this.host.applyEdit('Generate a consolidation plan', {
      documentChanges: [
        { kind: 'create', uri, options: { ignoreIfExists: false } },
        { textDocument: { uri, version: null }, edits: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, newText: text }] },
      ],
    });
    if (!applied) return undefined;
    return uri;
  }

  // -------------------------------------------------------------------------

  private read(file: string): Plan | undefined {
    try {
      const text = fs.readFileSync(file, 'utf8');
      this.plansRead++;
      return parsePlan(file, text);
    } catch (e) {
      this.host.log.warn(`${file}: cannot read the plan: ${(e as Error).message}`);
      return undefined;
    }
  }

  private evaluate(plan: Plan): PlanStatus | undefined {
    try {
      // The code as it was when the plan was written, from git, read once per plan file.
      if (!this.histories.has(plan.file)) this.histories.set(plan.file, gitHistory(plan.file));
      return evaluatePlan(plan, { index: this.host.index()!, syntax: this.syntax!, history: this.histories.get(plan.file) });
    } catch (e) {
      this.host.log.warn(`${plan.file}: cannot evaluate the plan: ${(e as Error).message}`);
      return undefined;
    }
  }

  private publishAll(): void {
    for (const plan of this.plans) this.publish(plan.file, planFindings(plan.status, this.host.options()).map((f) => toDiagnostic(f)));
    const next = this.buildView();
    const nodes = new Map<string, string>();
    const record = (id: string, value: unknown) => nodes.set(id, JSON.stringify(value));
    for (const plan of next.plans) {
      record(plan.id, { ...plan, scopes: plan.scopes.map((s) => s.id), other: plan.other.map((i) => i.id) });
      for (const scope of plan.scopes) {
        record(scope.id, { ...scope, items: scope.items.map((i) => i.id) });
        for (const item of scope.items) record(item.id, item);
      }
      for (const item of plan.other) record(item.id, item);
    }
    for (const pair of next.pairs) record(pair.id, pair);
    record('root', [...next.plans.map((p) => p.id), ...next.pairs.map((p) => p.id)]);
    const changed = [...new Set([...nodes.keys(), ...this.nodes.keys()])].filter((id) => nodes.get(id) !== this.nodes.get(id));
    this.view = next;
    this.nodes = nodes;
    if (changed.length > 0) this.host.viewChanged(next, changed);
  }

  private publish(file: string, diagnostics: Diagnostic[]): void {
    const text = JSON.stringify(diagnostics);
    if ((this.published.get(file) ?? '[]') === text) return;
    if (diagnostics.length > 0) this.published.set(file, text);
    else this.published.delete(file);
    this.host.publish(file, diagnostics);
  }

  private buildView(): PlanView {
    const index = this.host.index()!;
    const node = (plan: LoadedPlan, item: PlanItemStatus): PlanItemNode => ({
      id: `${uriOf(plan.file)}:${item.line}`,
      text: item.text,
      line: item.line,
      kind: item.kind,
      status: item.status,
      evidence: item.evidence,
      checked: item.checked,
      regressed: item.regressed,
      markable: item.markable,
      files: item.files.map(uriOf),
      fixable: item.status === 'open' && this.findingsBehind(index, item).some((f) => f.fixes.length > 0),
    });
    const plans: PlanNode[] = this.plans.map((plan) => {
      const uri = uriOf(plan.file);
      const scopes = plan.status.scopes.map((scope) => {
        const itemNodes = scope.items.map((i) => node(plan, i));
        return {
          id: `${uri}#${scope.number}`,
          number: scope.number,
          title: scope.title,
          line: scope.line,
          phase: scope.phase,
          done: scope.done,
          total: scope.total,
          items: itemNodes,
          fixable: itemNodes.some((i) => i.fixable),
        };
      });
      return {
        id: uri,
        title: path.basename(plan.file),
        scopes,
        other: plan.status.other.map((i) => node(plan, i)),
        // Counted as each scope counts: a hand-decided item whose box is ticked is done, so the plan's total is its scopes' sum.
        done: [...plan.status.scopes.flatMap((scope) => scope.items), ...plan.status.other].filter(
          (i) => i.status === 'done' || (i.status === 'manual' && i.checked === true),
        ).length,
        total: plan.status.counts.total,
      };
    });
    return { plans, pairs: cratePairs(index) };
  }

  private findingsBehind(index: WorkspaceIndex, item: PlanItemStatus): Finding[] {
    const found: Finding[] = [];
    for (const file of item.files) {
      if (file.endsWith('Cargo.toml')) {
        found.push(...index.findingsFor(file).filter((f) => f.code === 'inverted-dependency'));
      } else if (isFolder(file)) {
        found.push(...copiesIn(index.allFindings(), file).map((c) => c.finding));
      } else {
        found.push(...index.findingsFor(file).filter((f) => COPY_CODES.has(f.code)));
      }
    }
    return found;
  }

  private planEdit(file: string, edits: TextEdit[]): WorkspaceEdit {
    return { documentChanges: [{ textDocument: { uri: uriOf(file), version: null }, edits }] };
  }

  private itemById(id: string): { plan: LoadedPlan; item: PlanItemStatus } | undefined {
    for (const plan of this.plans) {
      const uri = uriOf(plan.file);
      for (const item of items(plan.status)) if (`${uri}:${item.line}` === id) return { plan, item };
    }
    return undefined;
  }

  private scopeById(id: string): PlanStatus['scopes'][number] | undefined {
    for (const plan of this.plans) {
      const scope = plan.status.scopes.find((s) => `${uriOf(plan.file)}#${s.number}` === id);
      if (scope) return scope;
    }
    return undefined;
  }
}

function items(status: PlanStatus): PlanItemStatus[] {
  return [...status.scopes.flatMap((s) => s.items), ...status.other];
}

/** Clone classes grouped by the pair (crate kept, crate with the copy), with the lines the copies hold. */
function cratePairs(index: WorkspaceIndex): CratePairNode[] {
  const pairs = new Map<string, CratePairNode>();
  for (const clone of index.cloneClasses()) {
    const [keeper] = clone.members;
    for (const crate of clone.crates.slice(1)) {
      const id = `pair:${keeper.crate.name}|${crate.name}`;
      let pair = pairs.get(id);
      if (!pair) {
        pair = { id, crates: [keeper.crate.name, crate.name], classes: [], lines: 0, sharedLines: 0 };
        pairs.set(id, pair);
      }
      const copies = clone.members.filter((m) => m.crate === crate);
      const lines = copies.reduce((n, m) => n + m.facts.lines, 0);
      const finding = copies[0] && index.findingsFor(copies[0].file).find((f) => COPY_CODES.has(f.code));
      const notFixable = finding ? refusalOf(index, finding) : undefined;
      pair.classes.push({
        id: `${id}:${uriOf(keeper.file)}`,
        files: [keeper, ...copies].map((m) => ({ uri: uriOf(m.file), crate: m.crate.name })),
        lines,
        ...(notFixable ? { notFixable } : {}),
      });
      pair.lines += lines;
    }
  }
  // What each pair shares of every kind, as the Duplication Map counts it.
  const cells = new Map(duplicationMapView(index).map.cells.map((c) => [c.crates.join('|'), c]));
  for (const pair of pairs.values()) {
    const key = [...pair.crates].sort().join('|');
    pair.sharedLines = cells.get(key)?.lines ?? pair.lines;
    cells.delete(key);
  }
  // Pairs that share only diverged copies, items or blocks are listed too, with what they share.
  for (const cell of cells.values()) {
    const copy = index.graph.crateOf(cell.largest.file)?.name;
    const kept = index.graph.crateOf(cell.largest.other)?.name;
    if (!copy || !kept) continue;
    const id = `pair:${kept}|${copy}`;
    pairs.set(id, { id, crates: [kept, copy], classes: [], lines: 0, sharedLines: cell.lines });
  }
  return [...pairs.values()].sort((a, b) => b.lines - a.lines || a.id.localeCompare(b.id));
}

function dedupe(findings: Finding[]): Finding[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    const key = `${f.file}:${f.code}:${f.range.start.line}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function isFolder(file: string): boolean {
  try {
    return fs.statSync(file).isDirectory();
  } catch {
    return false;
  }
}
