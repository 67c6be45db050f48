import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { OUTPUTS_FILE } from '../../local/outputs';
import { freePort } from '../../local/ports';

const ROOT = path.resolve(import.meta.dirname, '../..');

export interface SpawnedSandbox {
  url: string;
  dataDir: string;
  /** Its outputs, as `cdk deploy --outputs-file` writes a stage's: the names of its tables, bus, machines. */
  outputsFile: string;
  /** One of those outputs (`OrdersTableName`, `SigningKeySecretArn`...). */
  stackOutput(key: string): string;
  /** The sandbox's process (its function instances are threads of it; DynamoDB Local is a JVM of its own). */
  pid: number;
  /** What the sandbox printed so far. */
  output(): string;
  /** Stops it (SIGTERM, SIGKILL after 10 s), ends a DynamoDB Local it left behind, and removes its DATA_DIR. */
  stop(): Promise<void>;
  /**
   * Kills it as a crash would (SIGKILL: no clean-up of its own), waits until it and its DynamoDB Local are gone,
   * and leaves its DATA_DIR as the crash left it, for a sandbox started on it next.
   */
  kill(): Promise<void>;
}

export interface SpawnOptions {
  /** Also pass its stderr through as it comes. */
  echoErrors?: boolean;
  /** Start on this DATA_DIR (one a killed sandbox left, say) instead of a fresh one. */
  dataDir?: string;
  /** Listen on this port instead of a free one. */
  port?: number;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/**
 * Starts a sandbox exactly as `npm start` does, on a free port with a throw-away DATA_DIR (unless `options`
 * name them), and waits until /health answers 200. `env` adds to (or overrides) the sandbox's variables.
 */
export const spawnSandbox = async (
  purpose: string,
  env: Record<string, string> = {},
  { echoErrors = false, ...options }: SpawnOptions = {},
): Promise<SpawnedSandbox> => {
  const port = options.port ?? (await freePort());
  const dataDir = options.dataDir ?? mkdtempSync(path.join(tmpdir(), `shop-${purpose}-`));
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

  const kill = async () => {
    let dynamoPid = 0;
    try {
      dynamoPid = Number(readFileSync(path.join(dataDir, 'dynamodb.pid'), 'utf8'));
    } catch {
      // DynamoDB Local not started (yet).
    }
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
    }
    // DynamoDB Local ends with its parent (it watches its stdin); past 10 s, it is ended here.
    const deadline = Date.now() + 10_000;
    while (dynamoPid > 0 && alive(dynamoPid) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    if (dynamoPid > 0 && alive(dynamoPid)) process.kill(dynamoPid, 'SIGKILL');
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
    if (status === 200) {
      const outputsFile = path.join(dataDir, OUTPUTS_FILE);
      const [outputs = {}] = Object.values(JSON.parse(readFileSync(outputsFile, 'utf8'))) as Record<string, string>[];
      const stackOutput = (key: string) => {
        const value = outputs[key];
        if (value === undefined) throw new Error(`The sandbox's outputs have no ${key}`);
        return value;
      };
      return { url, dataDir, outputsFile, stackOutput, pid: child.pid ?? 0, output: () => output, stop, kill };
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
};
