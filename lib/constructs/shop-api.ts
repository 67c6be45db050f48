import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import type { Stage } from '../app-config';
import { type GatewayError, gatewayErrors, gatewaySecurityHeaders } from '../spec/gateway-responses';
import { pascalCase } from '../spec/naming';
import type { RateLimitClass, Route } from '../spec/routes';
import { Firewall } from './firewall';

export interface Throttle {
  rateLimit: number;
  burstLimit: number;
}

/** Coarse per-stage guard; the per-IP limits themselves are enforced by the handlers (rate-limit middleware). */
export const STAGE_THROTTLE: Throttle = { rateLimit: 100, burstLimit: 200 };

/** Lower ceilings for the methods of a rate-limited class (per stage, all callers together). */
export const CLASS_THROTTLE: Record<RateLimitClass, Throttle> = {
  cart: { rateLimit: 50, burstLimit: 100 },
  orders: { rateLimit: 20, burstLimit: 40 },
  payments: { rateLimit: 10, burstLimit: 20 },
  auth: { rateLimit: 10, burstLimit: 20 },
};

/** Headers a browser client may send cross-origin. */
export const CORS_ALLOW_HEADERS = ['Content-Type', 'Authorization', 'Idempotency-Key', 'X-Correlation-Id'];

export interface ShopApiProps {
  stage: Stage;
  corsOrigins: string[];
  /** The REQUEST authorizer's function; required as soon as one route is not public. */
  authorizerFunction?: lambda.IFunction;
}

const quoted = (value: string) => `'${value}'`;

/**
 * The REST API: resources, authorizer, gateway errors, and (once every context has added its methods)
 * the deployment and stage. Methods are created in the scope of their context, so each context's
 * methods and permissions sit in that context's stack; the API itself is created with `deploy: false`
 * and deployed by `deploy()` after all methods exist.
 */
export class ShopApi extends Construct {
  readonly restApi: apigw.RestApi;
  /** The stage's WAF web ACL (created by deploy()). */
  firewall?: Firewall;
  readonly accessLogs: logs.LogGroup;
  readonly authorizer?: apigw.RequestAuthorizer;
  private readonly stageName: Stage;
  private readonly corsOrigins: string[];
  private readonly routes: Route[] = [];
  private stage?: apigw.Stage;

  constructor(scope: Construct, id: string, props: ShopApiProps) {
    super(scope, id);
    this.stageName = props.stage;
    this.corsOrigins = props.corsOrigins;

    this.restApi = new apigw.RestApi(this, 'RestApi', {
      restApiName: `Shop-${props.stage}`,
      description: `Shop ${props.stage} API`,
      endpointConfiguration: { types: [apigw.EndpointType.REGIONAL] },
      deploy: false,
      // Stage access logs need the account's API Gateway CloudWatch role; create it so a first deploy
      // works on a fresh account, and keep it when the stack goes (other APIs of the account use it).
      cloudWatchRole: true,
      cloudWatchRoleRemovalPolicy: RemovalPolicy.RETAIN,
      defaultCorsPreflightOptions:
        props.corsOrigins.length > 0
          ? {
              allowOrigins: props.corsOrigins,
              allowMethods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
              allowHeaders: CORS_ALLOW_HEADERS,
              allowCredentials: true,
              maxAge: Duration.hours(1),
            }
          : undefined,
    });

    for (const error of gatewayErrors) this.addGatewayError(error);
    Validations.of(this.restApi.node.defaultChild as Construct).acknowledge({
      id: 'AwsSolutions-APIG2',
      reason:
        "Every handler validates its request with the API's zod schemas (functions/shared/api.ts) and answers 400 in the error shape; a gateway model would duplicate them with a different answer.",
    });
    const cloudWatchRole = this.restApi.node.tryFindChild('CloudWatchRole');
    if (cloudWatchRole) {
      Validations.of(cloudWatchRole).acknowledge({
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
        reason:
          "The account's API Gateway logging role: API Gateway writes every API's logs with it, AWS maintains this policy for exactly that.",
      });
    }

    if (props.authorizerFunction) {
      // One REQUEST authorizer for every non-public route; it reads the token from the Authorization
      // header or from the session cookie, whichever the request carries.
      //
      // Identity sources: API Gateway checks that *every* declared identity source is present and
      // non-empty before it calls the authorizer, and otherwise answers 401 itself. Declaring both
      // `Cookie` and `Authorization` would therefore demand both headers, and declaring either one
      // would reject a request that carries only the other. With caching disabled the identity source
      // is optional (API Gateway reference, Authorizer.identitySource), so none is declared and every
      // request reaches the function, which rejects a request carrying neither. CDK accepts an empty
      // list only when resultsCacheTtl is exactly 0 (it throws otherwise), and would still write an
      // empty IdentitySource, so the property is removed from the template.
      // Turning caching on later means declaring identity sources (the cache key), hence one header.
      this.authorizer = new apigw.RequestAuthorizer(this, 'Authorizer', {
        handler: props.authorizerFunction,
        identitySources: [],
        resultsCacheTtl: Duration.seconds(0),
      });
      (this.authorizer.node.defaultChild as apigw.CfnAuthorizer).addPropertyDeletionOverride('IdentitySource');
    }

    this.accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      retention: props.stage === 'prod' ? logs.RetentionDays.THREE_MONTHS : logs.RetentionDays.ONE_WEEK,
      removalPolicy: props.stage === 'prod' ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
  }

