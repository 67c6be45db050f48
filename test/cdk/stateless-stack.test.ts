import { readFileSync } from 'node:fs';
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { EVENT_TARGET_MAX_EVENT_AGE, EVENT_TARGET_RETRY_ATTEMPTS } from '../../lib/constructs/bounded-context';
import { functionIdOf } from '../../lib/constructs/naming';
import { placeholdersOf } from '../../lib/constructs/workflow';
import { eventRules, isScheduled } from '../../lib/spec/event-rules';
import { authorizer, routes } from '../../lib/spec/routes';
import { stateMachines } from '../../lib/spec/state-machines';
import { tables } from '../../lib/spec/tables';
import { syntheticRoutes, testRoutes } from './fixtures';
import {
  actionsOf,
  allTemplates,
  autoDeleteProviderOf,
  isServiceFunction,
  type Json,
  ofType,
  policyStatementsOfFunction,
  resourceCount,
  resourcesOf,
  routesOf,
  statementsOf,
  synth,
} from './support';

const real = synth();
const withAuth = synth({ routes: testRoutes });

/** CloudFormation's view of a function: its description names the handler it was built from. */
const handlerOf = (fn: Json): string => String(fn.Properties.Description).split(': ')[1] ?? '';

describe('REST API from the route table', () => {
  it.each([
    ['the real table', real, routes],
    ['a table with admin and customer routes', withAuth, testRoutes],
  ] as const)('gives every route of %s a method on its path, integrated with its own function', (_, s, table) => {
    const views = routesOf(s);
    expect(views).toHaveLength(table.length);
    for (const route of table) {
      const view = views.find((v) => v.method === route.method && v.path === route.path);
      expect(view, `${route.method} ${route.path}`).toBeDefined();
      expect(handlerOf(view?.function)).toBe(route.handler);
      expect(view?.context).toBe(route.handler.split('/')[0]);
    }
    expect(new Set(views.map((v) => v.functionKey)).size).toBe(table.length);
  });

  it('puts each context in its own nested stack, holding its functions and methods', () => {
    const handlers = [
      ...testRoutes.map((r) => r.handler),
      ...eventRules.map((r) => r.target.handler),
      ...stateMachines.flatMap((m) => Object.values(m.tasks).map((t) => t.handler)),
    ].filter((handler) => handler !== authorizer.handler);
    const contexts = [...new Set(handlers.map((handler) => handler.split('/')[0]))].sort();
    expect([...withAuth.contextTemplates.keys()].sort()).toEqual(contexts);
    // The API stack holds only the 405 answers (one ANY mock per route path), no route method.
    const paths = new Set(testRoutes.map((r) => r.path));
    const methods = ofType(withAuth.apiTemplate, 'AWS::ApiGateway::Method');
    expect(methods).toHaveLength(paths.size);
    for (const [, method] of methods) expect(method.Properties.HttpMethod).toBe('ANY');
    withAuth.apiTemplate.resourceCountIs('AWS::CloudFormation::Stack', contexts.length);
  });

  it('answers a known path with a method it lacks with 405, Allow and the error shape', () => {
    const methods = ofType(withAuth.apiTemplate, 'AWS::ApiGateway::Method');
    for (const [, method] of methods) {
      expect(method.Properties.Integration.Type).toBe('MOCK');
      const [response] = method.Properties.Integration.IntegrationResponses;
      expect(response.StatusCode).toBe('405');
      expect(response.ResponseParameters['method.response.header.Allow']).toMatch(/^'(GET|POST|PUT|PATCH|DELETE)/);
      expect(JSON.parse(response.ResponseTemplates['application/json']).error.code).toBe('METHOD_NOT_ALLOWED');
      expect(response.ResponseParameters['method.response.header.X-Content-Type-Options']).toBe("'nosniff'");
    }
  });

  it('uses the Lambda proxy integration and one invoke permission per method (no test-invoke permission)', () => {
    for (const [, template] of withAuth.contextTemplates) {
      const methods = ofType(template, 'AWS::ApiGateway::Method');
      for (const [, method] of methods) {
        expect(method.Properties.Integration).toMatchObject({ Type: 'AWS_PROXY', IntegrationHttpMethod: 'POST' });
      }
      const apiPermissions = ofType(template, 'AWS::Lambda::Permission').filter(
        ([, p]) => p.Properties.Principal === 'apigateway.amazonaws.com',
      );
      expect(apiPermissions).toHaveLength(methods.length);
      for (const [, permission] of apiPermissions) {
        expect(JSON.stringify(permission.Properties.SourceArn)).not.toContain('test-invoke-stage');
      }
    }
  });

  it('protects admin and customer routes with the REQUEST authorizer, and leaves public ones open', () => {
    const [authorizerId] = ofType(withAuth.apiTemplate, 'AWS::ApiGateway::Authorizer').map(([id]) => id);
    for (const view of routesOf(withAuth)) {
      const route = testRoutes.find((r) => r.method === view.method && r.path === view.path);
      if (route?.auth === 'public') {
        expect(view.authorizationType, `${view.method} ${view.path}`).toBe('NONE');
        expect(view.authorizer).toBeUndefined();
      } else {
        expect(view.authorizationType, `${view.method} ${view.path}`).toBe('CUSTOM');
        expect(view.authorizer).toBe(authorizerId);
      }
    }
  });

  it('has no authorizer while every route is public (an unattached one would not synthesize)', () => {
    const publicOnly = synth({ routes: routes.filter((route) => route.auth === 'public') });
    publicOnly.apiTemplate.resourceCountIs('AWS::ApiGateway::Authorizer', 0);
    const authorizers = ofType(publicOnly.apiTemplate, 'AWS::Lambda::Function').filter(([, fn]) =>
      String(fn.Properties.Description).endsWith('users/handlers/http/authorizer'),
    );
    expect(authorizers).toHaveLength(0);
    expect(routesOf(publicOnly).every((view) => view.authorizationType === 'NONE')).toBe(true);
  });

  it('declares no identity source and no caching, so a cookie-only or bearer-only request reaches the authorizer', () => {
    withAuth.apiTemplate.resourceCountIs('AWS::ApiGateway::Authorizer', 1);
    withAuth.apiTemplate.hasResourceProperties('AWS::ApiGateway::Authorizer', {
      Type: 'REQUEST',
      AuthorizerResultTtlInSeconds: 0,
      IdentitySource: Match.absent(),
    });
  });

  it('builds the authorizer function from the authorizer spec, with its bindings', () => {
    const [, fn] = ofType(withAuth.apiTemplate, 'AWS::Lambda::Function')[0] ?? [];
    expect(handlerOf(fn)).toBe(authorizer.handler);
    expect(Object.keys(fn.Properties.Environment.Variables)).toContain('SIGNING_KEY_SECRET_ARN');
  });

  it('deploys a regional API with a stage, access logs, tracing and throttling', () => {
    withAuth.apiTemplate.hasResourceProperties('AWS::ApiGateway::RestApi', {
      EndpointConfiguration: { Types: ['REGIONAL'] },
    });
    withAuth.apiTemplate.hasResourceProperties('AWS::ApiGateway::Stage', {
      StageName: 'dev',
      TracingEnabled: true,
      AccessLogSetting: Match.objectLike({ DestinationArn: Match.anyValue() }),
      MethodSettings: Match.arrayWith([
        Match.objectLike({ ResourcePath: '/*', HttpMethod: '*', ThrottlingRateLimit: 100, ThrottlingBurstLimit: 200 }),
        Match.objectLike({ ResourcePath: '/~1api~1v1~1cart~1{userId}', HttpMethod: 'GET', ThrottlingRateLimit: 50 }),
        Match.objectLike({ ResourcePath: '/~1api~1v1~1orders', HttpMethod: 'POST', ThrottlingRateLimit: 20 }),
      ]),
    });
  });

  it('deploys only after every context stack (its methods) exists, with no cycle back to the stage', () => {
    const [, deployment] = ofType(real.apiTemplate, 'AWS::ApiGateway::Deployment')[0] ?? [];
    const nested = ofType(real.apiTemplate, 'AWS::CloudFormation::Stack');
    // A context with only event consumers (notifications) has no method for the deployment to wait for.
    const withMethods = [...real.api.contexts.values()]
      .filter((context) => routes.some((route) => route.handler.startsWith(`${context.context}/`)))
      .map((context) => real.api.resolve(context.nestedStackResource?.logicalId));
    expect(withMethods.length).toBeGreaterThan(0);
    expect(nested.map(([logicalId]) => logicalId)).toEqual(expect.arrayContaining(withMethods));
    for (const logicalId of withMethods) expect(deployment.DependsOn).toContain(logicalId);
    for (const [, stack] of nested) {
      const references = JSON.stringify(stack.Properties.Parameters ?? {});
      for (const [id] of [
        ...ofType(real.apiTemplate, 'AWS::ApiGateway::Stage'),
        ...ofType(real.apiTemplate, 'AWS::ApiGateway::Deployment'),
      ]) {
        expect(references).not.toContain(id);
      }
    }
  });

  it('gives a context that starts the checkout and hosts one of its steps the machine ARN without a reference (no cycle)', () => {
    const catalog = withAuth.api.contexts.get('orders');
    expect(catalog?.functions.map((fn) => fn.spec.handler)).toEqual(
      expect.arrayContaining(['orders/handlers/http/create-order', 'orders/handlers/saga/confirm-order']),
    );
    const [nestedId, nested] =
      ofType(withAuth.apiTemplate, 'AWS::CloudFormation::Stack').find(
        ([id]) => id === withAuth.api.getLogicalId(catalog?.nestedStackResource as never),
      ) ?? [];
    const [machineId, machine] = ofType(withAuth.apiTemplate, 'AWS::StepFunctions::StateMachine')[0] ?? [];
    expect(JSON.stringify(machine.Properties.DefinitionSubstitutions)).toContain(nestedId);
    expect(JSON.stringify(nested.Properties.Parameters)).not.toContain(machineId);
  });

  it('changes the deployment when the route table changes', () => {
    const deploymentId = (s: ReturnType<typeof synth>) =>
      ofType(s.apiTemplate, 'AWS::ApiGateway::Deployment').map(([id]) => id)[0];
    expect(deploymentId(real)).not.toBe(deploymentId(withAuth));
    expect(deploymentId(real)).toBe(deploymentId(synth()));
  });

  it.each([
    ['UNAUTHORIZED', '401', 'UNAUTHORIZED'],
    ['ACCESS_DENIED', '403', 'FORBIDDEN'],
    ['THROTTLED', '429', 'THROTTLED'],
    ['MISSING_AUTHENTICATION_TOKEN', '404', 'NOT_FOUND'],
    ['DEFAULT_5XX', undefined, 'INTERNAL_ERROR'],
  ])('answers %s in the platform error shape, with security headers', (type, status, code) => {
    const [, response] =
      ofType(real.apiTemplate, 'AWS::ApiGateway::GatewayResponse').find(
        ([, r]) => r.Properties.ResponseType === type,
      ) ?? [];
    expect(response, type).toBeDefined();
    expect(response.Properties.StatusCode).toBe(status);
    const body = response.Properties.ResponseTemplates['application/json'];
    if (!body.includes('$context'))
      expect(JSON.parse(body)).toEqual({ error: { code, message: expect.any(String), details: [] } });
    expect(body).toContain(`"code":"${code}"`);
    expect(response.Properties.ResponseParameters).toMatchObject({
      'gatewayresponse.header.X-Content-Type-Options': "'nosniff'",
      'gatewayresponse.header.Strict-Transport-Security': expect.stringMatching(/^'max-age=\d+/),
    });
  });

  it('keeps a valid JSON body when the message comes from API Gateway', () => {
    const [, response] =
      ofType(real.apiTemplate, 'AWS::ApiGateway::GatewayResponse').find(
        ([, r]) => r.Properties.ResponseType === 'DEFAULT_4XX',
      ) ?? [];
    const body: string = response.Properties.ResponseTemplates['application/json'];
    // $context.error.messageString is a quoted JSON string: substitute one as API Gateway would.
    expect(JSON.parse(body.replace('$context.error.messageString', JSON.stringify('Invalid request')))).toEqual({
      error: { code: 'BAD_REQUEST', message: 'Invalid request', details: [] },
    });
  });

  it('answers CORS preflights and tells the functions the allowed origins only when corsOrigins is set', () => {
    const origin = 'https://shop.example.com';
    const cors = synth({ corsOrigins: [origin] });
    const optionsMethods = ofType(cors.apiTemplate, 'AWS::ApiGateway::Method').filter(
      ([, m]) => m.Properties.HttpMethod === 'OPTIONS',
    );
    expect(optionsMethods.length).toBeGreaterThan(0);
    for (const view of routesOf(cors)) {
      expect(view.function.Properties.Environment.Variables.CORS_ORIGINS).toBe(origin);
    }
    cors.apiTemplate.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
      ResponseType: 'UNAUTHORIZED',
      ResponseParameters: Match.objectLike({ 'gatewayresponse.header.Access-Control-Allow-Origin': `'${origin}'` }),
    });
    expect(
      ofType(real.apiTemplate, 'AWS::ApiGateway::Method').filter(([, m]) => m.Properties.HttpMethod === 'OPTIONS'),
    ).toHaveLength(0);
    for (const view of routesOf(real))
      expect(view.function.Properties.Environment.Variables.CORS_ORIGINS).toBeUndefined();
  });
});

