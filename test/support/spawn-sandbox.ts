import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from '../../local/ports';

const ROOT = path.resolve(import.meta.dirname, '../..');

export interface SpawnedSandbox {
  url: string;
  dataDir: string;
  /** The sandbox's process (its function instances are threads of it; DynamoDB Local is a JVM of its own). */
  pid: number;
  /** What the sandbox printed so far. */
  output(): string;
  /** Stops it (SIGTERM, SIGKILL after 10 s), ends a DynamoDB Local it left behind, and removes its DATA_DIR. */
  stop(): Promise<void>;
}

/**
 * Starts a sandbox exactly as `npm start` does, on a free port with a throw-away DATA_DIR, and waits until
 * /health answers 200. `env` adds to (or overrides) the sandbox's variables; `echoErrors` also passes its
 * stderr through as it comes.
 */
export const spawnSandbox = async (
  purpose: string,
  env: Record<string, string> = {},
  { echoErrors = false } = {},
): Promise<SpawnedSandbox> => {
  const port = await freePort();
  const dataDir = mkdtempSync(path.join(tmpdir(), `shop-${purpose}-`));
  let output = '';
  const child = spawn(process.execPath, ['--import', 'tsx', 'local/start.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: String(port),
      DATA_DIR: dataDir,
      SANDBOX_QUIET: '1',
      SANDBOX_PARENT_PID: String(process.pid),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', (chunk: Buffer) => {
    collect(chunk);
    if (echoErrors) process.stderr.write(chunk);
  });
  const url = `http://127.0.0.1:${port}`;

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    // Should the sandbox have died without its clean-up, end its DynamoDB Local here.
    try {
      const pid = Number(readFileSync(path.join(dataDir, 'dynamodb.pid'), 'utf8'));
      if (pid > 0) process.kill(pid, 'SIGKILL');
    } catch {
      // No pid file: DynamoDB Local was stopped by the sandbox.
    }
    rmSync(dataDir, { recursive: true, force: true });
  };

  const deadline = Date.now() + 90_000;
  for (;;) {
    let failure: string | undefined;
    if (child.exitCode !== null) failure = `The sandbox exited (${child.exitCode})`;
    else if (Date.now() > deadline) failure = 'The sandbox was not healthy within 90 s';
    if (failure) {
      await stop();
      throw new Error(`${failure}:\n${output}`);
    }
    const status = await fetch(`${url}/health`).then(
      (reply) => reply.status,
      () => 0, // Not listening yet.
    );
    if (status === 200) return { url, dataDir, pid: child.pid ?? 0, output: () => output, stop };
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
};
