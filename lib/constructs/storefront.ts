import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import {
  Annotations,
  AssetHashType,
  type CfnElement,
  DockerImage,
  Duration,
  type ILocalBundling,
  RemovalPolicy,
  Stack,
  Token,
  Validations,
} from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { type Stage, stackPrefix } from '../app-config';
import { API_DOCS_FILE, API_DOCS_PATH } from '../spec/api-docs';
import { VIEWER_IP_HEADER } from '../spec/rate-limits';
import { IMMUTABLE_CACHE, NO_CACHE, webSecurityHeaders } from '../spec/web-headers';
import { Firewall } from './firewall';
import { PROJECT_ROOT } from './service-function';

/** The Vite config, relative to the repository root (the build runs from there). */
export const VITE_CONFIG = 'web/vite.config.ts';
/** Where Vite puts the content-hashed files (its `build.assetsDir`): the only files cached as immutable. */
export const HASHED_DIR = 'assets';
/** The distribution sends these paths to the API stage; every other path is the web app. */
export const API_PATH_PATTERN = '/api/*';
/** The API reference page, a file of the web app under the API's prefix: matched before API_PATH_PATTERN. */
export const API_DOCS_PATH_PATTERN = `${API_DOCS_PATH}*`;

/**
 * Viewer request on the web app: a path whose last segment has no extension is a client-side route, answered
 * with the app's index.html (from S3, so a missing file stays a 404 and the API's errors are left alone).
 * CloudFront Functions run a restricted ES 5.1 dialect: `var`, no arrow functions.
 */
export const SPA_FALLBACK_FUNCTION = `function handler(event) {
  var request = event.request;
  var uri = request.uri;
  if (uri.lastIndexOf('.') <= uri.lastIndexOf('/')) request.uri = '/index.html';
  return request;
}`;

/** Viewer request on the API reference page: its paths name the page's file in the bucket (lib/spec/api-docs.ts). */
export const API_DOCS_FUNCTION = `function handler(event) {
  var request = event.request;
  var uri = request.uri;
  if (uri === '${API_DOCS_PATH}' || uri === '${API_DOCS_PATH}/') request.uri = '${API_DOCS_FILE}';
  return request;
}`;

/**
 * Viewer request on the API: the origin request drops the viewer's Host (API Gateway needs its own), so the
 * host the browser talked to travels as x-forwarded-host, against which the API checks a cookie-authenticated
 * request's Origin; and the viewer's IP travels as ${VIEWER_IP_HEADER}, which the stage's firewall counts
 * requests by (the stage's TCP peer is a CloudFront server). Both always overwritten, so a viewer cannot choose them.
 */
export const FORWARD_HOST_FUNCTION = `function handler(event) {
  var request = event.request;
  var host = request.headers.host;
  if (host) request.headers['x-forwarded-host'] = { value: host.value };
  else delete request.headers['x-forwarded-host'];
  if (event.viewer && event.viewer.ip) request.headers['${VIEWER_IP_HEADER}'] = { value: event.viewer.ip };
  else delete request.headers['${VIEWER_IP_HEADER}'];
  return request;
}`;

export interface StorefrontProps {
  stage: Stage;
  /** The REST API whose stage serves `/api/*`. */
  restApi: { restApiId: string };
  /** That API's stage name: the origin path in front of `/api/v1/...`. */
  apiStageName: string;
  /**
   * A WAF web ACL of CLOUDFRONT scope for the distribution (context `storefrontWebAclArn`): such an ACL lives in
   * us-east-1 only. Without one, a stack deployed to us-east-1 makes its own; elsewhere the distribution has none
   * (the API behind /api/* keeps the stage's own).
   */
  webAclArn?: string;
}

/**
 * The storefront and admin web app: a private bucket behind a CloudFront distribution (origin access control),
 * which also routes `/api/*` to the API stage, so the app, its API and the session cookie share one origin.
 */
export class Storefront extends Construct {
  /** The distribution's own web ACL, when the stack is in us-east-1 and none was given. */
  readonly firewall?: Firewall;
  readonly bucket: s3.Bucket;
  readonly distribution: cloudfront.Distribution;
  readonly responseHeaders: cloudfront.ResponseHeadersPolicy;
  /** `https://<distribution domain>` */
  readonly url: string;

