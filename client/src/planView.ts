// The plan and the copies in the sidebar. The server computes the model
// (rustConsolidate/planView) and sends it again with the ids of the nodes that
// changed; the tree refreshes only those. Nothing here reads the workspace.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { planViewChangedNotification, planViewRequest } from '../../server/src/protocol';
import type { CloneClassNode, CratePairNode, PlanItemNode, PlanNode, PlanScopeNode, PlanView } from '../../server/src/protocol';

type Node =
  | { kind: 'plan'; value: PlanNode }
  | { kind: 'scope'; value: PlanScopeNode; plan: string }
  | { kind: 'item'; value: PlanItemNode; plan: string }
  | { kind: 'pair'; value: CratePairNode }
  | { kind: 'class'; value: CloneClassNode };

/** One tree per view: the plans, or the copies by crate pair. Elements are node ids. */
class ModelTree implements vscode.TreeDataProvider<string> {
  private readonly changed = new vscode.EventEmitter<string | undefined>();
  readonly onDidChangeTreeData = this.changed.event;

  constructor(
    private readonly model: PlanModel,
    private readonly roots: () => string[],
  ) {}

  refresh(ids: string[] | undefined): void {
    if (!ids) {
      this.changed.fire(undefined);
      return;
    }
    for (const id of ids) this.changed.fire(id);
  }

  getChildren(id?: string): string[] {
    if (!id) return this.roots();
    const node = this.model.node(id);
    switch (node?.kind) {
      case 'plan':
        return [...node.value.scopes.map((s) => s.id), ...node.value.other.map((i) => i.id)];
      case 'scope':
        return node.value.items.map((i) => i.id);
      case 'pair':
        return node.value.classes.map((c) => c.id);
      default:
        return [];
    }
  }

  getTreeItem(id: string): vscode.TreeItem {
    const node = this.model.node(id);
    if (!node) return new vscode.TreeItem(id);
    switch (node.kind) {
      case 'plan':
        return planItem(node.value);
      case 'scope':
        return scopeItem(node.value);
      case 'item':
        return itemItem(node.value, node.plan);
      case 'pair':
        return pairItem(node.value);
      case 'class':
        return classItem(node.value);
    }
  }

  getParent(id: string): string | undefined {
    return this.model.parentOf(id);
  }

  dispose(): void {
    this.changed.dispose();
  }
}

/** The last view the server sent, indexed by node id. */
class PlanModel {
  view: PlanView = { plans: [], pairs: [] };
  private readonly nodes = new Map<string, Node>();
  private readonly parents = new Map<string, string>();

  set(view: PlanView): void {
    this.view = view;
    this.nodes.clear();
    this.parents.clear();
    for (const plan of view.plans) {
      this.nodes.set(plan.id, { kind: 'plan', value: plan });
      for (const scope of plan.scopes) {
        this.nodes.set(scope.id, { kind: 'scope', value: scope, plan: plan.id });
        this.parents.set(scope.id, plan.id);
        for (const item of scope.items) {
          this.nodes.set(item.id, { kind: 'item', value: item, plan: plan.id });
          this.parents.set(item.id, scope.id);
        }
      }
      for (const item of plan.other) {
        this.nodes.set(item.id, { kind: 'item', value: item, plan: plan.id });
        this.parents.set(item.id, plan.id);
      }
    }
    for (const pair of view.pairs) {
      this.nodes.set(pair.id, { kind: 'pair', value: pair });
      for (const clone of pair.classes) {
        this.nodes.set(clone.id, { kind: 'class', value: clone });
        this.parents.set(clone.id, pair.id);
      }
    }
  }

  node(id: string): Node | undefined {
    return this.nodes.get(id);
  }

  parentOf(id: string): string | undefined {
    return this.parents.get(id);
  }
}

export class PlanViews implements vscode.Disposable {
  private readonly model = new PlanModel();
  private readonly plans = new ModelTree(this.model, () => this.model.view.plans.map((p) => p.id));
  private readonly copies = new ModelTree(this.model, () => this.model.view.pairs.map((p) => p.id));
  private readonly disposables: vscode.Disposable[] = [];
  private readonly planTree: vscode.TreeView<string>;
  private listener: vscode.Disposable | undefined;
  private client: LanguageClient | undefined;

  constructor() {
    this.planTree = vscode.window.createTreeView('rustConsolidate.plan', { treeDataProvider: this.plans, showCollapseAll: true });
    this.disposables.push(
      this.planTree,
      vscode.window.createTreeView('rustConsolidate.copies', { treeDataProvider: this.copies, showCollapseAll: true }),
      this.plans,
      this.copies,
    );
  }

  /** Shows a node of the Plan view (`<plan uri>:<line>` for an item), expanding its scope. */
  async reveal(id: string): Promise<boolean> {
    if (!this.model.node(id)) return false;
    await this.planTree.reveal(id, { select: true, focus: false, expand: true });
    return true;
  }

  /** A new server: read its view, and follow its changes. */
  async attach(client: LanguageClient): Promise<void> {
    this.listener?.dispose();
    this.client = client;
    this.listener = client.onNotification(planViewChangedNotification, ({ view, changed }) => this.update(view, changed));
    this.update(await client.sendRequest(planViewRequest), undefined);
    await vscode.commands.executeCommand('setContext', 'rustConsolidate.active', true);
  }

  async refresh(): Promise<void> {
    if (this.client) this.update(await this.client.sendRequest(planViewRequest), undefined);
  }

  private update(view: PlanView, changed: string[] | undefined): void {
    this.model.set(view);
    void vscode.commands.executeCommand('setContext', 'rustConsolidate.hasPlan', view.plans.length > 0);
    // Nodes that came or went at the top need the whole tree; otherwise only the changed ones.
    const whole = !changed || changed.includes('root');
    this.plans.refresh(whole ? undefined : changed.filter((id) => !id.startsWith('pair:')));
    this.copies.refresh(whole ? undefined : changed.filter((id) => id.startsWith('pair:')));
  }

