import { execFile } from 'node:child_process';
import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { z } from 'zod';
import type { LambdaArchitecture, LocalStackEdition } from '../../lib/spec/localstack';

const run = promisify(execFile);

/** Where LocalStack listens unless LOCALSTACK_ENDPOINT or AWS_ENDPOINT_URL says otherwise (cdklocal's default too). */
export const DEFAULT_ENDPOINT = 'http://localhost.localstack.cloud:4566';

/** What the deploy and the end-to-end suite call, by LocalStack's service names (as /_localstack/health lists them). */
export const REQUIRED_SERVICES = [
  'cloudformation',
  's3',
  'iam',
  'sts',
  'ssm',
  'lambda',
  'logs',
  'apigateway',
  'dynamodb',
  'events',
  'stepfunctions',
  'ses',
  'sns',
  'sqs',
  'secretsmanager',
  'cloudwatch',
] as const;

/** A service answers (`running`) or starts on its first call (`available`). */
const USABLE = new Set(['available', 'running', 'starting']);

export interface Problem {
  /** What is missing, in a sentence. */
  missing: string;
  /** What to do about it. */
  fix: string;
}

export interface Facts {
  endpoint: string;
  edition?: LocalStackEdition;
  version?: string;
  /** The Docker engine's architecture, as Lambda names it. */
  architecture?: LambdaArchitecture;
}

export interface Report {
  problems: Problem[];
  facts: Facts;
}

export interface Environment {
  /** The PATH to find `docker` on. */
  PATH?: string;
  LOCALSTACK_ENDPOINT?: string;
  AWS_ENDPOINT_URL?: string;
  LOCALSTACK_AUTH_TOKEN?: string;
  /** `true`: the deploy keeps the search domain, so LocalStack must run OpenSearch too. */
  LOCALSTACK_OPENSEARCH?: string;
}

export interface CheckOptions {
  env: Environment;
  /** How long LocalStack and Docker may take to answer (default 3 s). */
  timeoutMs?: number;
}

export const endpointOf = (env: Environment): string =>
  (env.LOCALSTACK_ENDPOINT || env.AWS_ENDPOINT_URL || DEFAULT_ENDPOINT).replace(/\/+$/, '');

const executable = async (file: string) =>
  access(file, constants.X_OK).then(
    () => true,
    () => false,
  );

/** The first `name` on the PATH that may be run, as a shell would find it. */
export const findOnPath = async (name: string, PATH = ''): Promise<string | undefined> => {
  for (const dir of PATH.split(path.delimiter).filter(Boolean)) {
    const file = path.join(dir, name);
    if (await executable(file)) return file;
  }
  return undefined;
};

const architectureOf = (docker: string): LambdaArchitecture =>
  ['aarch64', 'arm64'].includes(docker.trim().toLowerCase()) ? 'arm64' : 'x86_64';

const checkDocker = async (options: CheckOptions, facts: Facts): Promise<Problem[]> => {
  const docker = await findOnPath('docker', options.env.PATH);
  if (!docker) {
    return [
      {
        missing:
          'Docker is missing: no `docker` on the PATH. LocalStack runs in Docker, and so do the functions it runs.',
        fix: 'Install Docker (https://docs.docker.com/get-docker/), start it, then start LocalStack (see the README: Testing on LocalStack).',
      },
    ];
  }
  try {
    const { stdout } = await run(docker, ['info', '--format', '{{.Architecture}}'], {
      timeout: options.timeoutMs ?? 3000,
      env: { PATH: options.env.PATH ?? '' },
    });
    facts.architecture = architectureOf(stdout);
    return [];
  } catch (error) {
    const reason = (error as { stderr?: string }).stderr?.trim().split('\n')[0] || (error as Error).message;
    return [
      {
        missing: `Docker is missing: the \`docker\` command is there (${docker}), but no Docker engine answers it (${reason}).`,
        fix: 'Start the Docker engine (Docker Desktop, or `sudo systemctl start docker`) and check that `docker info` works for this user.',
      },
    ];
  }
};

const Health = z.object({
  services: z.record(z.string(), z.string()),
  edition: z.string().optional(),
  version: z.string().optional(),
});

