// Runs the editor suite inside code-server's extension host, driven by Debian's
// chromium through playwright-core: the same extensionTestsPath contract as
// @vscode/test-electron, on a machine that cannot download VS Code.
//
// The workbench loads the suite when the page URL carries a payload with
// extensionDevelopmentPath and extensionTestsPath; with the smoke-test driver
// enabled it reports the extension host's exit code to window.codeAutomationExit.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { chromium, type Locator, type Page } from 'playwright-core';
import { repoRoot } from '../support/fixture';
import { CHROMIUM, ensureCodeServer, log } from './install';
import { createProfile, hostExtensionDir, profileEnv, suiteIndex } from './profile';
import { type BridgeRequest, BRIDGE_ENV, REPORT_MARK } from './suite/bridge';

export interface EditorRunOptions {
  /** The packaged extension to install; without it the suite runs with the extension not installed. */
  vsix?: string;
  /** The folder the workbench opens. */
  workspace: string;
  /** Where screenshots and logs go; emptied first. */
  outputDir: string;
  /** The whole run, from code-server's start to the suite's end. */
  timeoutMs?: number;
  /** Called with each line of the suite's report as it arrives. */
  onReportLine?: (line: string) => void;
}

export interface EditorRunResult {
  /** The extension host's exit code: 0 when the suite passed. */
  exitCode: number;
  /** What the suite printed (mocha's spec report), line by line. */
  output: string[];
  screenshots: string[];
}

export async function runEditorSuite(options: EditorRunOptions): Promise<EditorRunResult> {
  const install = ensureCodeServer();
  const index = suiteIndex(repoRoot);
  if (!fs.existsSync(index)) throw new Error(`${index} is missing: run \`npm run build\` first`);
  fs.rmSync(options.outputDir, { recursive: true, force: true });
  fs.mkdirSync(options.outputDir, { recursive: true });

  const result: EditorRunResult = { exitCode: -1, output: [], screenshots: [] };
  const deadline = Date.now() + (options.timeoutMs ?? 5 * 60_000);
  // Undone in reverse order, whatever happened.
  const cleanups: (() => Promise<void> | void)[] = [];
  try {
    const profile = createProfile();
    cleanups.push(() => profile.remove());
    const workbenchLog = fs.createWriteStream(path.join(options.outputDir, 'workbench.log'));
    cleanups.push(() => new Promise<void>((resolve) => workbenchLog.end(resolve)));
    const bridge = await startBridge(options.outputDir, result);
    cleanups.push(() => bridge.close());

    const env = profileEnv(profile, {
      PATH: `${install.nodeBin}${path.delimiter}${process.env.PATH ?? ''}`,
      // The extension host inherits this, so the suite finds the bridge.
      [BRIDGE_ENV]: bridge.url,
    });
    if (options.vsix !== undefined) {
      const { stdout, stderr } = await promisify(execFile)(install.codeServer, [...profile.args, '--install-extension', options.vsix], { env });
      if (!/successfully installed/.test(stdout + stderr)) throw new Error(`installing ${options.vsix} failed:\n${stdout}${stderr}`);
      log(`installed ${path.basename(options.vsix)} into a clean profile`);
    }

    const server = await startCodeServer(install.codeServer, profile.args, env, path.join(options.outputDir, 'code-server.log'), deadline);
    cleanups.push(() => stopProcessGroup(server.process));

    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      env: profileEnv(profile),
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    cleanups.push(() => browser.close());
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    bridge.attach(page);

    let reportExit: (code: number) => void = () => undefined;
    const exited = new Promise<number>((resolve) => (reportExit = resolve));
    await page.exposeFunction('codeAutomationExit', (code: number) => reportExit(code));
    page.on('console', (message) => {
      const text = message.text();
      workbenchLog.write(`${message.type()}: ${text}\n`);
      // The suite's report arrives among the workbench's own log lines, marked.
      const at = text.indexOf(REPORT_MARK);
      if (at !== -1) {
        const line = text.slice(at + REPORT_MARK.length);
        result.output.push(line);
        options.onReportLine?.(line);
      }
    });
    page.on('pageerror', (error) => workbenchLog.write(`pageerror: ${error.stack ?? error.message}\n`));

    const payload = [
      ['extensionDevelopmentPath', `vscode-remote://${server.authority}${hostExtensionDir(repoRoot)}`],
      ['extensionTestsPath', `vscode-remote://${server.authority}${index}`],
    ];
    await page.goto(`http://${server.authority}/?folder=${encodeURIComponent(options.workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`);
    result.exitCode = await withDeadline(exited, deadline, 'the editor suite to finish');
    return result;
  } finally {
    for (const cleanup of cleanups.reverse()) {
      try {
        await cleanup();
      } catch (error) {
        log(`cleanup: ${String(error)}`);
      }
    }
  }
}

interface RunningCodeServer {
  process: ChildProcess;
  /** host:port */
  authority: string;
}

/**
 * Starts code-server on a free loopback port, in its own process group (a
 * watcher child outlives the main process otherwise), waits for it to say it
 * listens, then checks /healthz.
 */
