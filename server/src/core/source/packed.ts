// A file's items in columns for the trip between threads and into the fact
// cache. v8's serializer writes every key of every object and its reader
// builds each object property by property: a file's items were half the bytes
// of its facts and most of the time spent serializing them, and on a warm
// start the main thread deserializes every file's facts before anything else.
// In columns, typed arrays go as bytes and the objects are built back with
// one shape. Items of any other shape than readItem's are sent as they are.
import type { ItemFact, ItemKind, SourceFacts } from './rust';

/** The keys readItem gives an item, in its order; `inTest` is added only when true. */
const ITEM_KEYS = ['kind', 'name', 'range', 'lines', 'tokens', 'shapeHash', 'members', 'parent', 'newtypeOf', 'typeHash', 'nameHash', 'bodyLines', 'literals'];

interface PackedItems {
  /** Per item: kind, name, shapeHash, typeHash, nameHash, newtypeOf. */
  strings: (string | undefined)[];
  /** Per item: the range's start line and character, end line and character. */
  ranges: Int32Array;
  /** Per item: lines, tokens, parent (-1 for none), bodyLines. */
  numbers: Int32Array;
  /** Per item: how many members and literals it has, then 1 when inTest. */
  counts: Int32Array;
  members: string[];
  literals: string[];
}

/** Facts as they travel: `items` in columns, or as they are when some item has another shape. */
export type PackedFacts = Omit<SourceFacts, 'items'> & { items?: ItemFact[]; packedItems?: PackedItems };

const STRINGS = 6;
const NUMBERS = 4;
const COUNTS = 3;

/** The facts with their items in columns, when every item has readItem's shape; else the facts as they are. */
export function packFacts(facts: SourceFacts): PackedFacts {
  const { items } = facts;
  if (!items.every(packable)) return facts;
  const n = items.length;
  const strings: (string | undefined)[] = new Array(STRINGS * n);
  const ranges = new Int32Array(4 * n);
  const numbers = new Int32Array(NUMBERS * n);
  const counts = new Int32Array(COUNTS * n);
  const members: string[] = [];
  const literals: string[] = [];
  for (let i = 0; i < n; i++) {
    const item = items[i];
    strings[STRINGS * i] = item.kind;
    strings[STRINGS * i + 1] = item.name;
    strings[STRINGS * i + 2] = item.shapeHash;
    strings[STRINGS * i + 3] = item.typeHash;
    strings[STRINGS * i + 4] = item.nameHash;
    strings[STRINGS * i + 5] = item.newtypeOf;
    const { start, end } = item.range;
    ranges.set([start.line, start.character, end.line, end.character], 4 * i);
    numbers.set([item.lines, item.tokens, item.parent ?? -1, item.bodyLines!], NUMBERS * i);
    counts.set([item.members.length, item.literals!.length, item.inTest ? 1 : 0], COUNTS * i);
    for (const m of item.members) members.push(m);
    for (const l of item.literals!) literals.push(l);
  }
  // `items` keeps its place among the keys, empty, so the facts read back have the keys in the same order.
  return { ...facts, items: undefined, packedItems: { strings, ranges, numbers, counts, members, literals } };
}

/** The facts `packFacts` was given. */
export function unpackFacts(packed: PackedFacts): SourceFacts | undefined {
  const { packedItems, ...rest } = packed;
  if (!packedItems) return Array.isArray(packed.items) ? (packed as SourceFacts) : undefined;
  const { strings, ranges, numbers, counts, members, literals } = packedItems;
  const n = counts.length / COUNTS;
  const items: ItemFact[] = new Array(n);
  let m = 0;
  let l = 0;
  for (let i = 0; i < n; i++) {
    const p = NUMBERS * i;
    const parent = numbers[p + 2];
    const item: ItemFact = {
      kind: strings[STRINGS * i] as ItemKind,
      name: strings[STRINGS * i + 1]!,
      range: { start: { line: ranges[4 * i], character: ranges[4 * i + 1] }, end: { line: ranges[4 * i + 2], character: ranges[4 * i + 3] } },
      lines: numbers[p],
      tokens: numbers[p + 1],
      shapeHash: strings[STRINGS * i + 2]!,
      members: members.slice(m, (m += counts[COUNTS * i])),
      parent: parent < 0 ? undefined : parent,
      newtypeOf: strings[STRINGS * i + 5],
      typeHash: strings[STRINGS * i + 3],
      nameHash: strings[STRINGS * i + 4],
      bodyLines: numbers[p + 3],
      literals: literals.slice(l, (l += counts[COUNTS * i + 1])),
    };
    if (counts[COUNTS * i + 2] === 1) item.inTest = true;
    items[i] = item;
  }
  return { ...rest, items } as SourceFacts;
}

/** An item as readItem makes it: its keys, and what each column can hold exactly. */
function packable(item: ItemFact): boolean {
  const keys = Object.keys(item);
  const extra = keys.length - ITEM_KEYS.length;
  if (extra !== 0 && !(extra === 1 && item.inTest === true)) return false;
  for (let k = 0; k < ITEM_KEYS.length; k++) if (keys[k] !== ITEM_KEYS[k]) return false;
  return (
    int(item.lines) && int(item.tokens) && int(item.bodyLines) && (item.parent === undefined || (int(item.parent) && item.parent >= 0)) &&
    [item.range.start.line, item.range.start.character, item.range.end.line, item.range.end.character].every(int) &&
    Object.keys(item.range).length === 2 && Object.keys(item.range.start).length === 2 && Object.keys(item.range.end).length === 2 &&
    Array.isArray(item.members) && Array.isArray(item.literals)
  );
}

const int = (value: unknown): value is number => typeof value === 'number' && Number.isInteger(value) && value >= -(2 ** 31) && value < 2 ** 31;
