import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

// Jest and npm scripts run from the repository root (jest.config.js sets rootDir there).
export const ROOT = resolve(process.cwd());

/** Entry points run from dist/, which `npm run jest` builds first. */
export function builtEntry(app: 'api' | 'worker' | 'cli'): string {
  const entry = join(ROOT, 'dist', 'apps', app, 'src', 'main.js');
  if (!existsSync(entry)) throw new Error(`${entry} is missing: run 'npm run build' (npm test does) before these tests`);
  return entry;
}

/** The environment a fresh shell would give the process, without this test run's settings. */
export function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, LANG: process.env.LANG };
  return { ...env, ...extra };
}

export interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export function runToEnd(args: string[], env: NodeJS.ProcessEnv, timeoutMs = 30_000): Finished {
  const result = spawnSync(process.execPath, args, { cwd: ROOT, env, encoding: 'utf8', timeout: timeoutMs });
  return { code: result.status, signal: result.signal, stdout: result.stdout, stderr: result.stderr };
}

export function start(args: string[], env: NodeJS.ProcessEnv, options: { stdin?: 'ignore' | 'pipe' } = {}): { child: ChildProcess; output: () => string; exited: Promise<Finished> } {
  const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: [options.stdin ?? 'ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<Finished>((resolveExit) =>
    child.on('exit', (code, signal) => setImmediate(() => resolveExit({ code, signal, stdout, stderr }))),
  );
  return { child, output: () => stdout + stderr, exited };
}

export async function waitForHttp(url: string, timeoutMs: number, exited: Promise<unknown>): Promise<number> {
  const started = Date.now();
  let gone = false;
  void exited.then(() => (gone = true));
  while (Date.now() - started < timeoutMs) {
    if (gone) throw new Error('the process exited before answering');
    try {
      const response = await fetch(url);
      if (response.status === 200) return Date.now() - started;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} did not answer 200 within ${timeoutMs} ms`);
}
