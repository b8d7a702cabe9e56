// TOML as cargo reads it, on top of toml-eslint-parser's syntax tree: a
// leading byte-order mark is accepted, strings of any length parse, and keys
// such as `__proto__` or `constructor` are plain keys.
import { parseTOML } from 'toml-eslint-parser';
import type { AST } from 'toml-eslint-parser';

/** A TOML table: no prototype, so every key is its own (`__proto__` included). */
export type TomlTable = Record<string, unknown>;

/** For each table and array of a value, the node that wrote each of its keys or elements. */
export type TomlNodes = WeakMap<object, Map<string, AST.TOMLNode>>;

/**
 * Strings longer than this are given to the parser with their content masked:
 * toml-eslint-parser 1.0.3 builds a string with `String.fromCodePoint(...codes)`,
 * which overflows the stack at about 120,000 characters.
 */
const LONG_STRING = 50_000;

export function parseToml(text: string): AST.TOMLProgram {
  // Cargo accepts a UTF-8 byte-order mark. A space in its place is TOML
  // whitespace and keeps every offset and column the same.
  const source = text.startsWith('\uFEFF') ? ' ' + text.slice(1) : text;
  try {
    return parseTOML(source);
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    const masked = maskLongStrings(source);
    if (masked.spans.length === 0) throw e;
    const ast = parseTOML(masked.text);
    restoreStrings(ast, source, masked.spans);
    return ast;
  }
}

/** The document's value, with null-prototype tables, and where each part was written. */
export function tomlValue(ast: AST.TOMLProgram): { value: TomlTable; nodes: TomlNodes } {
  const nodes: TomlNodes = new WeakMap();
  const table = (): TomlTable => {
    const t = Object.create(null) as TomlTable;
    nodes.set(t, new Map());
    return t;
  };
  const record = (container: object, key: string, node: AST.TOMLNode) => {
    const known = nodes.get(container)!;
    if (!known.has(key)) known.set(key, node);
  };
  const keyName = (k: AST.TOMLBare | AST.TOMLQuoted) => (k.type === 'TOMLBare' ? k.name : k.value);
  // Content nodes nest (arrays of arrays); an explicit stack keeps deep nesting off the call stack.
  const content = (node: AST.TOMLContentNode): unknown => {
    if (node.type === 'TOMLValue') return node.value;
    const root = node.type === 'TOMLArray' ? ([] as unknown[]) : table();
    if (node.type === 'TOMLArray') nodes.set(root, new Map());
    const work: { node: AST.TOMLArray | AST.TOMLInlineTable; into: object }[] = [{ node, into: root }];
    while (work.length > 0) {
      const { node: current, into } = work.pop()!;
      const place = (child: AST.TOMLContentNode): unknown => {
        if (child.type === 'TOMLValue') return child.value;
        const made = child.type === 'TOMLArray' ? ([] as unknown[]) : table();
        if (child.type === 'TOMLArray') nodes.set(made, new Map());
        work.push({ node: child, into: made });
        return made;
      };
      if (current.type === 'TOMLArray') {
        current.elements.forEach((element, i) => {
          (into as unknown[]).push(place(element));
          record(into, String(i), element);
        });
      } else {
        for (const kv of current.body) assign(into as TomlTable, kv, place);
      }
    }
    return root;
  };
  const descend = (t: TomlTable, key: string, node: AST.TOMLNode): TomlTable => {
    let next = t[key];
    if (next === undefined) {
      next = table();
      t[key] = next;
      record(t, key, node);
    }
    // `[a.b]` after `[[a]]` names the last table of the array.
    if (Array.isArray(next)) next = next[next.length - 1];
    return next as TomlTable;
  };
  const assign = (t: TomlTable, kv: AST.TOMLKeyValue, make: (n: AST.TOMLContentNode) => unknown) => {
    const names = kv.key.keys.map(keyName);
    let target = t;
    for (const name of names.slice(0, -1)) target = descend(target, name, kv);
    const last = names[names.length - 1];
    target[last] = make(kv.value);
    record(target, last, kv.value);
  };
  const value = table();
  for (const item of ast.body[0].body) {
    if (item.type === 'TOMLKeyValue') {
      assign(value, item, content);
      continue;
    }
    const names = item.key.keys.map(keyName);
    let target = value;
    for (const name of names.slice(0, -1)) target = descend(target, name, item);
    const last = names[names.length - 1];
    let body: TomlTable;
    if (item.kind === 'array') {
      if (!Array.isArray(target[last])) {
        target[last] = [];
        nodes.set(target[last] as object, new Map());
        record(target, last, item);
      }
      body = table();
      const array = target[last] as unknown[];
      record(array, String(array.length), item);
      array.push(body);
    } else {
      body = descend(target, last, item);
    }
    for (const kv of item.body) assign(body, kv, content);
  }
  return { value, nodes };
}

