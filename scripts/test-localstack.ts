/**
 * npm run test:localstack: deploys the app to a running LocalStack with cdklocal (the localstack target,
 * lib/spec/localstack.ts), verifies the mail sender, runs the end-to-end suite against the deployed API, and
 * destroys the stack, also when the tests fail. Its exit code is the tests'. Prerequisites are checked first.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { SESClient, VerifyEmailIdentityCommand } from '@aws-sdk/client-ses';
import { z } from 'zod';
import { stackPrefix } from '../lib/app-config';
import { DEFAULT_LOCALSTACK_OPTIONS } from '../lib/spec/localstack';
import { PUBLIC_ROUTE_FILES } from '../test/e2e/public-route-files';
import { checkPrerequisites, describeProblems, type Facts } from './localstack/prerequisites';

const ROOT = path.resolve(import.meta.dirname, '..');
const STAGE = 'dev';
const STACK = stackPrefix(STAGE);
const CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' };

const CdkJson = z.object({ context: z.object({ sesSender: z.string() }) });
const Outputs = z.record(z.string(), z.record(z.string(), z.string()));

/** Runs a command with the terminal as its output; resolves to its exit code. */
const sh = (command: string, args: string[], env: NodeJS.ProcessEnv): Promise<number> =>
  new Promise((resolve, reject) => {
    console.log(`\n$ ${[command, ...args].join(' ')}`);
    const child = spawn(command, args, { cwd: ROOT, env, stdio: 'inherit' });
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });

const must = async (what: string, code: Promise<number>) => {
  if ((await code) !== 0) throw new Error(`${what} failed`);
};

const main = async (): Promise<number> => {
  const report = await checkPrerequisites({ env: process.env });
  if (report.problems.length > 0) {
    console.error(describeProblems(report.problems));
    return 2;
  }
  const facts: Required<Pick<Facts, 'endpoint' | 'edition' | 'architecture'>> = {
    endpoint: report.facts.endpoint,
    edition: report.facts.edition ?? DEFAULT_LOCALSTACK_OPTIONS.edition,
    architecture: report.facts.architecture ?? DEFAULT_LOCALSTACK_OPTIONS.architecture,
  };
  const region = process.env.AWS_REGION || process.env.AWS_DEFAULT_REGION || 'us-east-1';
  const sender =
    process.env.SES_SENDER ||
    CdkJson.parse(JSON.parse(readFileSync(path.join(ROOT, 'cdk.json'), 'utf8'))).context.sesSender;
  console.log(
    `LocalStack ${report.facts.version ?? ''} (${facts.edition} edition) at ${facts.endpoint}, Docker on ${facts.architecture}, region ${region}`,
  );

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    AWS_ENDPOINT_URL: facts.endpoint,
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
    AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
  };
  delete env.AWS_PROFILE;
  delete env.AWS_SESSION_TOKEN;
  const context = [
    `stage=${STAGE}`,
    `sesSender=${sender}`,
    'target=localstack',
    // The suite signs in as the sample admin (admin@ecommerce.local), as on the sandbox.
    'demoUsers=true',
    `localstackEdition=${facts.edition}`,
    `localstackArchitecture=${facts.architecture}`,
    // A search domain is a whole OpenSearch in the container: only when asked for.
    `enableOpenSearch=${process.env.LOCALSTACK_OPENSEARCH === 'true'}`,
  ].flatMap((value) => ['-c', value]);
  const cdklocal = (...args: string[]) => sh('npx', ['cdklocal', ...args, ...context], env);
  const aws = { endpoint: facts.endpoint, region, credentials: CREDENTIALS };

  const bootstrapped = await new CloudFormationClient(aws)
    .send(new DescribeStacksCommand({ StackName: 'CDKToolkit' }))
    .then(
      () => true,
      () => false,
    );
  if (!bootstrapped) await must('cdklocal bootstrap', cdklocal('bootstrap'));

  const work = mkdtempSync(path.join(tmpdir(), 'shop-localstack-'));
  const outputsFile = path.join(work, 'outputs.json');
  try {
    await must(
      'cdklocal deploy',
      cdklocal('deploy', '--all', '--require-approval', 'never', '--outputs-file', outputsFile),
    );
    const outputs = Outputs.parse(JSON.parse(readFileSync(outputsFile, 'utf8')))[STACK];
    const apiUrl = outputs?.ApiUrl;
    if (!apiUrl) throw new Error(`${outputsFile} has no ApiUrl output of ${STACK}`);

    // Setup: the sender, verified through the API (the template has no identity: sender-verified-by-api).
    await new SESClient(aws).send(new VerifyEmailIdentityCommand({ EmailAddress: sender }));
    console.log(`Verified the SES sender ${sender}; the API is at ${apiUrl}`);

    // Without the authorizer (public-routes-only) only the files that call public routes alone can run.
    const files = facts.edition === 'community' ? PUBLIC_ROUTE_FILES.map((file) => path.join('test', 'e2e', file)) : [];
    if (files.length > 0) console.log(`The community edition has the public routes only: running ${files.join(', ')}`);
    return await sh('npx', ['vitest', 'run', '--project', 'e2e', ...files], {
      ...env,
      API_URL: apiUrl,
      STACK_OUTPUTS: outputsFile,
      E2E_TARGET: 'localstack',
    });
  } finally {
    const destroyed = await cdklocal('destroy', '--all', '--force').catch(() => 1);
    if (destroyed !== 0) console.error(`cdklocal destroy failed: ${STACK} may still be deployed in LocalStack.`);
    rmSync(work, { recursive: true, force: true });
  }
};

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`\nnpm run test:localstack: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