  constructor(scope: Construct, id: string, props: StorefrontProps) {
    super(scope, id);
    const prod = props.stage === 'prod';
    const stack = Stack.of(this);

    // Rebuilt from the repository on every deploy, yet kept in prod like the other stateful resources; in dev
    // it goes with the stack, emptied first (a non-empty bucket cannot be deleted).
    this.bucket = new s3.Bucket(this, 'Bucket', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy: prod ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
      autoDeleteObjects: !prod,
    });

    this.responseHeaders = new cloudfront.ResponseHeadersPolicy(this, 'SecurityHeaders', {
      // Policy names are per account, not per region (CDK's default name leaves the region out).
      responseHeadersPolicyName: `${stackPrefix(props.stage)}-WebSecurityHeaders-${stack.region}`,
      comment: `Shop ${props.stage}: the web app's security headers (lib/spec/web-headers.ts)`,
      ...responseHeadersFrom(webSecurityHeaders),
    });

    // The deployment sets every object's Cache-Control; the edge keeps each as long as that says.
    const staticFiles = new cloudfront.CachePolicy(this, 'StaticFiles', {
      comment: `Shop ${props.stage}: static files, cached as their Cache-Control says`,
      minTtl: Duration.seconds(0),
      defaultTtl: Duration.days(1),
      maxTtl: Duration.days(365),
      enableAcceptEncodingGzip: true,
      enableAcceptEncodingBrotli: true,
    });

    const viewerRequest = (name: string, code: string, comment: string): cloudfront.FunctionAssociation[] => [
      {
        eventType: cloudfront.FunctionEventType.VIEWER_REQUEST,
        function: new cloudfront.Function(this, name, {
          code: cloudfront.FunctionCode.fromInline(code),
          runtime: cloudfront.FunctionRuntime.JS_2_0,
          comment,
        }),
      },
    ];

    // The stage's host; the stage name as the origin path: /api/v1/products -> <stage url>/api/v1/products.
    const apiOrigin = new origins.HttpOrigin(
      `${props.restApi.restApiId}.execute-api.${stack.region}.${stack.urlSuffix}`,
      { originPath: `/${props.apiStageName}`, protocolPolicy: cloudfront.OriginProtocolPolicy.HTTPS_ONLY },
    );

    // LIST: a missing file is a 404, not S3's 403.
    const siteOrigin = origins.S3BucketOrigin.withOriginAccessControl(this.bucket, {
      originAccessLevels: [cloudfront.AccessLevel.READ, cloudfront.AccessLevel.LIST],
    });