describe('functions', () => {
  const functions = allTemplates(withAuth).flatMap(([, template]) =>
    ofType(template, 'AWS::Lambda::Function').filter(([, fn]) => isServiceFunction(fn)),
  );

  it('run Node.js 22 on ARM64 with tracing, source maps and the service name', () => {
    expect(functions.length).toBeGreaterThan(testRoutes.length);
    for (const [, fn] of functions) {
      expect(fn.Properties).toMatchObject({
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        TracingConfig: { Mode: 'Active' },
      });
      const env = fn.Properties.Environment.Variables;
      // Stack traces are mapped by the bundle itself when first formatted, not by Node at every start.
      expect(env.NODE_OPTIONS).toBeUndefined();
      expect(env.POWERTOOLS_SERVICE_NAME).toBe(handlerOf(fn).split('/')[0]);
    }
  });

  it('take memory and timeout from the spec, 512 MB and 10 s by default', () => {
    const orders = routesOf(withAuth).find((v) => v.path === '/api/v1/fixture/orders');
    expect(orders?.function.Properties).toMatchObject({ MemorySize: 1024, Timeout: 20 });
    const health = routesOf(withAuth).find((v) => v.path === '/health');
    expect(health?.function.Properties).toMatchObject({ MemorySize: 512, Timeout: 10 });
  });

  it('log to a dedicated log group with retention (no logRetention custom resource)', () => {
    for (const [, template] of allTemplates(withAuth)) {
      const resources = resourcesOf(template);
      expect(ofType(template, 'Custom::LogRetention')).toHaveLength(0);
      const autoDelete = autoDeleteProviderOf(template).handler;
      for (const [, fn] of ofType(template, 'AWS::Lambda::Function').filter(([id]) => id !== autoDelete)) {
        const logGroup = resources[fn.Properties.LoggingConfig.LogGroup.Ref];
        expect(logGroup.Type).toBe('AWS::Logs::LogGroup');
        expect(logGroup.Properties.RetentionInDays).toBe(7);
      }
    }
  });

  it('get an environment variable and a matching grant for each binding, and nothing more', () => {
    const template = withAuth.contextTemplates.get('catalog');
    const orders = routesOf(withAuth).find((v) => v.path === '/api/v1/fixture/orders' && v.method === 'POST');
    if (!template || !orders) throw new Error('fixture missing');
    const fnLogicalId = orders.functionKey.split('/')[1] as string;
    const env = orders.function.Properties.Environment.Variables;
    for (const name of ['ORDERS_TABLE', 'CATALOG_TABLE', 'EVENT_BUS_NAME', 'CHECKOUT_STATE_MACHINE_ARN']) {
      expect(env[name], name).toBeDefined();
    }
    expect(env.MAIL_FROM).toBe('no-reply@example.com');
    expect(env.SIGNING_KEY_SECRET_ARN).toBeDefined();
    expect(env.USERS_TABLE).toBeUndefined();

    const statements = policyStatementsOfFunction(template, fnLogicalId);
    const statementWith = (action: string) => statements.filter((s) => actionsOf(s).includes(action));
    const resourcesText = (action: string) => JSON.stringify(statementWith(action).map((s) => s.Resource));
    expect(resourcesText('dynamodb:PutItem')).toContain('OrdersTable');
    expect(resourcesText('dynamodb:PutItem')).not.toContain('CatalogTable');
    expect(resourcesText('dynamodb:Query')).toContain('CatalogTable');
    expect(resourcesText('events:PutEvents')).toContain('Bus');
    expect(resourcesText('states:StartExecution')).toContain(':stateMachine:Shop-dev-Checkout');
    // Nothing reads an execution back: no DescribeExecution.
    expect(statementWith('states:DescribeExecution')).toEqual([]);
    expect(statementWith('ses:SendEmail')[0]).toMatchObject({
      Condition: { StringEquals: { 'ses:FromAddress': 'no-reply@example.com' } },
    });
    expect(resourcesText('secretsmanager:GetSecretValue')).toContain('SigningKey');

    const health = routesOf(withAuth).find((v) => v.path === '/health');
    const healthStatements = policyStatementsOfFunction(
      withAuth.contextTemplates.get('platform') as never,
      health?.functionKey.split('/')[1] as string,
    );
    const healthActions = healthStatements.flatMap(actionsOf);
    expect(healthActions).toContain('dynamodb:GetItem');
    const beyondReading = healthActions.filter((a) =>
      /^(dynamodb:(Put|Update|Delete|BatchWrite)|events|states|ses|secretsmanager):/.test(a),
    );
    expect(beyondReading).toEqual([]);
    expect(Object.keys(health?.function.Properties.Environment.Variables)).toContain(tables.platform.envVar);
  });
  it('are named after the handler module, not its trigger folder, so grouping handlers by trigger replaced none', () => {
    // The logical ids these functions had while their modules sat directly in inventory/handlers/.
    const inventory = ofType(real.contextTemplates.get('inventory') as never, 'AWS::Lambda::Function');
    const idOf = (handler: string) => inventory.find(([, fn]) => handlerOf(fn) === handler)?.[0];
    expect(idOf('inventory/handlers/http/reserve')).toBe('Reserve3206C117');
    expect(idOf('inventory/handlers/saga/reserve-stock')).toBe('ReserveStock6192D533');
    expect(idOf('inventory/handlers/events/restock-on-cancel')).toBe('RestockOnCancel249A3CED');
    expect(functionIdOf('search/handlers/deploy/setup-index')).toBe('SetupIndex');
  });

  it('refuse a handler that is not in a trigger folder', () => {
    expect(() => functionIdOf('inventory/handlers/reserve')).toThrow(
      /<context>\/handlers\/<http\|saga\|events\|deploy>/,
    );
    expect(() => functionIdOf('inventory/handlers/cron/reserve')).toThrow();
  });
});

