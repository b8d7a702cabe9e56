// The suite's side of the page bridge (see ../codeServer.ts): under the
// code-server runner the suite can ask for a screenshot of the page or read
// an element's text, as a user sees it. Under @vscode/test-electron there is
// no page: the bridge is absent and such checks are skipped.

/** The environment variable that carries the bridge's URL into the extension host. */
export const BRIDGE_ENV = 'RUST_CONSOLIDATE_EDITOR_BRIDGE';

/** Marks the lines of the suite's report in the extension host's console. */
export const REPORT_MARK = '[editor-suite] ';

export type BridgeRequest =
  /** Waits for the selector (if given; and its text to match `matching`) to be visible, then saves a screenshot named after the step. */
  | { kind: 'screenshot'; name: string; waitFor?: string; matching?: string; timeoutMs?: number }
  /** The text of the first element matching the selector (and whose text matches `matching`, a regular expression), once it is visible. */
  | { kind: 'text'; selector: string; matching?: string; timeoutMs?: number }
  /** A key press in the page, e.g. Escape to close a menu. */
  | { kind: 'press'; key: string; timeoutMs?: number }
  /** A click on the first visible element matching the selector; answers whether there was one. */
  | { kind: 'click'; selector: string; timeoutMs?: number }
  /** Text typed into whatever has the focus, e.g. an input box. */
  | { kind: 'type'; text: string; timeoutMs?: number }
  /** The text of an element inside the active webview's page, once it is visible. */
  | { kind: 'webviewText'; selector: string; timeoutMs?: number };

export const bridgeAvailable = (): boolean => process.env[BRIDGE_ENV] !== undefined;

async function ask<T>(request: BridgeRequest): Promise<T> {
  const url = process.env[BRIDGE_ENV];
  if (url === undefined) throw new Error('no page bridge: not running under the code-server runner');
  const response = await fetch(url, { method: 'POST', body: JSON.stringify(request) });
  if (!response.ok) throw new Error(`the page bridge failed on ${JSON.stringify(request)}: ${await response.text()}`);
  return (await response.json()) as T;
}

/** Saves a screenshot of the page once `waitFor` shows (with text matching `matching`); a no-op without a page. */
export async function screenshot(name: string, waitFor?: string, matching?: RegExp): Promise<void> {
  if (bridgeAvailable()) await ask({ kind: 'screenshot', name, waitFor, matching: matching?.source });
}

/** The text of an element of the page once it shows (and matches `matching`): what a user reads there. */
export async function pageText(selector: string, options: { matching?: RegExp; timeoutMs?: number } = {}): Promise<string> {
  return (await ask<{ text: string }>({ kind: 'text', selector, matching: options.matching?.source, timeoutMs: options.timeoutMs })).text;
}

export async function pressKey(key: string): Promise<void> {
  if (bridgeAvailable()) await ask({ kind: 'press', key });
}

/** Clicks the first visible element matching the selector, as a user does; false when none shows. */
export async function click(selector: string): Promise<boolean> {
  return (await ask<{ clicked: boolean }>({ kind: 'click', selector })).clicked;
}

export async function typeText(text: string): Promise<void> {
  if (bridgeAvailable()) await ask({ kind: 'type', text });
}

/** The text of an element of the active webview's page (a Duplication Map cell, say) once it shows. */
export async function webviewText(selector: string): Promise<string> {
  return (await ask<{ text: string }>({ kind: 'webviewText', selector })).text;
}
