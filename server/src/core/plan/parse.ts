// Reads a consolidation plan from its markdown (CommonMark with GFM's tables
// and task lists, markdown.ts): task list items, tables and headings come from
// its blocks with their lines, so a checkbox inside a code block or a table
// inside a list is read the way GitHub renders it.
import type { Position, Range } from '../model';
import { lineStarts } from '../text';
import { readMarkdown } from './markdown';
import type { Block, Inline, ListItem, Paragraph, Table } from './markdown';
import { classifyItem, isFilePath, stripLine, withBarePaths } from './classify';
import type { ItemText } from './classify';
import type { Plan, PlanCheck, PlanDecommission, PlanItem, PlanPhase, PlanScope, PlanTask, TargetFileRow } from './model';

/** A scope's heading: `1. Title`, `2) Title`, `Scope 3: Title`. */
const NUMBERED = /^(?:scope\s+#?(\d+)\b\s*[:.)\u2013\u2014-]?|(\d+)[.)])\s+(\S.*)$/i;
const ROADMAP = /roadmap|implementation order|phases/i;
const DECOMMISSION = /decommission/i;
const PHASE = /^Phase\s+(\d+)\b\s*[:.\u2013\u2014-]?\s*(.*)$/i;
/** Columns whose cell says what happens to the file, in order of preference. */
const CHANGE_COLUMNS = [/change/i, /reason/i, /action/i, /status/i];

/** Until its scope closes and its tables are known. */
const UNCLASSIFIED: PlanCheck = { kind: 'manual', reason: '' };

interface OpenScope {
  scope: PlanScope;
  items: { item: PlanItem; text: ItemText }[];
}

export function parsePlan(file: string, text: string): Plan {
  const tree = readMarkdown(text);
  const plan: Plan = { file, scopes: [], phases: [], other: [] };
  // Scopes are the numbered headings of the shallowest depth that has any (`## 1. Title` in the shared plan).
  const numberedDepths = tree.children.flatMap((n) => (n.type === 'heading' && NUMBERED.test(inlineText(n.children)) ? [n.depth] : []));
  const scopeDepth = numberedDepths.length > 0 ? Math.min(...numberedDepths) : 0;
  /** Heading texts by depth (index 0 is `#`). */
  const headings: string[] = [];
  let open: OpenScope | undefined;
  const loose: { item: PlanItem; text: ItemText }[] = [];

  const close = (endLine: number) => {
    if (!open) return;
    open.scope.endLine = Math.max(open.scope.line, endLine);
    for (const { item, text } of open.items) item.check = classifyItem(text, open.scope.tables);
    open = undefined;
  };
  const nearestHeading = () => [...headings].reverse().find((h) => h !== undefined) ?? '';
  const inRoadmap = (depth = headings.length + 1) => headings.slice(0, depth - 1).some((h) => h !== undefined && ROADMAP.test(h));
  const roadmapSection = (depth = headings.length + 1) => [...headings.slice(0, depth - 1)].reverse().find((h) => h !== undefined && ROADMAP.test(h)) ?? '';
  const inDecommission = () => headings.some((h, i) => h !== undefined && i + 1 > (open ? scopeDepth : 0) && DECOMMISSION.test(h));
  const addItem = (item: PlanItem, itemText: ItemText) => {
    if (open) {
      if (item.kind === 'task') open.scope.tasks.push(item);
      else open.scope.decommissioning.push(item);
    }
    // Classified when the scope closes: "to use shared runtime" reads the scope's tables, wherever they are.
    (open ? open.items : loose).push({ item, text: itemText });
  };

  const addPhase = (title: string, line: number, section: string) => {
    const phase = readPhase(title, line, section);
    if (phase) plan.phases.push(phase);
  };

  const visitListItem = (item: ListItem) => {
    const paragraph = item.children.find((c): c is Paragraph => c.type === 'paragraph');
    const line = item.line;
    if (paragraph && paragraph.children.length > 0) {
      const itemText = phrasingText(paragraph.children);
      const written = paragraph.source;
      if (typeof item.checked === 'boolean') {
        const task: PlanTask = {
          kind: 'task',
          text: written,
          line,
          section: nearestHeading(),
          checked: item.checked,
          checkbox: checkboxRange(item),
          check: UNCLASSIFIED,
        };
        addItem(task, itemText);
      } else if (inDecommission()) {
        const path = withBarePaths(itemText).codes.find((c) => isFilePath(c));
        const entry: PlanDecommission = {
          kind: 'decommission',
          text: written,
          line,
          section: nearestHeading(),
          ...(path !== undefined ? { path: stripLine(path) } : {}),
          check: UNCLASSIFIED,
        };
        addItem(entry, itemText);
      } else if (inRoadmap()) {
        addPhase(inlineText(paragraph.children), line, roadmapSection());
      }
    }
    later(item.children.filter((child) => child !== paragraph));
  };

  const visitTable = (table: Table) => {
    const [header, ...body] = table.rows;
    if (!header) return;
    const columns = header.cells.map((cell) => inlineText(cell.children).trim());
    const fileColumn = columns.findIndex((c) => /\bfiles?\b/i.test(c));
    if (fileColumn < 0 || !open) return;
    const changeColumn = CHANGE_COLUMNS.map((re) => columns.findIndex((c, i) => i !== fileColumn && re.test(c))).find((i) => i >= 0);
    const rows: TargetFileRow[] = [];
    for (const row of body) {
      const cells = columns.map((_, i) => {
        const cell = row.cells[i];
        return cell && cell.children.length > 0 ? cell.source : '';
      });
      // The path in backticks, or the cell's text when it has none.
      const fileCell = row.cells[fileColumn];
      const code = fileCell?.children.find((c) => c.type === 'inlineCode');
      const file = code?.type === 'inlineCode' ? code.value : fileCell ? inlineText(fileCell.children).trim() : '';
      if (file === '') continue;
      rows.push({
        line: row.line,
        file,
        cells,
        ...(changeColumn !== undefined && cells[changeColumn] !== '' ? { change: cells[changeColumn] } : {}),
      });
    }
    open.scope.tables.push({ line: table.line, columns, fileColumn, rows });
  };

  // Nodes still to visit, the next on top: an explicit stack, so a blockquote
  // or list nested thousands deep costs memory in proportion, not the call stack.
  const stack: Block[] = [tree];
  const later = (children: readonly Block[]) => {
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]);
  };
  const visit = (node: Block) => {
    switch (node.type) {
      case 'heading': {
        const title = inlineText(node.children).trim();
        const line = node.line;
        if (node.depth <= scopeDepth) close(line - 1);
        headings.length = node.depth - 1;
        const numbered = NUMBERED.exec(title);
        if (numbered && node.depth === scopeDepth) {
          const scope: PlanScope = {
            number: Number(numbered[1] ?? numbered[2]),
            title: numbered[3].trim(),
            line,
            endLine: line,
            tasks: [],
            decommissioning: [],
            tables: [],
            sketches: [],
            phases: [],
          };
          plan.scopes.push(scope);
          open = { scope, items: [] };
        } else if (node.depth === 1 && plan.title === undefined) {
          plan.title = title;
        } else if (inRoadmap(node.depth)) {
          addPhase(title, line, roadmapSection(node.depth));
        }
        headings[node.depth - 1] = title;
        break;
      }
      case 'list':
        later(node.children);
        break;
      case 'listItem':
        visitListItem(node);
        break;
      case 'table':
        visitTable(node);
        break;
      case 'code': {
        // A code block under a heading that is a file path (`#### x/src/errors.rs`): the plan's sketch of that file.
        const heading = nearestHeading().replace(/`/g, '').trim();
        if (open && /^[\w./-]+\.rs$/.test(heading) && (node.lang ?? 'rust') === 'rust') {
          open.scope.sketches.push({ path: heading, code: node.value, line: node.line });
        }
        break;
      }
      case 'blockquote':
      case 'root':
        later(node.children);
        break;
      default:
        break; // code blocks, paragraphs, html: nothing to read
    }
  };

  while (stack.length > 0) visit(stack.pop()!);
  close(lineStarts(text).length - 1);
  for (const { item, text: itemText } of loose) {
    item.check = classifyItem(itemText);
    plan.other.push(item);
  }
  assignPhases(plan);
  return plan;
}

function assignPhases(plan: Plan): void {
  for (const phase of plan.phases) {
    for (const n of phase.scopes) plan.scopes.find((s) => s.number === n)?.phases.push(phase);
  }
  for (const scope of plan.scopes) {
    // A phase listed under an "Implementation Roadmap" heading names the scope before one in another list.
    scope.phases.sort((a, b) => Number(/roadmap/i.test(b.section)) - Number(/roadmap/i.test(a.section)));
    if (scope.phases.length > 0) scope.phase = scope.phases[0];
  }
}

/** "Phase 1: Critical Path (Scopes 1-2)" → its number, title and scope numbers. */
function readPhase(text: string, line: number, section: string): PlanPhase | undefined {
  const m = PHASE.exec(text.trim());
  if (!m) return undefined;
  const named = /\(\s*Scopes?\s*([^)]*)\)/i.exec(text);
  const scopes: number[] = [];
  for (const part of (named?.[1] ?? '').split(/,|\band\b|&/)) {
    const range = /#?(\d+)\s*(?:-|\u2013|to)\s*#?(\d+)/.exec(part);
    if (range) {
      for (let n = Number(range[1]); n <= Number(range[2]); n++) scopes.push(n);
      continue;
    }
    const single = /#?(\d+)/.exec(part);
    if (single) scopes.push(Number(single[1]));
  }
  const title = text.replace(/\(\s*Scopes?\s*[^)]*\)/i, '').replace(/\s+/g, ' ').trim().replace(/[:.]$/, '');
  return { title, number: Number(m[1]), line, scopes, section };
}

// ---------------------------------------------------------------------------
// Text of nodes.

/** Text without markup: inline code gives its content. */
function inlineText(nodes: readonly Inline[]): string {
  let text = '';
  for (const n of nodes) {
    if (n.type === 'text' || n.type === 'inlineCode') text += n.value;
    else if (n.type === 'break') text += ' ';
    else if (n.type !== 'other') text += inlineText(n.children);
  }
  return text;
}

/** Prose with a placeholder for each code span, for classification. */
function phrasingText(children: Inline[]): ItemText {
  const codes: string[] = [];
  const walk = (nodes: Inline[]): string =>
    nodes
      .map((n) => {
        if (n.type === 'inlineCode') {
          codes.push(n.value);
          return `\u27e6${codes.length - 1}\u27e7`;
        }
        if (n.type === 'text') return n.value;
        if (n.type === 'break') return ' ';
        // A link to a file of the workspace ("[udf_docs.rs](datafusion_python/src/udf_docs.rs)") names that path.
        if (n.type === 'link' && isFilePath(n.url) && !/^[a-z][\w+.-]*:|^#/i.test(n.url)) {
          codes.push(decodedPath(n.url));
          return `\u27e6${codes.length - 1}\u27e7`;
        }
        return n.type === 'other' ? '' : walk(n.children);
      })
      .join('');
  return { pattern: walk(children), codes };
}

/** A link's destination with its %-escapes decoded; as written when one is malformed (`100%.rs`). */
function decodedPath(url: string): string {
  try {
    return decodeURI(url);
  } catch {
    return url;
  }
}

/** The task's `[`, three characters wide. */
function checkboxRange(item: ListItem): Range {
  const start: Position = item.checkbox ?? { line: item.line, character: 0 };
  return { start, end: { line: start.line, character: start.character + 3 } };
}