const Info = z.object({ is_license_activated: z.boolean().optional() });

const getJson = async (url: string, timeoutMs: number): Promise<unknown> => {
  const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  return response.json();
};

/** fetch's "fetch failed" says little: the cause's code does (ECONNREFUSED, ENOTFOUND, a timeout). */
const reasonOf = (error: unknown): string => {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).message;
};

const START_LOCALSTACK =
  'Start LocalStack (`docker run --rm -d -p 4566:4566 -v /var/run/docker.sock:/var/run/docker.sock -e LOCALSTACK_AUTH_TOKEN localstack/localstack`), or point LOCALSTACK_ENDPOINT at the one you run.';

const checkLocalStack = async (options: CheckOptions, facts: Facts): Promise<Problem[]> => {
  const timeoutMs = options.timeoutMs ?? 3000;
  const url = `${facts.endpoint}/_localstack/health`;
  let answer: unknown;
  try {
    answer = await getJson(url, timeoutMs);
  } catch (error) {
    return [
      {
        missing: `No LocalStack answers at ${facts.endpoint} (GET /_localstack/health: ${reasonOf(error)}).`,
        fix: START_LOCALSTACK,
      },
    ];
  }
  const health = Health.safeParse(answer);
  if (!health.success) {
    return [
      {
        missing: `${url} answers, but not as LocalStack does (no "services" in its health answer).`,
        fix: `Check that LOCALSTACK_ENDPOINT (now ${facts.endpoint}) is LocalStack's edge port.`,
      },
    ];
  }
  const { services, edition, version } = health.data;
  facts.edition = edition === 'community' ? 'community' : 'pro';
  facts.version = version;
  const problems: Problem[] = [];

  // A licensed image answers without its licence, with the paid features off.
  if (facts.edition === 'pro') {
    const info = Info.safeParse(await getJson(`${facts.endpoint}/_localstack/info`, timeoutMs).catch(() => ({})));
    if (info.success && info.data.is_license_activated === false) {
      problems.push({
        missing: `The running LocalStack (${edition ?? 'unknown'} edition${version ? ` ${version}` : ''}) has no activated licence: ${
          options.env.LOCALSTACK_AUTH_TOKEN
            ? 'LOCALSTACK_AUTH_TOKEN is set here, but the container was started without it (or it was refused).'
            : 'LOCALSTACK_AUTH_TOKEN is not set.'
        }`,
        fix: 'Get an auth token (https://app.localstack.cloud/workspace/auth-tokens; a CI token in CI), export LOCALSTACK_AUTH_TOKEN and restart the container with -e LOCALSTACK_AUTH_TOKEN.',
      });
    }
  }

  const wanted: string[] = [
    ...REQUIRED_SERVICES,
    ...(options.env.LOCALSTACK_OPENSEARCH === 'true' ? ['opensearch'] : []),
  ];
  const unusable = wanted.filter((service) => !USABLE.has(services[service] ?? 'missing'));
  if (unusable.length > 0) {
    problems.push({
      missing: `LocalStack does not run ${unusable.map((service) => `${service} (${services[service] ?? 'absent'})`).join(', ')}.`,
      fix: `Start it without a SERVICES restriction, or with SERVICES=${wanted.join(',')}.`,
    });
  }
  return problems;
};

/** Every missing prerequisite of npm run test:localstack, each with what to do; Docker first. */
export const checkPrerequisites = async (options: CheckOptions): Promise<Report> => {
  const facts: Facts = { endpoint: endpointOf(options.env) };
  const [docker, localstack] = await Promise.all([checkDocker(options, facts), checkLocalStack(options, facts)]);
  return { problems: [...docker, ...localstack], facts };
};

/** The report as the person at the terminal reads it. */
export const describeProblems = (problems: Problem[]): string =>
  [
    `npm run test:localstack cannot start: ${problems.length} prerequisite${problems.length === 1 ? ' is' : 's are'} missing.`,
    ...problems.map((problem, i) => `\n${i + 1}. ${problem.missing}\n   What to do: ${problem.fix}`),
  ].join('\n');
