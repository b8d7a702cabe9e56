// A plan's markdown read into the few blocks parse.ts looks at: headings,
// lists and their items, paragraphs, tables, code blocks and block quotes,
// each with the 0-based line it starts on. markdown-it reads CommonMark, with
// GFM's tables, strikethrough and footnotes; the task list marker is read
// here, by GFM's rule, since markdown-it leaves `[ ]` as text.
import MarkdownIt from 'markdown-it';
import footnote from 'markdown-it-footnote';
import { lineOfOffset, lineStarts } from '../text';

/** Inline content, as the plan reads it: text, code spans, hard breaks, links by their destination. */
export type Inline =
  | { type: 'text'; value: string }
  | { type: 'inlineCode'; value: string }
  | { type: 'break' }
  | { type: 'link'; url: string; children: Inline[] }
  /** Emphasis, strong, strikethrough: their text counts, not the markup. */
  | { type: 'span'; children: Inline[] }
  /** Raw HTML, an image, a footnote reference: content without text. */
  | { type: 'other' };

export interface Paragraph {
  type: 'paragraph';
  line: number;
  children: Inline[];
  /** As written, on one line: the lines joined with a space, trimmed (a task's marker left out). */
  source: string;
}

export interface ListItem {
  type: 'listItem';
  /** The line of its bullet. */
  line: number;
  /** A task list item: whether it is checked. */
  checked?: boolean;
  /** A task's `[` (0-based line and column in UTF-16 units). */
  checkbox?: { line: number; character: number };
  children: Block[];
}

export interface TableRow {
  line: number;
  cells: { children: Inline[]; source: string }[];
}

export interface Table {
  type: 'table';
  line: number;
  /** The header row first. */
  rows: TableRow[];
}

export type Block =
  | { type: 'root' | 'blockquote' | 'list'; children: Block[] }
  | ListItem
  | { type: 'heading'; depth: number; line: number; children: Inline[] }
  | Paragraph
  | Table
  | { type: 'code'; line: number; lang: string | null; value: string };

type Container = Extract<Block, { children: Block[] }>;

// Links keep their destination as written (escapes and entities decoded), any
// scheme: the plan tells file paths from URLs itself. Nesting deeper than 100
// (block quotes, lists) is not read, as markdown-it's default preset does.
// Footnotes as GFM has them: a reference to a defined label, its definition
// left out of the flow; not markdown-it's inline `^[...]`.
const md = new MarkdownIt('commonmark', { html: true }).enable(['table', 'strikethrough']).use(footnote);
md.inline.ruler.disable('footnote_inline');
// The commonmark preset's limit is 20; its types leave the option out.
(md.options as { maxNesting?: number }).maxNesting = 100;
md.validateLink = () => true;
md.normalizeLink = (url) => url;
md.normalizeLinkText = (text) => text;

/** GFM's task list marker at the start of an item's first paragraph: `[ ]`, `[x]`, `[X]` (a tab for the space). */
const TASK_MARKER = /^\[([ \t]|[xX])\]/;

