// What the benchmark scripts share: the tools' paths, a timed run under
// /usr/bin/time -v, the page-cache warm-up and small statistics.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
export const JSCPD = '.cache/anchor/node_modules/.bin/jscpd';
export const CLI = 'dist/cli.js';
/** The code dist/cli.js loads (see server/src/boot/codeCache.ts): what a build's hash names. */
export const CLI_BUNDLE = 'dist/cli.bundle.js';
export const BENCH_FILE = join(ROOT, 'BENCHMARKS.md');
// Directories neither tool should index: build output and VCS data.
const SKIP_DIRS = new Set(['target', '.git']);

/** Every .rs file under the folders, outside target/ and .git/, as absolute paths in path order. */
export function rustFiles(folders) {
  const files = [];
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory()) {
        if (!SKIP_DIRS.has(e.name)) walk(join(dir, e.name));
      } else if (e.isFile() && e.name.endsWith('.rs')) files.push(join(dir, e.name));
    }
  };
  folders.forEach((f) => walk(resolve(f)));
  return files.sort();
}

/** Reads every .rs file and Cargo.toml once (the warm-up); counts .rs files and lines outside target/ and .git/. */
export function warmUp(dir) {
  let files = 0;
  let lines = 0;
  let bytes = 0;
  const walk = (d, counted) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p, counted && !SKIP_DIRS.has(e.name));
      else if (e.isFile() && e.name === 'Cargo.toml') readFileSync(p);
      else if (e.isFile() && e.name.endsWith('.rs')) {
        const buf = readFileSync(p);
        if (!counted) continue;
        files++;
        bytes += buf.length;
        let n = 0;
        for (let i = buf.indexOf(10); i !== -1; i = buf.indexOf(10, i + 1)) n++;
        if (buf.length && buf[buf.length - 1] !== 10) n++;
        lines += n;
      }
    }
  };
  walk(dir, true);
  return { files, lines, bytes };
}

/** CPU seconds the whole machine has been busy since boot (/proc/stat counts in USER_HZ, 100 on Linux). */
function machineBusyS() {
  const [, user, nice, system, , , irq, softirq, steal] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).map(Number);
  return (user + nice + system + irq + softirq + steal) / 100;
}

/** Runs argv under `/usr/bin/time -v`, stdout to a file; kills the process group after timeoutS. */
export function timed(argv, { stdoutFile, timeoutS }) {
  const timeFile = `${stdoutFile}.time`;
  const stderrFile = `${stdoutFile}.stderr`;
  const out = openSync(stdoutFile, 'w');
  const err = openSync(stderrFile, 'w');
  const child = spawn('/usr/bin/time', ['-v', '-o', timeFile, ...argv], {
    cwd: ROOT,
    stdio: ['ignore', out, err],
    detached: true, // own process group, so a timeout kills the tool and not just time(1)
  });
  closeSync(out);
  closeSync(err);
  const t0 = performance.now();
  const busy0 = machineBusyS();
  return new Promise((resolveRun) => {
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {}
    }, timeoutS * 1000);
    child.on('exit', () => {
      clearTimeout(timer);
      const t = existsSync(timeFile) ? readFileSync(timeFile, 'utf8') : '';
      const field = (re) => t.match(re)?.[1];
      const wall = field(/Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): ([\d:.]+)/);
      const exit = field(/Exit status: (\d+)/);
      const signal = field(/Command terminated by signal (\d+)/);
      const cpu = Number(field(/User time \(seconds\): ([\d.]+)/)) + Number(field(/System time \(seconds\): ([\d.]+)/));
      resolveRun({
        // time(1) dies with the group on a timeout: fall back to our own clock.
        wall: wall ? wall.split(':').reduce((acc, x) => acc * 60 + Number(x), 0) : (performance.now() - t0) / 1000,
        cpu,
        // CPU that other processes took during the run: what skews a figure on a shared machine.
        othersCpu: Math.max(0, machineBusyS() - busy0 - cpu),
        rssMB: Number(field(/Maximum resident set size \(kbytes\): (\d+)/)) / 1024,
        exit: exit === undefined ? null : Number(exit),
        signal: signal === undefined ? null : Number(signal),
        timedOut,
        stdoutFile,
        stderrTail: tail(readFileSync(stderrFile, 'utf8'), 15),
      });
    });
  });
}

function tail(text, n) {
  return text.trimEnd().split('\n').slice(-n).join('\n');
}

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

export const shellQuote = (s) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

