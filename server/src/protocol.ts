// Custom messages between the client and the server, typed once here and
// imported by both sides (client/src and server/src).
import { NotificationType, RequestType0 } from 'vscode-languageserver-protocol';
import type { DuplicationMap } from './core/duplication';
import type { AnalysisOptions } from './core/model';

export interface IndexStatus {
  state: 'indexing' | 'ready';
  crates: number;
  files: number;
  /** Files reported as copies (duplicate-file and near-duplicate-file findings). */
  copies: number;
  /** Lines in those copies: what consolidating them would remove. */
  duplicatedLines: number;
  /** All findings, every code. */
  findings: number;
  /** Lines shared between crates, of every kind (copies, diverged copies, items, singletons): the Duplication Map's total. */
  sharedLines: number;
  /** Files read since the index was built, by the index and by the plans: a save adds one, not a pass over the workspace. */
  filesRead: number;
}

/** Server to client, after every index change that alters the figures. */
export const statusNotification = new NotificationType<IndexStatus>('rustConsolidate/status');

/** Client to server: drop the index and build it again from disk. */
export const reindexRequest = new RequestType0<IndexStatus, void>('rustConsolidate/reindex');

/**
 * Settings the server reads from the `rustConsolidate` section: the analysis
 * options, with severities as the strings a user writes.
 */
export type ServerSettings = Omit<AnalysisOptions, 'severity' | 'allow'> & { severity: Record<string, string> };

// ---------------------------------------------------------------------------
// The plan view. Node ids are stable across updates, so the client refreshes
// only the nodes whose ids the change notification lists.

export interface PlanItemNode {
  /** `<plan uri>:<line>`. */
  id: string;
  text: string;
  line: number;
  kind: 'task' | 'decommission';
  status: 'done' | 'open' | 'manual';
  evidence: string;
  checked?: boolean;
  regressed: boolean;
  markable: boolean;
  /** URIs of the files the item names: a click opens the first. */
  files: string[];
  /** A fix the tool can apply for it (the re-exports behind a decommissioning entry). */
  fixable: boolean;
}

export interface PlanScopeNode {
  /** `<plan uri>#<number>`. */
  id: string;
  number: number;
  title: string;
  line: number;
  phase?: string;
  done: number;
  total: number;
  items: PlanItemNode[];
  fixable: boolean;
}

export interface PlanNode {
  /** The plan's URI. */
  id: string;
  title: string;
  scopes: PlanScopeNode[];
  /** Items outside the numbered scopes. */
  other: PlanItemNode[];
  done: number;
  total: number;
}

export interface CloneClassNode {
  id: string;
  /** The copy to keep first. */
  files: { uri: string; crate: string }[];
  lines: number;
  /** Why the first copy's fix is refused, if it is: shown in the Copies view's tooltip. */
  notFixable?: string;
}

export interface CratePairNode {
  /** `pair:<crate>|<crate>`. */
  id: string;
  crates: [string, string];
  classes: CloneClassNode[];
  /** Lines in the copies of the pair's classes. */
  lines: number;
  /** Lines the two crates share of every kind (diverged copies, items, singletons too): the Duplication Map's cell. */
  sharedLines: number;
}

export interface PlanView {
  plans: PlanNode[];
  pairs: CratePairNode[];
}

/** Client to server: the whole view. */
export const planViewRequest = new RequestType0<PlanView, void>('rustConsolidate/planView');

/** Server to client, after an index or plan change: the new view and the ids of the nodes that changed ('root' when nodes came or went at the top). */
export const planViewChangedNotification = new NotificationType<{ view: PlanView; changed: string[] }>('rustConsolidate/planViewChanged');

/** Server commands the tree view's context actions run (arguments: the node id). */
export const PLAN_COMMANDS = {
  toggleItem: 'rust-consolidate.togglePlanItem',
  fixNode: 'rust-consolidate.fixPlanNode',
  markAllDone: 'rust-consolidate.markAllDone',
  generatePlan: 'rust-consolidate.generatePlan',
} as const;

// ---------------------------------------------------------------------------
// The Duplication Map (see core/duplication.ts): the map, with a label for
// each file it names, as the page shows them.

export interface DuplicationMapView {
  map: DuplicationMap;
  /** Absolute path to the path shown for it. */
  labels: Record<string, string>;
}

/** Client to server: the map of the current index. */
export const duplicationMapRequest = new RequestType0<DuplicationMapView, void>('rustConsolidate/duplicationMap');
