// Bundles the client, the language server and the CLI with esbuild, and puts
// the wasm files (web-tree-sitter's runtime and the Rust grammar) beside them.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { createRequire, isBuiltin } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const production = process.argv.includes('--production');
/**
 * `import('module')` becomes a require of a module in the bundle that requires the builtin: with
 * dynamic-import unsupported esbuild would write `require('module')` in place, which web-tree-sitter's
 * own `var require` shadows there.
 */
function builtinsImported() {
  return {
    name: 'builtins-imported',
    setup(plugin) {
      plugin.onResolve({ filter: /^[a-z:/_]+$/ }, (args) =>
        args.kind === 'dynamic-import' && isBuiltin(args.path) ? { path: args.path, namespace: 'builtin-imported' } : undefined,
      );
      plugin.onLoad({ filter: /.*/, namespace: 'builtin-imported' }, (args) => ({ contents: `module.exports = require(${JSON.stringify(args.path)});`, loader: 'js' }));
    },
  };
}

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  // A code cache drops what V8 needs to run import() in a script Node did not load itself (Node 20), so
  // no bundle may keep one: a builtin imported that way is bundled as a module that requires it.
  supported: { 'dynamic-import': false },
  plugins: [builtinsImported()],
  // web-tree-sitter's ES module reads import.meta.url to find its wasm; in a
  // CommonJS bundle that is the bundle's own URL, and the wasm sits beside it.
  define: { 'import.meta.url': 'importMetaUrl' },
  banner: { js: "const importMetaUrl = require('url').pathToFileURL(__filename).href;" },
};

// dist/cli.js, dist/server.js and dist/worker.js are the loader (server/src/boot/codeCache.ts), which runs
// the bundle beside it with V8's code cache of it.
const loader = (bundle) => ({
  contents: `require('./codeCache').runBundle(require('node:path').join(__dirname, '${bundle}'), module);`,
  resolveDir: 'server/src/boot',
  sourcefile: `boot-${bundle}.ts`,
  loader: 'ts',
});

mkdirSync('dist', { recursive: true });
await Promise.all([
  build({ ...common, entryPoints: ['client/src/extension.ts'], outfile: 'dist/client.js', external: ['vscode'] }),
  build({ ...common, entryPoints: ['server/src/main.ts'], outfile: 'dist/server.bundle.js' }),
  build({ ...common, entryPoints: ['server/src/cli/launch.ts'], outfile: 'dist/cli.bundle.js' }),
  build({ ...common, entryPoints: ['server/src/core/source/worker.ts'], outfile: 'dist/worker.bundle.js' }),
  ...['cli', 'server', 'worker'].map((name) => build({ ...common, stdin: loader(`${name}.bundle.js`), outfile: `dist/${name}.js` })),
]);
copyFileSync(join(dirname(require.resolve('web-tree-sitter')), 'web-tree-sitter.wasm'), 'dist/web-tree-sitter.wasm');
copyFileSync('grammars/tree-sitter-rust.wasm', 'dist/tree-sitter-rust.wasm');

// The code caches. The CLI's and the worker's are made by a check of the demo, so they hold the functions
// a check compiles; the server's holds its top level (a language server is started once a session).
const { TRAIN, cacheOf, compileBundle, writeCache } = require('../out/server/src/boot/codeCache.js');
const caches = ['dist/cli.bundle.js', 'dist/worker.bundle.js'].map(cacheOf);
for (const cache of [...caches, cacheOf('dist/server.bundle.js')]) rmSync(cache, { force: true });
// The text report, as a check prints it by default.
const training = spawnSync(process.execPath, ['dist/cli.js', 'check', 'demo/rust', '--no-cache'], {
  env: { ...process.env, [TRAIN]: '1' },
  stdio: ['ignore', 'ignore', 'inherit'],
});
if (training.status !== 0 && training.status !== 1) throw new Error(`the code cache's run of \`check\` on the demo failed (status ${training.status}, ${training.signal ?? 'no signal'})`);
for (const cache of caches) if (!existsSync(cache)) throw new Error(`the check of the demo wrote no ${cache}`);
const server = compileBundle('dist/server.bundle.js', false);
writeCache(cacheOf('dist/server.bundle.js'), server.hash, server.script.createCachedData());
