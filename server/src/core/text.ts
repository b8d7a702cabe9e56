// Lines of a text by offset: what the parsers' facts and the plan's positions share.
import { upperBound } from './sorted';

/** The offset at which each line of `text` starts (the first is 0). */
export function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

/** The 0-based line holding `offset`, given the text's lineStarts. */
export function lineOfOffset(starts: readonly number[], offset: number): number {
  return Math.max(0, upperBound(starts, offset) - 1);
}