describe('event rules', () => {
  it.each(eventRules.map((rule) => [rule.name, rule] as const))(
    'deliver %s to its own function (pattern rules from the custom bus, schedules from the default bus), with retries and a dead-letter queue',
    (_, spec) => {
      const template = real.contextTemplates.get(spec.target.handler.split('/')[0] as string);
      if (!template) throw new Error('context stack missing');
      const rules = ofType(template, 'AWS::Events::Rule').filter(
        ([, r]) => r.Properties.Description === spec.description,
      );
      expect(rules).toHaveLength(1);
      const [, rule] = rules[0] ?? [];
      if (isScheduled(spec)) {
        expect(rule.Properties.ScheduleExpression).toBe(spec.schedule);
        expect(rule.Properties.EventPattern).toBeUndefined();
        // No EventBusName: the default bus, the only one EventBridge runs schedules on.
        expect(rule.Properties.EventBusName).toBeUndefined();
      } else {
        expect(rule.Properties.EventPattern).toEqual(spec.pattern);
        expect(rule.Properties.ScheduleExpression).toBeUndefined();
        expect(JSON.stringify(rule.Properties.EventBusName)).toContain('Bus');
      }
      const [target] = rule.Properties.Targets;
      expect(target.RetryPolicy).toEqual({
        MaximumRetryAttempts: EVENT_TARGET_RETRY_ATTEMPTS,
        MaximumEventAgeInSeconds: EVENT_TARGET_MAX_EVENT_AGE.toSeconds(),
      });
      const queueId = target.DeadLetterConfig.Arn['Fn::GetAtt'][0];
      expect(resourcesOf(template)[queueId].Type).toBe('AWS::SQS::Queue');
      const fn = resourcesOf(template)[target.Arn['Fn::GetAtt'][0]];
      expect(handlerOf(fn)).toBe(spec.target.handler);
      const bound = Object.keys(spec.target.bindings.tables ?? {}).map(
        (name) => tables[name as keyof typeof tables].envVar,
      );
      expect(Object.keys(fn.Properties.Environment.Variables)).toEqual(expect.arrayContaining(bound));
    },
  );
});