/** The text's blocks, in document order, under one root. */
export function readMarkdown(text: string): Container {
  const env = {};
  const tokens = md.parse(text, env);
  // markdown-it counts a lone CR as a line ending too; its lines are mapped back to offsets in the text.
  const lineOffsets = [0];
  for (const m of text.matchAll(/\r\n?|\n/g)) lineOffsets.push(m.index! + m[0].length);
  const { lineOf, columnOf } = positionsOf(text);
  const line = (mdLine: number) => lineOf(lineOffsets[Math.min(mdLine, lineOffsets.length - 1)]);

  const root: Container = { type: 'root', children: [] };
  const stack: Container[] = [root];
  const top = () => stack[stack.length - 1];
  const add = (block: Block) => top().children.push(block);
  const open = (block: Container) => {
    add(block);
    stack.push(block);
  };

  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    switch (t.type) {
      case 'footnote_block_open':
        while (i < tokens.length && tokens[i].type !== 'footnote_block_close') i++;
        break;
      case 'blockquote_open':
        open({ type: 'blockquote', children: [] });
        break;
      case 'bullet_list_open':
      case 'ordered_list_open':
        open({ type: 'list', children: [] });
        break;
      case 'list_item_open':
        open({ type: 'listItem', line: line(t.map![0]), children: [] });
        break;
      case 'blockquote_close':
      case 'bullet_list_close':
      case 'ordered_list_close':
      case 'list_item_close':
        if (stack.length > 1) stack.pop();
        break;
      case 'heading_open':
        add({ type: 'heading', depth: Number(t.tag.slice(1)), line: line(t.map![0]), children: inlines(tokens[i + 1]) });
        i += 2;
        break;
      case 'paragraph_open': {
        const inline = tokens[i + 1];
        const paragraph: Paragraph = { type: 'paragraph', line: line(t.map![0]), children: inlines(inline), source: oneLine(inline.content) };
        const parent = top();
        if (parent.type === 'listItem' && parent.children.length === 0) {
          const marker = TASK_MARKER.exec(inline.content);
          const rest = inline.content.slice(3);
          // The marker, then a line ending, or spaces and something more; the one character after it is not content.
          const lineEndingFollows = lineOffsets.length > t.map![1];
          if (marker && (rest === '' ? lineEndingFollows : /^[ \t\n]/.test(rest))) {
            parent.checked = marker[1] === 'x' || marker[1] === 'X';
            const firstLine = lineOffsets[t.map![0]];
            const bracket = text.indexOf('[', firstLine);
            parent.checkbox = bracket >= 0 ? { line: lineOf(bracket), character: columnOf(bracket) } : undefined;
            const content = rest.slice(1);
            paragraph.children = content.trim() === '' ? [] : inlines(md.parseInline(content, env)[0]);
            paragraph.source = oneLine(content);
          }
        }
        add(paragraph);
        i += 2;
        break;
      }
      case 'table_open': {
        const table: Table = { type: 'table', line: line(t.map![0]), rows: [] };
        for (i++; i < tokens.length && tokens[i].type !== 'table_close'; i++) {
          const u = tokens[i];
          if (u.type === 'tr_open') table.rows.push({ line: line(u.map![0]), cells: [] });
          else if (u.type === 'inline') table.rows[table.rows.length - 1]?.cells.push({ children: inlines(u), source: u.content.trim() });
        }
        add(table);
        break;
      }
      case 'fence':
        add({ type: 'code', line: line(t.map![0]), lang: t.info.trim().split(/\s+/)[0] || null, value: t.content.replace(/\n$/, '') });
        break;
      case 'code_block':
        add({ type: 'code', line: line(t.map![0]), lang: null, value: t.content.replace(/\n$/, '') });
        break;
      default:
        break; // html, thematic breaks: nothing the plan reads
    }
  }
  return root;
}

/** An inline token's children as Inline nodes. */
function inlines(token: MarkdownIt.Token | undefined): Inline[] {
  const out: Inline[] = [];
  const stack: Inline[][] = [out];
  for (const t of token?.children ?? []) {
    const into = stack[stack.length - 1];
    switch (t.type) {
      case 'text':
      case 'text_special':
        into.push({ type: 'text', value: t.content });
        break;
      case 'code_inline':
        into.push({ type: 'inlineCode', value: t.content });
        break;
      case 'softbreak':
        into.push({ type: 'text', value: '\n' });
        break;
      case 'hardbreak':
        into.push({ type: 'break' });
        break;
      case 'link_open': {
        const link: Inline = { type: 'link', url: t.attrGet('href') ?? '', children: [] };
        into.push(link);
        stack.push(link.children);
        break;
      }
      case 'em_open':
      case 'strong_open':
      case 's_open': {
        const span: Inline = { type: 'span', children: [] };
        into.push(span);
        stack.push(span.children);
        break;
      }
      case 'link_close':
      case 'em_close':
      case 'strong_close':
      case 's_close':
        if (stack.length > 1) stack.pop();
        break;
      case 'image':
      case 'html_inline':
      case 'footnote_ref':
        into.push({ type: 'other' });
        break;
      default:
        break;
    }
  }
  return out;
}

/** Lines joined with a space: the leading spaces and `>` of each next line dropped, the whole trimmed. */
function oneLine(source: string): string {
  return source.replace(/[ \t]*\r?\n[ \t>]*/g, ' ').trim();
}

function positionsOf(text: string): { lineOf(offset: number): number; columnOf(offset: number): number } {
  const starts = lineStarts(text);
  const lineOf = (offset: number) => lineOfOffset(starts, offset);
  return { lineOf, columnOf: (offset) => offset - starts[lineOf(offset)] };
}
