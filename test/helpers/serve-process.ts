// A recordings server in a process of its own, on loopback: the built command
// (`bin/desktop-recording.mjs serve …`) or the server module with options the command does not
// take (`serve-child.ts`). Tests see what a user or an attacker sees: status codes, and whether
// the process is still alive.
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { ViewerStats } from '../../src/cli/playback-socket-server.js';
import type { ServeOptions } from '../../src/cli/serve.js';
import { privateCommand } from './private-command.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

export interface ServerProcess {
  readonly child: ChildProcess;
  /** `http://127.0.0.1:<port>`. */
  readonly base: string;
  readonly port: number;
  /** What the process wrote to stderr so far. */
  stderr(): string;
  /** Whether the process is still running. */
  alive(): boolean;
  /** Ends the process (SIGINT: the command closes its server) and waits for it. */
  stop(): Promise<void>;
}

/**
 * Runs `desktop-recording serve …args`: the command built privately for this process (`private-command.ts`, so a
 * concurrent `npm run build` cannot empty it), or the one at `bin` (an installed package's).
 */
export async function startCommand(args: string[], options: SpawnOptions = {}, bin?: string): Promise<ServerProcess> {
  return start(process.execPath, [bin ?? (await privateCommand()).bin, 'serve', ...args], options);
}

/** Runs `serve(options)` from the sources in a child process (port 0, 127.0.0.1 unless given; `withLiveSessions`: the demo's). */
export function startServerModule(options: Partial<ServeOptions> & { recordingsDir: string; withLiveSessions?: boolean }, spawnOptions: SpawnOptions = {}): Promise<ServerProcess> {
  return start(process.execPath, serveChildArgs(options), spawnOptions);
}

function serveChildArgs(options: Partial<ServeOptions> & { recordingsDir: string; withLiveSessions?: boolean; manualTime?: boolean }): string[] {
  const child = fileURLToPath(new URL('./serve-child.ts', import.meta.url));
  return ['--import', 'tsx', child, JSON.stringify({ root, port: 0, host: '127.0.0.1', ...options })];
}

/** The time of a server process started on manual time (its playback sockets', and its body timeout with `startServerModuleOnManualTime`), and its sockets' stats. */
export interface ManualTime {
  /** Moves the server's playback time `ms` forward, its timers due on the way firing in order; resolves once done. */
  advance(ms: number): Promise<void>;
  /** The stats of the playback sockets open now. */
  viewers(): Promise<ViewerStats[]>;
  /** How many of its timers are set and not yet fired. */
  pendingTimers(): Promise<number>;
}

/**
 * `startServerModule`, its playback sockets pacing (and budgeting restarts) and its request bodies timed by a time
 * that stands still until the test moves it: commands over the child's stdin (see time-commands.ts).
 */
export async function startServerModuleOnManualTime(options: Partial<ServeOptions> & { recordingsDir: string; withLiveSessions?: boolean }): Promise<ServerProcess & { time: ManualTime }> {
  return onManualTime(await start(process.execPath, serveChildArgs({ ...options, manualTime: true }), { stdio: ['pipe', 'pipe', 'pipe'] }));
}

/**
 * `desktop-recording serve …args` from the sources (serve-cli-child.ts): the options as the command
 * parses them, its playback sockets on a time the test moves, as `startServerModuleOnManualTime`.
 */
export async function startCommandOnManualTime(args: string[]): Promise<ServerProcess & { time: ManualTime }> {
  const child = fileURLToPath(new URL('./serve-cli-child.ts', import.meta.url));
  return onManualTime(await start(process.execPath, ['--import', 'tsx', child, ...args], { stdio: ['pipe', 'pipe', 'pipe'] }));
}

function onManualTime(server: ServerProcess): ServerProcess & { time: ManualTime } {
  const { stdin, stdout } = server.child;
  const replies: Array<(line: string) => void> = [];
  createInterface({ input: stdout! }).on('line', (line) => {
    if (/^(advanced|viewers|timers|unknown) /.test(line)) replies.shift()?.(line);
  });
  const ask = (command: string) => new Promise<string>((resolve, reject) => {
    if (!server.alive()) return reject(new Error(`the server process died: ${server.stderr()}`));
    replies.push(resolve);
    stdin!.write(`${command}\n`);
  });
  return Object.assign(server, {
    time: {
      async advance(ms: number) {
        await ask(`advance ${ms}`);
      },
      async viewers() {
        const line = await ask('viewers');
        if (!line.startsWith('viewers ')) throw new Error(`the server answered ${line}`);
        return JSON.parse(line.slice('viewers '.length)) as ViewerStats[];
      },
      async pendingTimers() {
        const line = await ask('timers');
        if (!line.startsWith('timers ')) throw new Error(`the server answered ${line}`);
        return Number(line.slice('timers '.length));
      },
    },
  });
}

function start(command: string, args: string[], options: SpawnOptions): Promise<ServerProcess> {
  const child = spawn(command, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], ...options });
  let stdout = '';
  let stderr = '';
  let exited = false;
  const exit = new Promise<void>((resolve) => child.once('exit', () => {
    exited = true;
    resolve();
  }));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise<ServerProcess>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const port = /http:\/\/127\.0\.0\.1:(\d+)\//.exec(stdout)?.[1];
      if (!port) return;
      resolve({
        child,
        base: `http://127.0.0.1:${port}`,
        port: Number(port),
        stderr: () => stderr,
        alive: () => !exited,
        async stop() {
          if (!exited) child.kill('SIGINT');
          await exit;
        },
      });
    });
    void exit.then(() => reject(new Error(`the server process exited before listening: ${stderr || stdout}`)));
  });
}