describe('state machines', () => {
  it.each(stateMachines.map((spec) => [spec.name, spec] as const))(
    '%s: a Standard machine from its ASL file, each placeholder substituted with its function ARN',
    (_, spec) => {
      const machines = ofType(real.apiTemplate, 'AWS::StepFunctions::StateMachine');
      expect(machines).toHaveLength(stateMachines.length);
      const [, machine] = machines.find(([, m]) => m.Properties.StateMachineName === `Shop-dev-${spec.name}`) ?? [];
      expect(machine.Properties).toMatchObject({
        StateMachineType: 'STANDARD',
        TracingConfiguration: { Enabled: true },
        LoggingConfiguration: { Level: 'ALL', IncludeExecutionData: false },
      });
      expect(machine.Properties.DefinitionS3Location).toBeDefined();

      // Apply the substitutions as CloudFormation will, on the very file CDK uploads.
      const substitutions: Record<string, Json> = machine.Properties.DefinitionSubstitutions;
      let definition = readFileSync(spec.file, 'utf8');
      expect(placeholdersOf(definition).sort()).toEqual(Object.keys(spec.tasks).sort());
      for (const [name, value] of Object.entries(substitutions)) {
        definition = definition.replaceAll(`\${${name}}`, `<${JSON.stringify(value)}>`);
      }
      expect(definition).not.toContain('${');

      for (const [placeholder, task] of Object.entries(spec.tasks)) {
        const [nestedId, output] = substitutions[placeholder]['Fn::GetAtt'];
        const context = [...real.api.contexts.entries()].find(
          ([, c]) => real.api.getLogicalId(c.nestedStackResource as never) === nestedId,
        );
        const template = context && real.contextTemplates.get(context[0]);
        if (!template) throw new Error(`${placeholder} does not point into a context stack`);
        const outputValue = template.toJSON().Outputs[String(output).replace('Outputs.', '')].Value;
        const fn = resourcesOf(template)[outputValue['Fn::GetAtt'][0]];
        expect(fn.Type).toBe('AWS::Lambda::Function');
        expect(handlerOf(fn)).toBe(task.handler);
      }

      const roleId = machine.Properties.RoleArn['Fn::GetAtt'][0];
      const invoke = ofType(real.apiTemplate, 'AWS::IAM::Policy')
        .filter(([, p]) => p.Properties.Roles.some((r: Json) => r.Ref === roleId))
        .flatMap(([, p]) => p.Properties.PolicyDocument.Statement)
        .filter((s: Json) => actionsOf(s).includes('lambda:InvokeFunction'));
      expect(JSON.stringify(invoke)).toContain(JSON.stringify(Object.values(substitutions)[0]));
    },
  );
});

