// rustConsolidate/duplicationMap: the map of the current index, for the
// client's webview, with the paths it shows.
import { duplicationMap } from '../core/duplication';
import type { WorkspaceIndex } from '../core/index';
import type { DuplicationMapView } from '../protocol';

export function duplicationMapView(index: WorkspaceIndex | undefined): DuplicationMapView {
  if (!index) return { map: { crates: [], cells: [], totals: {}, lines: 0 }, labels: {} };
  const map = duplicationMap(index.allFindings(), { factsOf: (f) => index.factsOf(f), crateOf: (f) => index.graph.crateOf(f)?.name });
  const labels: Record<string, string> = {};
  for (const cell of map.cells) for (const file of [cell.largest.file, cell.largest.other]) labels[file] = index.display(file);
  return { map, labels };
}
