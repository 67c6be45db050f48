import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  checkPrerequisites,
  DEFAULT_ENDPOINT,
  describeProblems,
  endpointOf,
  REQUIRED_SERVICES,
} from '../../../scripts/localstack/prerequisites';

const dirs = mkdtempSync(path.join(tmpdir(), 'shop-prerequisites-'));
afterAll(() => rmSync(dirs, { recursive: true, force: true }));

/** A directory for the PATH, holding a `docker` that runs `script` (a shell script) in place of the real one. */
const pathWithDocker = (name: string, script?: string): string => {
  const dir = path.join(dirs, name);
  mkdirSync(dir, { recursive: true });
  if (script !== undefined) {
    writeFileSync(path.join(dir, 'docker'), `#!/bin/sh\n${script}\n`);
    chmodSync(path.join(dir, 'docker'), 0o755);
  }
  return dir;
};
const noDocker = pathWithDocker('none');
const answeringDocker = pathWithDocker('answering', 'echo aarch64');
const deadDocker = pathWithDocker(
  'dead',
  'echo "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?" >&2; exit 1',
);

/** A local server playing LocalStack's /_localstack/health and /_localstack/info with the given answers. */
let health: unknown;
let info: unknown;
let server: Server;
let endpoint: string;
beforeAll(async () => {
  server = createServer((request, response) => {
    const body =
      request.url === '/_localstack/health' ? health : request.url === '/_localstack/info' ? info : undefined;
    response.writeHead(body === undefined ? 404 : 200, { 'content-type': 'application/json' });
    response.end(JSON.stringify(body ?? {}));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const allServices = (state = 'available') => Object.fromEntries(REQUIRED_SERVICES.map((name) => [name, state]));

const check = (env: Record<string, string>) =>
  checkPrerequisites({ env: { PATH: answeringDocker, LOCALSTACK_ENDPOINT: endpoint, ...env }, timeoutMs: 2000 });

describe('the prerequisites of npm run test:localstack', () => {
  it('says Docker is missing when no docker is on the PATH, and what to do', async () => {
    health = { services: allServices(), edition: 'community', version: '4.14.0' };
    const report = await check({ PATH: noDocker });
    expect(report.problems).toHaveLength(1);
    expect(report.problems[0]?.missing).toMatch(/^Docker is missing: no `docker` on the PATH/);
    expect(report.problems[0]?.fix).toMatch(/Install Docker/);
    expect(describeProblems(report.problems)).toMatch(/1 prerequisite is missing[\s\S]*What to do: Install Docker/);
  });

  it('says Docker is missing when its command is there but no engine answers, quoting the reason', async () => {
    health = { services: allServices(), edition: 'community' };
    const report = await check({ PATH: deadDocker });
    expect(report.problems.map((problem) => problem.missing)).toEqual([
      expect.stringMatching(/^Docker is missing: .* no Docker engine answers it \(Cannot connect to the Docker daemon/),
    ]);
  });

  it('passes a community LocalStack with every service, reading its edition and the engine’s architecture', async () => {
    health = { services: allServices('running'), edition: 'community', version: '4.14.0' };
    const report = await check({});
    expect(report.problems).toEqual([]);
    expect(report.facts).toEqual({ endpoint, edition: 'community', version: '4.14.0', architecture: 'arm64' });
  });

  it('wants the auth token where a pro image runs without an activated licence', async () => {
    health = { services: allServices(), edition: 'pro', version: '4.14.0' };
    info = { edition: 'pro', is_license_activated: false };
    const without = await check({});
    expect(without.problems).toEqual([
      {
        missing: expect.stringMatching(
          /pro edition 4\.14\.0\) has no activated licence: LOCALSTACK_AUTH_TOKEN is not set/,
        ),
        fix: expect.stringMatching(/export LOCALSTACK_AUTH_TOKEN and restart the container/),
      },
    ]);
    const withToken = await check({ LOCALSTACK_AUTH_TOKEN: 'ls-test' });
    expect(withToken.problems[0]?.missing).toMatch(/is set here, but the container was started without it/);

    info = { edition: 'pro', is_license_activated: true };
    const activated = await check({});
    expect(activated.problems).toEqual([]);
    expect(activated.facts.edition).toBe('pro');
  });

  it('names the services LocalStack does not run, OpenSearch only when the deploy keeps it', async () => {
    health = { services: { ...allServices(), stepfunctions: 'disabled', ses: 'error' }, edition: 'community' };
    const report = await check({});
    expect(report.problems.map((problem) => problem.missing)).toEqual([
      'LocalStack does not run stepfunctions (disabled), ses (error).',
    ]);
    health = { services: allServices(), edition: 'community' };
    expect((await check({})).problems).toEqual([]);
    const search = await check({ LOCALSTACK_OPENSEARCH: 'true' });
    expect(search.problems[0]?.missing).toBe('LocalStack does not run opensearch (absent).');
    expect(search.problems[0]?.fix).toMatch(/SERVICES=.*,opensearch\.$/);
  });

  it('says when nothing answers at the endpoint, and when what answers is not LocalStack', async () => {
    const closed = await check({ LOCALSTACK_ENDPOINT: 'http://127.0.0.1:9' });
    expect(closed.problems).toEqual([
      { missing: expect.stringMatching(/^No LocalStack answers at http:\/\/127\.0\.0\.1:9 /), fix: expect.any(String) },
    ]);
    health = { status: 'ok' };
    const other = await check({});
    expect(other.problems[0]?.missing).toMatch(/answers, but not as LocalStack does/);
  });

  it('finds LocalStack at LOCALSTACK_ENDPOINT, else AWS_ENDPOINT_URL, else its default host', () => {
    expect(endpointOf({ LOCALSTACK_ENDPOINT: 'http://ls:4566/', AWS_ENDPOINT_URL: 'http://other' })).toBe(
      'http://ls:4566',
    );
    expect(endpointOf({ AWS_ENDPOINT_URL: 'http://127.0.0.1:4566' })).toBe('http://127.0.0.1:4566');
    expect(endpointOf({})).toBe(DEFAULT_ENDPOINT);
  });
});
