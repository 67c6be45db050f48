import { mkdirSync, rmSync } from 'node:fs';
import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { ENV } from '../lib/spec/env';
import { bindingEnvironment } from '../lib/spec/environment';
import { eventRules } from '../lib/spec/event-rules';
import { authorizer, routes } from '../lib/spec/routes';
import { checkout, stateMachines } from '../lib/spec/state-machines';
import { type TableName, tables } from '../lib/spec/tables';
import { LocalApiGateway } from './apigateway';
import type { AwsService } from './aws-service';
import { checkJava, createTables, localTableName, startDynamo } from './dynamodb';
import { EventBridgeService } from './eventbridge/service';
import { FaultRegistry } from './faults';
import { checkHealth } from './health';
import { everyBinding, functionEnvironment, runtimeEnvironment, type SandboxEnvironment } from './lambda/environment';
import { LocalLambda } from './lambda/service';
import { sandboxCapabilities, sandboxOutputs, writeOutputs } from './outputs';
import { freePort } from './ports';
import { LocalSearchService } from './search/server';
import { LocalSecretsManager, signingKeySecret } from './secrets-manager';
import { CallCounter, createServer, isLoopback } from './server';
import { LocalSes } from './ses';
import { StepFunctionsService } from './stepfunctions/service';

export const ROOT_DIR = path.resolve(import.meta.dirname, '..');
const REGION = 'us-east-1';
const ACCOUNT_ID = '000000000000';
const BUS_NAME = 'shop-events';
export const MAIL_FROM = 'no-reply@shop.local';

export interface SandboxOptions {
  port: number;
  dataDir: string;
  /** Wipe DATA_DIR first. */
  reset?: boolean;
  /**
   * Take the client IP from X-Forwarded-For, as API Gateway does behind a proxy. Tests use it to
   * appear as many clients (per-IP rate limits); off by default so a local caller cannot choose its IP.
   */
  trustForwardedFor?: boolean;
  /** Runs every scheduled rule at this interval instead of its own rate (tests); unset, each rule's rate. */
  scheduleIntervalSeconds?: number;
  log?: (line: string) => void;
  /**
   * Also serve the shop on this interface (HOST): `0.0.0.0` for every one. Only the shop and its API are
   * served there; the AWS endpoint, /_aws/* and /mail answer loopback connections alone. Default: loopback.
   */
  host?: string;
  /** Instances per function at most: the invocations one function runs at once (default: twice the cores, 4 to 10). */
  functionConcurrency?: number;
  /** How long GET /health waits for each service before it answers 503 naming it slow (default 2 s). */
  healthTimeoutMs?: number;
}

export interface Sandbox {
  url: string;
  port: number;
  dataDir: string;
  seeded: { products: number; stock: number; users: number };
  /** The outputs file in DATA_DIR (as `cdk deploy --outputs-file` writes a stage's), also at GET /_aws/outputs. */
  outputsFile: string;
  stop(): Promise<void>;
}

/**
 * The sandbox's own start-up work (seeding, indexing) runs in this process, as a deploy's custom resources do in
 * AWS, with every binding; the functions never see this environment (each instance gets its own).
 */
const configureEnvironment = (sandbox: SandboxEnvironment) => {
  delete process.env.AWS_PROFILE;
  Object.assign(process.env, runtimeEnvironment(sandbox), bindingEnvironment(everyBinding, sandbox.targets));
};

const seed = async () => {
  // Imported after the environment is set: the stores read it.
  const [
    { seedCatalog },
    { dynamoCatalogStore },
    { inventoryStore },
    { sampleProducts },
    { seedDemoUsers },
    { usersStore },
  ] = await Promise.all([
    import('../functions/catalog/seed'),
    import('../functions/catalog/store'),
    import('../functions/inventory/store'),
    import('../lib/spec/sample-data'),
    import('../functions/users/seed'),
    import('../functions/users/store'),
  ]);
  const [catalog, stock, users] = await Promise.all([
    seedCatalog(dynamoCatalogStore()),
    Promise.all(sampleProducts.map((p) => inventoryStore().createStockIfAbsent(p.sku, p.stock))),
    seedDemoUsers({ users: usersStore() }),
  ]);
  return { products: catalog.created, stock: stock.filter(Boolean).length, users };
};

