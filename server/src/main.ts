// Entry of the bundled language server (dist/server.js). The VS Code client
// starts it over node IPC; `--stdio` works too (see also `rust-consolidate lsp`).
// Its first analysis thread starts before the rest of the server loads (see
// core/source/early.ts).
import { startEarly } from './core/source/early';

startEarly();
(require('./server') as typeof import('./server')).startServer();
