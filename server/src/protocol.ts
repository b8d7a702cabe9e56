// Custom messages between the client and the server, typed once here and
// imported by both sides (client/src and server/src).
import { NotificationType, RequestType0 } from 'vscode-languageserver-protocol';

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
  /** Source files read since the index was built: a save adds one, not a pass over the workspace. */
  filesRead: number;
}

/** Server to client, after every index change that alters the figures. */
export const statusNotification = new NotificationType<IndexStatus>('rustConsolidate/status');

/** Client to server: drop the index and build it again from disk. */
export const reindexRequest = new RequestType0<IndexStatus, void>('rustConsolidate/reindex');

/** Settings the server reads from the `rustConsolidate` section. */
export interface ServerSettings {
  authoritativeCrates: string[];
  exclude: string[];
  severity: Record<string, string>;
  minimumTokens: number;
  nearMiss: boolean;
  similarityThreshold: number;
  minimumItemLines: number;
  minimumItemTokens: number;
  includeTests: boolean;
  includeGenerated: boolean;
  ignorePaths: string[];
  ignorePairs: [string, string][];
}