/** The search index lives in memory: filled from the catalog table on every start, as a deploy does in AWS. */
const indexCatalog = async () => {
  const [{ refillIndex }, { catalogSource }, { defaultSearchIndex }] = await Promise.all([
    import('../functions/search/service'),
    import('../functions/search/deps'),
    import('../functions/search/opensearch'),
  ]);
  return refillIndex(defaultSearchIndex(), catalogSource);
};

export const startSandbox = async (options: SandboxOptions): Promise<Sandbox> => {
  // Lambda runs Node 22; the SDK's notice about Node 20 is noise here.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const log = options.log ?? ((line: string) => console.log(line));
  const dataDir = path.resolve(options.dataDir);
  if (options.reset) rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });

  // DynamoDB Local boots in its own JVM while this process builds the other services.
  checkJava();
  const dynamoPort = await freePort();
  const starting = startDynamo(dataDir, dynamoPort);
  starting.catch(() => undefined); // awaited below; this only marks a failure as handled meanwhile
  const stoppers: (() => Promise<void>)[] = [
    () =>
      starting.then(
        (dynamo) => dynamo.stop(),
        () => undefined,
      ),
  ];
  const stopAll = async () => {
    for (const stop of stoppers.reverse()) await stop().catch((error: unknown) => console.error(error));
  };
  try {
    const secret = signingKeySecret(dataDir, REGION, ACCOUNT_ID);
    // Known once the server listens; no function runs before.
    let environment: SandboxEnvironment | undefined;
    const functionsDir = path.join(dataDir, 'functions');
    rmSync(functionsDir, { recursive: true, force: true });
    const calls = new CallCounter();
    const lambda = new LocalLambda({
      functions: [
        authorizer,
        ...routes,
        ...eventRules.map((rule) => rule.target),
        ...stateMachines.flatMap((machine) => Object.values(machine.tasks)),
      ],
      functionsDir: path.join(ROOT_DIR, 'functions'),
      workDir: functionsDir,
      region: REGION,
      accountId: ACCOUNT_ID,
      environment: (fn) => {
        if (!environment) throw new Error('The sandbox is not started yet');
        return functionEnvironment(fn, environment);
      },
      ...(options.functionConcurrency && { concurrency: options.functionConcurrency }),
      // The functions reach DynamoDB Local directly; their instances count those calls.
      countedHosts: [`127.0.0.1:${dynamoPort}`],
      onCalls: (counted) => calls.addAll(counted),
    });
    // Bundled while DynamoDB Local boots; awaited before the sandbox says it is ready.
    const bundled = lambda.build();
    bundled.catch(() => undefined);
    stoppers.push(() => lambda.stop());
    // Faults a test asks for (POST /_aws/faults): functions failing for some inputs, the bus refusing some events.
    const faults = new FaultRegistry(
      new Set(
        [
          authorizer,
          ...routes,
          ...eventRules.map((rule) => rule.target),
          ...stateMachines.flatMap((m) => Object.values(m.tasks)),
        ].map((fn) => fn.handler),
      ),
    );
    const invoke = faults.wrap(lambda.invoke);
    // Pending deliveries, dead letters, executions and mail are kept beside the tables: a restart goes on.
    const eventBridge = new EventBridgeService({
      busName: BUS_NAME,
      region: REGION,
      accountId: ACCOUNT_ID,
      invoke,
      refuse: (event) => {
        const fault = faults.refusesEvent(event);
        return fault && `The event bus refused the event (injected fault ${fault.id})`;
      },
      ...(options.scheduleIntervalSeconds && { scheduleIntervalMs: options.scheduleIntervalSeconds * 1000 }),
      dir: path.join(dataDir, 'eventbridge'),
    });
    const stepFunctions = new StepFunctionsService({
      region: REGION,
      accountId: ACCOUNT_ID,
      machines: stateMachines,
      rootDir: ROOT_DIR,
      invoke,
      dir: path.join(dataDir, 'stepfunctions'),
    });
    const ses = new LocalSes({ region: REGION, verifiedIdentities: [MAIL_FROM], dir: path.join(dataDir, 'ses') });
    const secretsManager = new LocalSecretsManager([secret]);
    const search = new LocalSearchService();
    const searchEndpoint = await search.start();
    stoppers.push(
      () => eventBridge.stop(),
      () => stepFunctions.stop(),
      () => search.stop(),
    );
    const services = new Map<string, AwsService>(
      [eventBridge, stepFunctions, ses, secretsManager].map((service) => [service.signingName, service]),
    );
    const apiGateway = new LocalApiGateway(routes, authorizer, invoke, { region: REGION, accountId: ACCOUNT_ID });
    const trustForwardedFor = options.trustForwardedFor ?? false;

    let ready = false;
    const health = async () => {
      if (!ready) return { healthy: false, body: { status: 'starting', services: {} } };
      const dynamo = await starting;
      return checkHealth(
        {
          dynamodb: (signal) => dynamo.client.send(new ListTablesCommand({}), { abortSignal: signal }).then(() => true),
          apigateway: () =>
            apiGateway
              .handle({
                method: 'GET',
                path: '/health',
                query: new URLSearchParams(),
                rawHeaders: [],
                body: Buffer.alloc(0),
                sourceIp: '127.0.0.1',
              })
              .then((reply) => reply.status === 200),
          ...Object.fromEntries([...services].map(([name, service]) => [name, () => service.healthy()])),
          search: (signal) => fetch(searchEndpoint, { signal }).then((reply) => reply.ok),
        },
        options.healthTimeoutMs,
      );
    };

    const dynamo = await starting;
    // Known once the server listens (their URLs have its port); empty until then.
    let outputs: unknown = {};
    const parts = {
      faults,
      apiGateway,
      services,
      dynamoEndpoint: dynamo.endpoint,
      dynamoPid: dynamo.process.pid,
      ses,
      eventBridge,
      workflowStats: () => stepFunctions.stats(),
      lambdaStats: () => lambda.stats(),
      health,
      webDir: path.join(ROOT_DIR, 'web', 'dist'),
      log,
      trustForwardedFor,
      outputs: () => outputs,
      capabilities: sandboxCapabilities({
        trustForwardedFor,
        fastSchedules: options.scheduleIntervalSeconds !== undefined,
      }),
    };
    const server = createServer(parts, calls);
    const listen = async (target: http.Server, port: number, host: string) => {
      await new Promise<void>((resolve, reject) => {
        target.once('error', reject);
        target.listen(port, host, resolve);
      });
      stoppers.push(
        () =>
          new Promise<void>((resolve) => {
            target.close(() => resolve());
            target.closeAllConnections();
          }),
      );
    };
    // The functions reach the AWS endpoint on loopback; a wildcard HOST includes it, another needs both.
    const host = options.host ?? '127.0.0.1';
    const wildcard = host === '0.0.0.0' || host === '::';
    await listen(server, options.port, wildcard ? host : '127.0.0.1');
    const port = (server.address() as AddressInfo).port;
    if (!wildcard && !isLoopback(host) && host !== 'localhost') await listen(createServer(parts, calls), port, host);
    const url = `http://127.0.0.1:${port}`;
    environment = {
      region: REGION,
      endpoint: url,
      dynamodbEndpoint: dynamo.endpoint,
      settings: process.env,
      targets: {
        tables: Object.fromEntries(
          Object.keys(tables).map((name) => [name, localTableName(name as TableName)]),
        ) as Record<TableName, string>,
        eventBusName: BUS_NAME,
        checkoutStateMachineArn: stepFunctions.environment()[checkout.envVar],
        mailFrom: MAIL_FROM,
        adminEmail: process.env[ENV.adminEmail] ?? 'admin@ecommerce.local',
        signingKeySecretArn: secret.arn,
        searchEndpoint,
      },
    };
    configureEnvironment(environment);
    outputs = sandboxOutputs(
      url,
      environment.targets,
      Object.fromEntries(
        stateMachines.map((machine) => [machine.name, stepFunctions.environment()[machine.envVar] as string]),
      ),
    );
    const outputsFile = writeOutputs(dataDir, outputs);

    await bundled;
    await createTables(dynamo.client);
    const seeded = await seed();
    await indexCatalog();
    calls.reset();
    ready = true;
    // Scheduled targets read the tables and the environment: only now can they run.
    eventBridge.startSchedules();
    // What was under way when the sandbox last stopped or died goes on, now that the functions can run.
    stepFunctions.resume();
    eventBridge.resumeDeliveries();
    return { url, port, dataDir, seeded, outputsFile, stop: stopAll };
  } catch (error) {
    await stopAll();
    throw error;
  }
};
