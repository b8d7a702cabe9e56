// Ticking and unticking boxes: the one edit a plan gets from the tool.
import type { TextEdit } from '../fixes/fixes';
import type { PlanItemStatus, PlanStatus, PlanTask } from './model';

/** `[ ]` to `[x]` or back, on a task item; undefined for a decommissioning entry or a box already so. */
export function checkboxEdit(item: Pick<PlanTask, 'checkbox' | 'checked'> | PlanItemStatus, checked: boolean): TextEdit | undefined {
  if (!item.checkbox || item.checked === undefined || item.checked === checked) return undefined;
  return { range: item.checkbox, newText: checked ? '[x]' : '[ ]' };
}

/** "Mark all as done": an edit for every unchecked task the code shows done. */
export function markableEdits(status: PlanStatus): TextEdit[] {
  return [...status.scopes.flatMap((s) => s.items), ...status.other]
    .filter((i) => i.markable)
    .map((i) => checkboxEdit(i, true))
    .filter((e): e is TextEdit => e !== undefined);
}