describe('state machine names', () => {
  it('are literals built from the stage, Shop-<stage>-<Name>, known before deploy (a nested stack name is not)', () => {
    for (const [s, stage] of [
      [real, 'dev'],
      [synth({ stage: 'prod' }), 'prod'],
    ] as const) {
      const names = ofType(s.apiTemplate, 'AWS::StepFunctions::StateMachine').map(
        ([, m]) => m.Properties.StateMachineName,
      );
      expect(names.sort()).toEqual(stateMachines.map((spec) => `Shop-${stage}-${spec.name}`).sort());
    }
  });
});

describe('least privilege', () => {
  it.each([
    ['the real tables', real],
    ['the test route table', withAuth],
    ['OpenSearch enabled', synth({ enableOpenSearch: true, stage: 'prod' })],
  ] as const)('no policy statement in any stack allows a wildcard action (%s)', (_, s) => {
    const offenders = allTemplates(s).flatMap(([stack, template]) => {
      const autoDeleteRole = autoDeleteProviderOf(template).role;
      return (
        statementsOf(template)
          // A Deny takes away: the web bucket's "no plain HTTP" statement denies s3:*.
          .filter(({ statement }) => statement.Effect !== 'Deny')
          // CDK's grant to its auto-delete function (dev web bucket), in the bucket policy.
          .filter(
            ({ statement }) => !autoDeleteRole || statement.Principal?.AWS?.['Fn::GetAtt']?.[0] !== autoDeleteRole,
          )
          .filter(
            ({ statement }) => statement.NotAction !== undefined || actionsOf(statement).some((a) => a.includes('*')),
          )
          .map(({ where, statement }) => `${stack} ${where}: ${JSON.stringify(actionsOf(statement))}`)
      );
    });
    expect(offenders).toEqual([]);
    expect(allTemplates(s).flatMap(([, t]) => statementsOf(t)).length).toBeGreaterThan(5);
  });
});