  /**
   * The route's method, created in `scope` (the route's context) on the shared resource tree, integrated
   * with `fn` through a Lambda proxy integration.
   */
  addRoute(scope: Construct, id: string, route: Route, fn: lambda.IFunction): apigw.Method {
    if (this.stage) throw new Error(`Route ${route.method} ${route.path} added after the API was deployed`);
    const resource = this.restApi.root.resourceForPath(route.path);
    let options: apigw.MethodOptions = { authorizationType: apigw.AuthorizationType.NONE };
    if (route.auth !== 'public') {
      if (!this.authorizer)
        throw new Error(`Route ${route.method} ${route.path} needs the authorizer, which is not set`);
      options = { authorizer: this.authorizer, authorizationType: apigw.AuthorizationType.CUSTOM };
    }
    this.routes.push(route);
    const method = new apigw.Method(scope, id, {
      resource,
      httpMethod: route.method,
      // allowTestInvoke: false saves a Lambda permission per method (the console's test button is not used).
      integration: new apigw.LambdaIntegration(fn, { proxy: true, allowTestInvoke: false }),
      options,
    });
    const who =
      route.auth === 'public'
        ? `${route.method} ${route.path} is public by design (the route table's auth level)`
        : `${route.method} ${route.path} is checked by the platform's Lambda authorizer (JWT session, role ${route.auth})`;
    Validations.of(method).acknowledge(
      { id: 'AwsSolutions-COG4', reason: `${who}; users are not in Cognito (ARCHITECTURE.md).` },
      ...(route.auth === 'public' ? [{ id: 'AwsSolutions-APIG4', reason: `${who}.` }] : []),
    );
    return method;
  }

  /**
   * A known path with a method it does not have would get API Gateway's missing-route answer; an ANY
   * method with a mock integration on each route's resource answers 405 with Allow instead, as the
   * sandbox does. Explicit methods (and CORS preflights) take precedence over ANY.
   */
  private addMethodNotAllowed() {
    const byPath = new Map<string, string[]>();
    for (const route of this.routes) byPath.set(route.path, [...(byPath.get(route.path) ?? []), route.method]);
    for (const [path, methods] of byPath) {
      const allow = [...new Set(methods)].join(', ');
      const body = JSON.stringify({
        error: { code: 'METHOD_NOT_ALLOWED', message: `Allowed: ${allow}`, details: [] },
      });
      const headers = { Allow: allow, 'Content-Type': 'application/json', ...gatewaySecurityHeaders };
      const method = this.restApi.root.resourceForPath(path).addMethod(
        'ANY',
        new apigw.MockIntegration({
          requestTemplates: { 'application/json': '{"statusCode": 405}' },
          passthroughBehavior: apigw.PassthroughBehavior.WHEN_NO_MATCH,
          integrationResponses: [
            {
              statusCode: '405',
              responseTemplates: { 'application/json': body },
              responseParameters: Object.fromEntries(
                Object.entries(headers).map(([name, value]) => [`method.response.header.${name}`, `'${value}'`]),
              ),
            },
          ],
        }),
        {
          authorizationType: apigw.AuthorizationType.NONE,
          methodResponses: [
            {
              statusCode: '405',
              responseParameters: Object.fromEntries(
                Object.keys(headers).map((name) => [`method.response.header.${name}`, true]),
              ),
            },
          ],
        },
      );
      const reason = `ANY ${path} is a mock integration that answers 405 with Allow: it reaches no function and no data.`;
      Validations.of(method).acknowledge({ id: 'AwsSolutions-COG4', reason }, { id: 'AwsSolutions-APIG4', reason });
    }
  }