async function startCodeServer(codeServer: string, profile: string[], env: NodeJS.ProcessEnv, logFile: string, deadline: number): Promise<RunningCodeServer> {
  const args = [
    '--bind-addr', '127.0.0.1:0',
    '--auth', 'none',
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    ...profile,
    '--vscode-option', 'enable-smoke-test-driver',
  ];
  const child = spawn(codeServer, args, { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  // Should this process end without its cleanup (an uncaught error), the group goes with it.
  const killOnExit = (): void => killGroup(child.pid, 'SIGKILL');
  process.on('exit', killOnExit);
  child.once('exit', () => process.off('exit', killOnExit));
  const logStream = fs.createWriteStream(logFile);
  child.stdout!.pipe(logStream);
  child.stderr!.pipe(logStream);
  try {
    const authority = await withDeadline(
      new Promise<string>((resolve, reject) => {
        let seen = '';
        const onData = (chunk: Buffer): void => {
          seen += chunk.toString();
          const match = /HTTP server listening on http:\/\/([\d.]+:\d+)/.exec(seen);
          if (match) resolve(match[1]);
        };
        child.stdout!.on('data', onData);
        child.stderr!.on('data', onData);
        child.once('exit', (code) => reject(new Error(`code-server exited (${code}) before it listened; see ${logFile}:\n${seen}`)));
        child.once('error', reject);
      }),
      deadline,
      'code-server to listen',
    );
    await checkHealth(`http://${authority}/healthz`);
    log(`code-server ${authority} is up`);
    return { process: child, authority };
  } catch (error) {
    await stopProcessGroup(child);
    throw error;
  }
}

/** code-server has said it listens: its health endpoint must answer now. */
async function checkHealth(url: string): Promise<void> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url} answered HTTP ${response.status}`);
}

/** SIGTERM to the whole group, SIGKILL if it has not exited after 5 s. */
async function stopProcessGroup(child: ChildProcess): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) {
    killGroup(child.pid, 'SIGKILL'); // children may still be there
    return;
  }
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  killGroup(child.pid, 'SIGTERM');
  const timer = setTimeout(() => killGroup(child.pid, 'SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
  killGroup(child.pid, 'SIGKILL');
}

function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is gone already.
  }
}

async function withDeadline<T>(promise: Promise<T>, deadline: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), Math.max(0, deadline - Date.now()));
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

interface Bridge {
  url: string;
  attach(page: Page): void;
  close(): Promise<void>;
}

/**
 * A loopback HTTP endpoint through which the suite, running in the extension
 * host, asks the runner about the page: a screenshot of the current step, or
 * the text of an element once it shows. The page is only reachable from here.
 */
async function startBridge(outputDir: string, result: EditorRunResult): Promise<Bridge> {
  let page: Page | undefined;
  const server = http.createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      void (async () => {
        try {
          if (page === undefined) throw new Error('the page is not open');
          const answer = await serve(page, JSON.parse(body) as BridgeRequest);
          response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
        } catch (error) {
          response.writeHead(500, { 'content-type': 'text/plain' }).end(error instanceof Error ? error.message : String(error));
        }
      })();
    });
  });
  const serve = async (page: Page, request: BridgeRequest): Promise<unknown> => {
    const timeout = request.timeoutMs ?? 20_000;
    switch (request.kind) {
      case 'screenshot': {
        if (request.waitFor) await waitVisible(page, request.waitFor, request.matching, timeout);
        const file = path.join(outputDir, `${String(result.screenshots.length + 1).padStart(2, '0')}-${request.name}.png`);
        await page.screenshot({ path: file });
        result.screenshots.push(file);
        return { file };
      }
      case 'text':
        return { text: await (await waitVisible(page, request.selector, request.matching, timeout)).innerText() };
      case 'press':
        await page.keyboard.press(request.key);
        return {};
      case 'click': {
        // The first visible match, if there is one: a test clicks until none is left.
        const target = page.locator(`${request.selector} >> visible=true`).first();
        if ((await target.count()) === 0) return { clicked: false };
        await target.click({ timeout });
        return { clicked: true };
      }
      case 'type':
        await page.keyboard.type(request.text);
        return {};
      case 'webviewText': {
        // A webview's page sits two frames down: the host's iframe, then its active frame.
        const inner = page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame').locator(request.selector).first();
        await inner.waitFor({ state: 'visible', timeout });
        return { text: await inner.innerText() };
      }
    }
  };
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    attach: (p) => (page = p),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The first element matching the selector (and whose text matches `matching`) once it is visible. */
async function waitVisible(page: Page, selector: string, matching: string | undefined, timeout: number): Promise<Locator> {
  const locator = page.locator(selector, matching === undefined ? {} : { hasText: new RegExp(matching) }).first();
  try {
    await locator.waitFor({ state: 'visible', timeout });
  } catch (error) {
    const now = await page.locator(selector).allInnerTexts().catch(() => []);
    throw new Error(`${selector}${matching === undefined ? '' : ` with text /${matching}/`} did not show in ${timeout} ms; it reads ${JSON.stringify(now)}`, { cause: error });
  }
  return locator;
}
