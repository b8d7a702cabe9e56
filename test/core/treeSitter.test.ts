// The walk that calls web-tree-sitter's wasm binding directly visits what its public TreeCursor visits.
import * as assert from 'node:assert/strict';
import type { Tree } from 'web-tree-sitter';
import { loadRustGrammar, Walk } from '../../server/src/core/source/treeSitter';
import type { RustGrammar } from '../../server/src/core/source/treeSitter';

// Nesting, a syntax error, a missing token, non-ASCII text before and inside tokens, a macro and a comment.
const SOURCE = `//! Ünïcödé module — doc
use std::{fmt, collections::HashMap as Map};

pub(crate) mod inner {
    pub fn grüße(x: &str) -> String { format!("{x} ✓") }
    fn broken( { let = ; }
}

impl fmt::Display for Thing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result { write!(f, "{}", self.0) }
}
static S: &str = "π";
fn missing() { let x = 1 }
`;

interface Visit {
  type: string;
  start: number;
  end: number;
  missing: boolean;
  node?: string;
}

/** Every node in order, with its type and extent; the node's text through the public API on every third. */
function visits(cursor: { nodeType: string; startIndex: number; endIndex: number; nodeIsMissing: boolean; currentNode: { type: string; text: string }; gotoFirstChild(): boolean; gotoNextSibling(): boolean; gotoParent(): boolean; delete(): void }) {
  const seen: Visit[] = [];
  for (let i = 0; ; i++) {
    const visit: Visit = { type: cursor.nodeType, start: cursor.startIndex, end: cursor.endIndex, missing: cursor.nodeIsMissing };
    if (i % 3 === 0) {
      const node = cursor.currentNode;
      visit.node = `${node.type} ${node.text}`;
    }
    seen.push(visit);
    if (cursor.gotoFirstChild()) continue;
    while (!cursor.gotoNextSibling()) {
      if (!cursor.gotoParent()) {
        cursor.delete();
        return seen;
      }
    }
  }
}

describe('the direct walk of a tree (Walk)', () => {
  let grammar: RustGrammar;
  let tree: Tree;

  before(async () => {
    grammar = await loadRustGrammar();
    tree = grammar.parser.parse(SOURCE)!;
  });

  after(() => {
    tree.delete();
    grammar.parser.delete();
  });

  it('visits the nodes, types, extents and missing nodes the public TreeCursor visits, with nodes asked between steps', () => {
    const expected = visits(tree.walk());
    assert.ok(expected.length > 150, `${expected.length} nodes`);
    assert.ok(expected.some((v) => v.type === 'ERROR'), 'the fixture has a syntax error');
    assert.ok(expected.some((v) => v.missing), 'the fixture has a missing node');
    assert.deepEqual(visits(new Walk(grammar.runtime, tree)), expected);
  });
});