  /**
   * Deploys the API once every method exists. With `deploy: false` nothing ties the deployment to the
   * methods, so this adds the dependencies and feeds the deployment's logical id with everything a
   * deployment snapshots (routes, authorizer use, gateway responses, CORS): a change there creates a new
   * deployment, as `deploy: true` would.
   */
  deploy(): apigw.Stage {
    if (this.stage) return this.stage;
    this.addMethodNotAllowed();
    const deployment = new apigw.Deployment(this, 'Deployment', {
      api: this.restApi,
      description: `Shop ${this.stageName}`,
    });
    for (const method of this.restApi.methods) deployment.node.addDependency(method);
    for (const response of this.restApi.node.children.filter((child) => child instanceof apigw.GatewayResponse)) {
      deployment.node.addDependency(response);
    }
    if (this.authorizer) deployment.node.addDependency(this.authorizer);
    deployment.addToLogicalId({
      routes: this.routes.map((route) => [route.method, route.path, route.auth, route.handler]),
      gatewayErrors,
      gatewaySecurityHeaders,
      corsOrigins: this.corsOrigins,
    });

    const methodOptions: Record<string, apigw.MethodDeploymentOptions> = {};
    for (const route of this.routes) {
      if (!route.rateLimit) continue;
      const throttle = CLASS_THROTTLE[route.rateLimit];
      methodOptions[`${route.path}/${route.method}`] = {
        throttlingRateLimit: throttle.rateLimit,
        throttlingBurstLimit: throttle.burstLimit,
      };
    }

    this.stage = new apigw.Stage(this, 'Stage', {
      deployment,
      stageName: this.stageName,
      tracingEnabled: true,
      // Execution logs of errors only (the access logs record every call), without request or response data.
      loggingLevel: apigw.MethodLoggingLevel.ERROR,
      dataTraceEnabled: false,
      throttlingRateLimit: STAGE_THROTTLE.rateLimit,
      throttlingBurstLimit: STAGE_THROTTLE.burstLimit,
      methodOptions,
      accessLogDestination: new apigw.LogGroupLogDestination(this.accessLogs),
      accessLogFormat: apigw.AccessLogFormat.jsonWithStandardFields({
        caller: false,
        httpMethod: true,
        ip: true,
        protocol: true,
        requestTime: true,
        resourcePath: true,
        responseLength: true,
        status: true,
        user: false,
      }),
    });
    // AWS WAF in front of the stage: it sees every request, whether through the storefront or straight to its URL.
    this.firewall = new Firewall(this, 'Firewall', { scope: 'REGIONAL', name: `Shop-${this.stageName}-Api` });
    const association = new wafv2.CfnWebACLAssociation(this, 'FirewallAssociation', {
      resourceArn: this.stage.stageArn,
      webAclArn: this.firewall.webAcl.attrArn,
    });
    // The stage's ARN is built from the API's id and the stage's name: nothing else orders it after the stage.
    association.node.addDependency(this.stage);

    // restApi.deploymentStage stays unset: methods compute their permission's source ARN lazily from it,
    // and naming the stage there would make every context's stack depend on the stage, which depends on them.
    return this.stage;
  }

  private addGatewayError(error: GatewayError): void {
    const headers: Record<string, string> = { ...gatewaySecurityHeaders, ...error.headers };
    // Only a single origin can be named statically; with several, browsers get the error without CORS headers.
    const [origin, ...others] = this.corsOrigins;
    if (origin && others.length === 0) {
      Object.assign(headers, {
        'Access-Control-Allow-Origin': origin,
        'Access-Control-Allow-Credentials': 'true',
        Vary: 'Origin',
      });
    }
    const message = error.message === undefined ? '$context.error.messageString' : JSON.stringify(error.message);
    this.restApi.addGatewayResponse(pascalCase(error.type.toLowerCase()), {
      type: apigw.ResponseType.of(error.type),
      statusCode: error.status?.toString(),
      responseHeaders: Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, quoted(value)])),
      templates: {
        'application/json': `{"error":{"code":${JSON.stringify(error.code)},"message":${message},"details":[]}}`,
      },
    });
  }
}