describe('CloudFormation resource limit (500 per stack, nested ones each counted on their own)', () => {
  const LIMIT = 400;

  it('keeps every stack well under the limit, the root to its three nested stacks', () => {
    for (const [stack, template] of allTemplates(withAuth)) {
      expect(resourceCount(template), stack).toBeLessThan(LIMIT);
    }
    // Three nested stacks (and, under the CLI, the CDK metadata resource).
    expect(resourceCount(withAuth.rootTemplate)).toBeLessThanOrEqual(4);
    withAuth.rootTemplate.resourceCountIs('AWS::CloudFormation::Stack', 3);
  });

  it('costs a fixed, small number of resources per route, so a 60-route table still fits, even in one context', () => {
    // Synthetic routes fill the catalog context up to 50 and 60 routes, whatever its own routes number.
    const own = routes.filter((route) => route.handler.startsWith('catalog/')).length;
    const small = synth({
      routes: [...routes, ...syntheticRoutes(50 - own)],
      corsOrigins: ['https://shop.example.com'],
    });
    const large = synth({
      routes: [...routes, ...syntheticRoutes(60 - own)],
      corsOrigins: ['https://shop.example.com'],
    });
    expect(large.api.contexts.get('catalog')?.functions.length).toBeGreaterThanOrEqual(60);
    const count = (s: ReturnType<typeof synth>, stack: 'api' | 'catalog') =>
      resourceCount(stack === 'api' ? s.apiTemplate : (s.contextTemplates.get('catalog') as never));
    // In the context stack: function, role, policy, log group, method, invoke permission.
    expect((count(large, 'catalog') - count(small, 'catalog')) / 10).toBe(6);
    // In the API stack: the path's resource, its CORS preflight method and its 405 answer; and for every ten
    // functions of a context, its Lambda errors and throttles alarms (lib/constructs/monitoring.ts).
    const lambdaAlarms = (s: ReturnType<typeof synth>) =>
      s.api.monitoring.alarms.filter((alarm) => /^Lambda(Errors|Throttles)-/.test(alarm.node.id)).length;
    const alarmsAdded = lambdaAlarms(large) - lambdaAlarms(small);
    expect(alarmsAdded).toBeLessThanOrEqual(2);
    expect((count(large, 'api') - count(small, 'api') - alarmsAdded) / 10).toBeLessThanOrEqual(3);
    for (const [stack, template] of allTemplates(large)) {
      expect(resourceCount(template), stack).toBeLessThan(LIMIT);
    }
    // Routes never reach the root, the Data or the Web stack.
    expect(resourceCount(large.rootTemplate)).toBe(resourceCount(small.rootTemplate));
    expect(resourceCount(large.dataTemplate)).toBe(resourceCount(small.dataTemplate));
    expect(resourceCount(large.webTemplate)).toBe(resourceCount(small.webTemplate));
  });
});