interface Span {
  start: number;
  end: number;
}

/**
 * Empties every string longer than LONG_STRING: its closing quotes move up to
 * the opening ones and the content becomes spaces after them (line breaks
 * kept), so every later offset, line and column stays the same. A small
 * scanner of TOML's four string forms and its comments.
 */
function maskLongStrings(text: string): { text: string; spans: Span[] } {
  const spans: (Span & { quotes: string })[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '#') {
      const eol = text.indexOf('\n', i);
      i = eol < 0 ? text.length : eol;
      continue;
    }
    if (c !== '"' && c !== "'") {
      i++;
      continue;
    }
    const triple = text.startsWith(c.repeat(3), i);
    const quotes = c.repeat(triple ? 3 : 1);
    const start = i + quotes.length;
    let end = start;
    for (; end < text.length; end++) {
      if (c === '"' && text[end] === '\\') {
        end++;
        continue;
      }
      if (!triple && text[end] === '\n') break;
      if (text.startsWith(quotes, end)) break;
    }
    // A multi-line string may end with up to two more quotes before its closing three.
    if (triple) while (end < text.length && text[end + 3] === c) end++;
    if (end - start > LONG_STRING && text.startsWith(quotes, end)) spans.push({ start, end, quotes });
    i = Math.min(text.length, end + quotes.length);
  }
  if (spans.length === 0) return { text, spans };
  let out = '';
  let at = 0;
  for (const span of spans) {
    out += text.slice(at, span.start) + span.quotes + text.slice(span.start, span.end).replace(/[^\n]/g, ' ');
    at = span.end + span.quotes.length;
  }
  return { text: out + text.slice(at), spans };
}

/** Puts the original value back into the string nodes that were masked. */
function restoreStrings(ast: AST.TOMLProgram, text: string, spans: Span[]): void {
  const byStart = new Map(spans.map((s) => [s.start, s]));
  const visit = (node: AST.TOMLContentNode | AST.TOMLQuoted) => {
    if (node.type === 'TOMLValue' || node.type === 'TOMLQuoted') {
      if (typeof node.value !== 'string') return;
      const quote = node.type === 'TOMLQuoted' ? (node.style === 'basic' ? '"' : "'") : undefined;
      for (const open of [1, 3]) {
        const span = byStart.get(node.range[0] + open);
        if (!span) continue;
        const raw = text.slice(span.start, span.end);
        const basic = quote === '"' || (node.type === 'TOMLValue' && text[node.range[0]] === '"');
        (node as { value: string }).value = basic ? unescapeBasic(raw, open === 3) : raw.replace(open === 3 ? /^\r?\n/ : /^$/, '');
        // The node ends where the string really ends, not at the moved quotes.
        const end = span.end + open;
        const line = countLines(text, end);
        node.range[1] = end;
        node.loc.end = { line: line + 1, column: end - (text.lastIndexOf('\n', end - 1) + 1) };
        if (node.parent?.type === 'TOMLKeyValue' && node.parent.value === node) {
          node.parent.range[1] = end;
          node.parent.loc.end = node.loc.end;
        }
      }
      return;
    }
    if (node.type === 'TOMLArray') node.elements.forEach(visit);
    else if (node.type === 'TOMLInlineTable') node.body.forEach((kv) => visitKeyValue(kv));
  };
  const visitKeyValue = (kv: AST.TOMLKeyValue) => {
    kv.key.keys.forEach((k) => k.type === 'TOMLQuoted' && visit(k));
    visit(kv.value);
  };
  for (const item of ast.body[0].body) {
    if (item.type === 'TOMLKeyValue') {
      visitKeyValue(item);
    } else {
      item.key.keys.forEach((k) => k.type === 'TOMLQuoted' && visit(k));
      item.body.forEach(visitKeyValue);
    }
  }
}

const ESCAPES: Record<string, string> = { b: '\b', t: '\t', n: '\n', f: '\f', r: '\r', e: '\x1b', '"': '"', '\\': '\\' };

function unescapeBasic(raw: string, multiline: boolean): string {
  const body = multiline ? raw.replace(/^\r?\n/, '') : raw;
  return body.replace(/\\(?:u([0-9a-fA-F]{4})|U([0-9a-fA-F]{8})|x([0-9a-fA-F]{2})|[ \t]*\r?\n\s*|(.))/g, (m, u, U, x, c) => {
    if (u || U || x) return String.fromCodePoint(parseInt(u ?? U ?? x, 16));
    if (c !== undefined) return ESCAPES[c] ?? m;
    return ''; // a line-ending backslash trims the break and the whitespace after it
  });
}

function countLines(text: string, end: number): number {
  let lines = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < end; i = text.indexOf('\n', i + 1)) lines++;
  return lines;
}
