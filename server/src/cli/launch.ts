// Entry of the bundled CLI (dist/cli.js): a command that reads the workspace
// starts its first analysis thread before the rest of the CLI loads (see
// core/source/early.ts), then runs main.ts.
import { startEarly } from '../core/source/early';

if (['check', 'fix', 'plan', 'report'].includes(process.argv[2])) startEarly();
require('./main');