    const inUsEast1 = !Token.isUnresolved(stack.region) && stack.region === 'us-east-1';
    this.firewall =
      props.webAclArn === undefined && inUsEast1
        ? new Firewall(this, 'Firewall', { scope: 'CLOUDFRONT', name: `Shop-${props.stage}-Storefront` })
        : undefined;
    const webAclArn = props.webAclArn ?? this.firewall?.webAcl.attrArn;

    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: `Shop ${props.stage} storefront`,
      ...(webAclArn && { webAclId: webAclArn }),
      defaultRootObject: 'index.html',
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      defaultBehavior: {
        origin: siteOrigin,
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        cachePolicy: staticFiles,
        responseHeadersPolicy: this.responseHeaders,
        functionAssociations: viewerRequest('SpaFallback', SPA_FALLBACK_FUNCTION, 'Client-side routes get index.html'),
      },
      // In this order: CloudFront takes the first pattern that matches.
      additionalBehaviors: {
        [API_DOCS_PATH_PATTERN]: {
          origin: siteOrigin,
          viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
          cachePolicy: staticFiles,
          responseHeadersPolicy: this.responseHeaders,
          functionAssociations: viewerRequest('ApiDocsPage', API_DOCS_FUNCTION, 'The API reference page'),
        },
        [API_PATH_PATTERN]: {
          origin: apiOrigin,
          viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
          allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
          // With caching off, every viewer header but Host reaches the API: Authorization, Cookie,
          // Idempotency-Key, Content-Type, Origin, x-shop-csrf, Sec-Fetch-Site, and every query string.
          cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
          originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
          responseHeadersPolicy: this.responseHeaders,
          functionAssociations: viewerRequest(
            'ForwardHost',
            FORWARD_HOST_FUNCTION,
            'The viewer Host as x-forwarded-host',
          ),
        },
      },
    });
    // The risk CDK warns of is a listing at `/`, which here is index.html (the default root object).
    Annotations.of(this.distribution).acknowledgeWarning(
      '@aws-cdk/aws-cloudfront-origins:listBucketSecurityRisk',
      'defaultRootObject is index.html',
    );
    this.url = `https://${this.distribution.distributionDomainName}`;
    Validations.of(this.distribution).acknowledge(
      {
        id: 'AwsSolutions-CFR1',
        reason: 'The shop sells wherever it is reached: no country is refused.',
      },
      {
        id: 'AwsSolutions-CFR3',
        reason:
          'Standard logging needs a log bucket with ACLs, not set up yet; every API call is in the stage access logs.',
      },
      {
        id: 'AwsSolutions-CFR4',
        reason:
          'The default *.cloudfront.net certificate, on which CloudFront cannot require TLS 1.2; a custom domain with its ACM certificate would (TLSv1.2_2021).',
      },
      ...(webAclArn
        ? []
        : [
            {
              id: 'AwsSolutions-CFR2',
              reason:
                'A CLOUDFRONT web ACL exists in us-east-1 only and this stack is elsewhere: pass -c storefrontWebAclArn=<arn> (README); /api/* is behind the stage own web ACL.',
            },
          ]),
    );
    Validations.of(this.bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'The bucket is read only through CloudFront (origin access control) and written only by the deployment; access logs would need a log bucket of their own, not set up yet.',
    });

    this.deploySite();
  }

  /**
   * Two deployments of the same build: first the hashed files (immutable, never pruned, so a page loaded
   * before a deploy can still fetch its lazy chunks), then everything else, index.html included (no-cache:
   * a deploy is live at once, no invalidation needed).
   */
  private deploySite() {
    const logGroup = new logs.LogGroup(this, 'DeploymentLogs', {
      retention: logs.RetentionDays.ONE_WEEK,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // The role the deployment function runs as, with exactly the calls it makes (s3 cp of the zip, s3 sync
    // without --delete); passed as immutable, so BucketDeployment's own wildcard grants are not added.
    const role = new iam.Role(this, 'DeploymentRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Copies the built web app into the storefront bucket',
    });
    logGroup.grantWrite(role);
    role.addToPolicy(new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: [this.bucket.bucketArn] }));
    role.addToPolicy(
      new iam.PolicyStatement({ actions: ['s3:PutObject'], resources: [this.bucket.arnForObjects('*')] }),
    );

    const site = new s3assets.Asset(this, 'Site', webAppAsset());
    role.addToPolicy(
      new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [site.bucket.arnForObjects(site.s3ObjectKey)] }),
    );
    const common = {
      sources: [s3deploy.Source.bucket(site.bucket, site.s3ObjectKey)],
      destinationBucket: this.bucket,
      prune: false,
      role: role.withoutPolicyUpdates(),
      logGroup,
      // The keys are not used, and a large build would exceed the custom resource's 4 KB response.
      outputObjectKeys: false,
    } satisfies Partial<s3deploy.BucketDeploymentProps>;
    const hashed = new s3deploy.BucketDeployment(this, 'DeployHashedFiles', {
      ...common,
      exclude: ['*'],
      include: [`${HASHED_DIR}/*`],
      cacheControl: [s3deploy.CacheControl.fromString(IMMUTABLE_CACHE)],
    });
    const pages = new s3deploy.BucketDeployment(this, 'DeployPages', {
      ...common,
      exclude: [`${HASHED_DIR}/*`],
      cacheControl: [s3deploy.CacheControl.fromString(NO_CACHE)],
    });
    // A new index.html only once the files it names are there.
    pages.node.addDependency(hashed);
    const bucketId = Stack.of(this.bucket).getLogicalId(this.bucket.node.defaultChild as CfnElement);
    Validations.of(role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/*]`,
      reason:
        'PutObject on the storefront bucket objects (the build it copies in, any key), nothing else with a wildcard: its statements are written out above.',
    });
    // CDK's one function behind every BucketDeployment of the stack (its runtime, memory and logs are CDK's).
    for (const child of Stack.of(this).node.children) {
      if (!child.node.id.startsWith('Custom::CDKBucketDeployment')) continue;
      const reason =
        "CDK's BucketDeployment function, which CDK builds and runs at deploy time only (a failure fails the deploy).";
      Validations.of(child).acknowledge(
        { id: 'AwsSolutions-L1', reason },
        { id: 'Serverless-LambdaLatestVersion', reason },
        { id: 'Serverless-LambdaDLQ', reason },
        { id: 'Serverless-LambdaTracing', reason },
      );
    }
    // The function needs its policy before it first runs.
    for (const deployment of [hashed, pages]) deployment.node.addDependency(role);
  }
}

/**
 * The web app's build as an asset: `vite build` on this machine (no Docker) during synth, into the asset's
 * output directory. The hash is the output's, so a change anywhere the app imports from (its own files, the
 * API's schemas, the dependencies) makes a new asset, and an unchanged build none. Under
 * `aws:cdk:bundling-stacks = []` (the CDK tests) nothing is built.
 */
const webAppAsset = (): s3assets.AssetProps => ({
  path: path.join(PROJECT_ROOT, 'web'),
  assetHashType: AssetHashType.OUTPUT,
  bundling: {
    local: localViteBuild,
    // Only where Vite is not installed (no node_modules): a clean install and build in a container.
    image: DockerImage.fromRegistry('node:22'),
    volumes: [{ hostPath: PROJECT_ROOT, containerPath: '/project' }],
    environment: { HOME: '/tmp', npm_config_cache: '/tmp/.npm' },
    command: [
      'bash',
      '-c',
      [
        'mkdir -p /tmp/build',
        'tar -C /project --exclude=./node_modules --exclude=./web/node_modules --exclude=./web/dist --exclude=./cdk.out --exclude=./.data -cf - . | tar -C /tmp/build -xf -',
        'cd /tmp/build',
        'npm ci --ignore-scripts --no-audit --no-fund',
        `npx --no-install vite build --config ${VITE_CONFIG} --outDir /asset-output --emptyOutDir`,
      ].join(' && '),
    ],
  },
});

const localViteBuild: ILocalBundling = {
  tryBundle(outputDir: string): boolean {
    if (!existsSync(path.join(PROJECT_ROOT, 'node_modules', '.bin', 'vite'))) return false;
    if (!existsSync(path.join(PROJECT_ROOT, VITE_CONFIG))) {
      throw new Error(`The web app has no build: ${VITE_CONFIG} does not exist.`);
    }
    const result = spawnSync(
      'npx',
      ['--no-install', 'vite', 'build', '--config', VITE_CONFIG, '--outDir', outputDir, '--emptyOutDir'],
      // Vite's report on stderr: `cdk synth` prints the template on stdout.
      { cwd: PROJECT_ROOT, stdio: ['ignore', 2, 2] },
    );
    if (result.status !== 0) {
      throw new Error(`vite build failed (${result.error?.message ?? `exit ${result.status ?? result.signal}`})`);
    }
    return true;
  },
};

/**
 * CloudFront's response-headers policy sending exactly the given headers (those of lib/spec/web-headers.ts, which
 * the sandbox sends too), every one overriding what the origin sent.
 */
export const responseHeadersFrom = (
  headers: Record<string, string>,
): Pick<cloudfront.ResponseHeadersPolicyProps, 'securityHeadersBehavior' | 'customHeadersBehavior'> => {
  const security: cloudfront.ResponseSecurityHeadersBehavior = {};
  const custom: cloudfront.ResponseCustomHeader[] = [];
  for (const [header, value] of Object.entries(headers)) {
    switch (header.toLowerCase()) {
      case 'content-security-policy':
        Object.assign(security, { contentSecurityPolicy: { contentSecurityPolicy: value, override: true } });
        break;
      case 'strict-transport-security': {
        const maxAge = /max-age=(\d+)/i.exec(value)?.[1];
        if (!maxAge) throw new Error(`Strict-Transport-Security without max-age: ${value}`);
        Object.assign(security, {
          strictTransportSecurity: {
            accessControlMaxAge: Duration.seconds(Number(maxAge)),
            includeSubdomains: /;\s*includeSubDomains/i.test(value),
            preload: /;\s*preload/i.test(value),
            override: true,
          },
        });
        break;
      }
      case 'x-frame-options':
        Object.assign(security, {
          frameOptions: { frameOption: value.toUpperCase() as cloudfront.HeadersFrameOption, override: true },
        });
        break;
      case 'x-content-type-options':
        if (value !== 'nosniff') throw new Error(`X-Content-Type-Options can only be nosniff, not ${value}`);
        Object.assign(security, { contentTypeOptions: { override: true } });
        break;
      case 'referrer-policy':
        Object.assign(security, {
          referrerPolicy: { referrerPolicy: value as cloudfront.HeadersReferrerPolicy, override: true },
        });
        break;
      default:
        custom.push({ header, value, override: true });
    }
  }
  return {
    securityHeadersBehavior: security,
    ...(custom.length > 0 && { customHeadersBehavior: { customHeaders: custom } }),
  };
};