  dispose(): void {
    this.listener?.dispose();
    this.disposables.forEach((d) => d.dispose());
  }
}

// ---------------------------------------------------------------------------

function planItem(plan: PlanNode): vscode.TreeItem {
  const item = new vscode.TreeItem(plan.title, vscode.TreeItemCollapsibleState.Expanded);
  item.id = plan.id;
  item.description = `${plan.done}/${plan.total} done`;
  item.iconPath = new vscode.ThemeIcon('checklist');
  item.resourceUri = vscode.Uri.parse(plan.id);
  item.contextValue = 'plan';
  item.command = { title: 'Open', command: 'vscode.open', arguments: [vscode.Uri.parse(plan.id)] };
  return item;
}

function scopeItem(scope: PlanScopeNode): vscode.TreeItem {
  const complete = scope.total > 0 && scope.done === scope.total;
  const item = new vscode.TreeItem(`${scope.number}. ${scope.title}`, scope.total === 0 ? vscode.TreeItemCollapsibleState.None : vscode.TreeItemCollapsibleState.Collapsed);
  item.id = scope.id;
  item.description = `${scope.done}/${scope.total}${scope.phase ? ` · ${scope.phase}` : ''}`;
  item.iconPath = new vscode.ThemeIcon(complete ? 'pass-filled' : 'circle-large-outline', complete ? new vscode.ThemeColor('testing.iconPassed') : undefined);
  item.contextValue = scope.fixable ? 'scope fixable' : 'scope';
  item.tooltip = `${scope.done} of ${scope.total} items done${scope.phase ? `; ${scope.phase}` : ''}`;
  return item;
}

function itemItem(node: PlanItemNode, plan: string): vscode.TreeItem {
  const item = new vscode.TreeItem(node.text.replace(/`/g, ''), vscode.TreeItemCollapsibleState.None);
  item.id = node.id;
  item.iconPath = statusIcon(node);
  item.description = node.regressed ? 'checked, but not done' : node.markable ? 'done: tick it' : undefined;
  const tooltip = new vscode.MarkdownString();
  tooltip.appendMarkdown(`${node.text}\n\n**${node.status}**${node.checked !== undefined ? (node.checked ? ' · checked' : ' · not checked') : ''}: `);
  tooltip.appendText(node.evidence);
  item.tooltip = tooltip;
  item.contextValue = ['item', node.kind, node.fixable ? 'fixable' : ''].filter(Boolean).join(' ');
  // Screen readers hear the status the icon shows.
  item.accessibilityInformation = { label: `${node.text.replace(/`/g, '')}: ${node.regressed ? 'checked, but not done' : node.status}` };
  // A click opens the file the item names when there is one, else the item's line in the plan.
  const file = node.status === 'open' ? node.files.find((f) => /\.[A-Za-z]+$/.test(f)) : undefined;
  const target = file ? vscode.Uri.parse(file) : vscode.Uri.parse(plan);
  const options: vscode.TextDocumentShowOptions = file ? {} : { selection: new vscode.Range(node.line, 0, node.line, 0) };
  item.command = { title: 'Open', command: 'vscode.open', arguments: [target, options] };
  return item;
}

function statusIcon(node: PlanItemNode): vscode.ThemeIcon {
  if (node.regressed) return new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground'));
  if (node.status === 'done') return new vscode.ThemeIcon('pass-filled', new vscode.ThemeColor('testing.iconPassed'));
  if (node.status === 'manual') return new vscode.ThemeIcon(node.checked ? 'check' : 'person');
  return new vscode.ThemeIcon('circle-large-outline');
}

function pairItem(pair: CratePairNode): vscode.TreeItem {
  const [kept, copied] = pair.crates;
  const whole = pair.classes.length > 0;
  const item = new vscode.TreeItem(`${copied} copies ${kept}`, whole ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
  item.id = pair.id;
  item.description = whole ? `${pair.classes.length} ${pair.classes.length === 1 ? 'module' : 'modules'} · ${pair.lines} lines` : `${pair.sharedLines} lines shared, no whole module`;
  // Diverged copies, items and singletons too, as the Duplication Map counts them.
  if (whole && pair.sharedLines > pair.lines) item.description += ` · ${pair.sharedLines} shared in all`;
  item.tooltip = `${copied} and ${kept} share ${pair.sharedLines} lines of every kind; ${pair.lines} of them in whole copied modules.`;
  item.iconPath = new vscode.ThemeIcon('files');
  item.contextValue = 'pair';
  return item;
}

function classItem(clone: CloneClassNode): vscode.TreeItem {
  const [kept, ...copies] = clone.files;
  const copy = copies[0] ?? kept;
  const name = decodeURIComponent(copy.uri.slice(copy.uri.lastIndexOf('/') + 1));
  const item = new vscode.TreeItem(name, vscode.TreeItemCollapsibleState.None);
  item.id = clone.id;
  item.description = `${clone.lines} lines`;
  item.resourceUri = vscode.Uri.parse(copy.uri);
  item.tooltip = `The copy in ${copy.crate} of the module kept in ${kept.crate}${clone.notFixable ? `\nNot fixable automatically: ${clone.notFixable}` : ''}`;
  item.command = {
    title: 'Compare',
    command: 'vscode.diff',
    arguments: [vscode.Uri.parse(kept.uri), vscode.Uri.parse(copy.uri), `${name}: ${kept.crate} ↔ ${copy.crate}`],
  };
  item.contextValue = 'class';
  return item;
}
