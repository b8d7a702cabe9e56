// Entry of the bundled language server (dist/server.js). The VS Code client
// starts it over node IPC; `--stdio` works too (see also `rust-consolidate lsp`).
import { startServer } from './server';

startServer();
