import path from 'node:path';
import { runInNewContext } from 'node:vm';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import type * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../lib/constructs/service-function';
import {
  API_DOCS_FUNCTION,
  API_DOCS_PATH_PATTERN,
  API_PATH_PATTERN,
  FORWARD_HOST_FUNCTION,
  HASHED_DIR,
  responseHeadersFrom,
  SPA_FALLBACK_FUNCTION,
} from '../../lib/constructs/storefront';
import { API_DOCS_FILE, apiDocsFile } from '../../lib/spec/api-docs';
import { routes } from '../../lib/spec/routes';
import {
  contentSecurityPolicy,
  HSTS_SECONDS,
  IMMUTABLE_CACHE,
  NO_CACHE,
  permissionsPolicy,
  webSecurityHeaders,
} from '../../lib/spec/web-headers';
import { autoDeleteProviderOf, type Json, ofType, resourceCount, resourcesOf, type Synth, synth } from './support';

const dev = synth();
const prod = synth({ stage: 'prod' });

const only = (s: Synth, type: string): [string, Json] => {
  const found = ofType(s.webTemplate, type);
  expect(found, type).toHaveLength(1);
  return found[0] as [string, Json];
};
const distributionOf = (s: Synth) => only(s, 'AWS::CloudFront::Distribution')[1].Properties.DistributionConfig;
const apiBehaviourOf = (s: Synth) =>
  distributionOf(s).CacheBehaviors.find((b: Json) => b.PathPattern === API_PATH_PATTERN);
const originOf = (s: Synth, id: string) => distributionOf(s).Origins.find((o: Json) => o.Id === id);
const functionOf = (s: Synth, association: Json) => {
  const [logicalId] = association.FunctionARN['Fn::GetAtt'];
  return resourcesOf(s.webTemplate)[logicalId];
};

/** A CloudFront Function's handler, run in a fresh context as CloudFront would. */
const handlerOf = (code: string) => runInNewContext(`${code}\nhandler;`) as (event: Json) => Json;
const viewerRequest = (uri: string, headers: Record<string, string> = {}) => ({
  request: {
    method: 'GET',
    uri,
    querystring: {},
    cookies: {},
    headers: Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, { value }])),
  },
});

describe('storefront bucket', () => {
  it('is private, encrypted and refuses plain HTTP', () => {
    const [bucketId, bucket] = only(dev, 'AWS::S3::Bucket');
    expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(bucket.Properties.BucketEncryption.ServerSideEncryptionConfiguration).toEqual([
      { ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } },
    ]);
    expect(bucket.Properties.WebsiteConfiguration).toBeUndefined();
    const statements = only(dev, 'AWS::S3::BucketPolicy')[1].Properties.PolicyDocument.Statement;
    expect(statements).toContainEqual(
      expect.objectContaining({
        Effect: 'Deny',
        Action: 's3:*',
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      }),
    );
    // Nobody but CloudFront (for this distribution) and, in dev, CDK's emptying function is let in.
    const [distributionId] = only(dev, 'AWS::CloudFront::Distribution');
    const allowed = statements.filter((s: Json) => s.Effect === 'Allow');
    const cloudFront = allowed.find((s: Json) => s.Principal.Service === 'cloudfront.amazonaws.com');
    expect(cloudFront.Action).toEqual(['s3:GetObject', 's3:ListBucket']);
    expect(JSON.stringify(cloudFront.Condition.StringEquals['AWS:SourceArn'])).toContain(distributionId);
    expect(JSON.stringify(cloudFront.Resource)).toContain(bucketId);
    const others = allowed.filter((s: Json) => s !== cloudFront);
    expect(others.map((s: Json) => s.Principal.AWS['Fn::GetAtt'][0])).toEqual([
      autoDeleteProviderOf(dev.webTemplate).role,
    ]);
    const prodStatements = only(prod, 'AWS::S3::BucketPolicy')[1].Properties.PolicyDocument.Statement;
    expect(prodStatements.filter((s: Json) => s.Effect === 'Allow').map((s: Json) => s.Principal)).toEqual([
      { Service: 'cloudfront.amazonaws.com' },
    ]);
  });

  it('goes with the dev stack (emptied first) and stays with prod, like the tables', () => {
    expect(only(dev, 'AWS::S3::Bucket')[1].DeletionPolicy).toBe('Delete');
    only(dev, 'Custom::S3AutoDeleteObjects');
    expect(only(prod, 'AWS::S3::Bucket')[1].DeletionPolicy).toBe('Retain');
    expect(only(prod, 'AWS::S3::Bucket')[1].UpdateReplacePolicy).toBe('Retain');
    expect(ofType(prod.webTemplate, 'Custom::S3AutoDeleteObjects')).toHaveLength(0);
  });
});

describe('storefront distribution', () => {
  it('serves the bucket through origin access control, HTTPS only, index.html at the root', () => {
    const config = distributionOf(dev);
    expect(config.DefaultRootObject).toBe('index.html');
    const origin = originOf(dev, config.DefaultCacheBehavior.TargetOriginId);
    expect(origin.DomainName['Fn::GetAtt']).toEqual([only(dev, 'AWS::S3::Bucket')[0], 'RegionalDomainName']);
    expect(origin.OriginAccessControlId['Fn::GetAtt'][0]).toBe(only(dev, 'AWS::CloudFront::OriginAccessControl')[0]);
    expect(origin.S3OriginConfig.OriginAccessIdentity).toBe('');
    expect(only(dev, 'AWS::CloudFront::OriginAccessControl')[1].Properties.OriginAccessControlConfig).toMatchObject({
      OriginAccessControlOriginType: 's3',
      SigningBehavior: 'always',
      SigningProtocol: 'sigv4',
    });
    for (const behaviour of [config.DefaultCacheBehavior, ...config.CacheBehaviors]) {
      expect(behaviour.ViewerProtocolPolicy).toBe('redirect-to-https');
    }
  });

  it('synthesizes without a warning (LIST on the bucket is safe with index.html as the root object)', () => {
    // A nested stack's warnings are its root's.
    const warnings = Annotations.fromStack(dev.root).findWarning('*', Match.anyValue());
    expect(warnings.filter((warning) => warning.id.startsWith(`/${dev.web.node.path}/`))).toEqual([]);
  });

  it('has no distribution-wide error pages: the API keeps its own 403 and 404', () => {
    expect(distributionOf(dev).CustomErrorResponses).toBeUndefined();
  });

  it('sends /api/* to the API stage with every method, no caching and every viewer header but Host', () => {
    const behaviour = apiBehaviourOf(dev);
    expect(behaviour.AllowedMethods.sort()).toEqual(['DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT']);
    expect(behaviour.CachePolicyId).toBe(cloudfront.CachePolicy.CACHING_DISABLED.cachePolicyId);
    expect(behaviour.OriginRequestPolicyId).toBe(
      cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER.originRequestPolicyId,
    );
    const origin = originOf(dev, behaviour.TargetOriginId);
    expect(origin.CustomOriginConfig).toMatchObject({ OriginProtocolPolicy: 'https-only' });
    // The stage is the origin path: /api/v1/products reaches <stage url>/api/v1/products.
    expect(origin.OriginPath).toBe('/dev');
    expect(originOf(prod, apiBehaviourOf(prod).TargetOriginId).OriginPath).toBe('/prod');
    const [restApiRef, ...host] = origin.DomainName['Fn::Join'][1];
    expect(host).toEqual(['.execute-api.', { Ref: 'AWS::Region' }, '.', { Ref: 'AWS::URLSuffix' }]);
    // The host's first label is the Api stack's REST API id, passed through the root.
    const webId = dev.root.getLogicalId(dev.web.nestedStackResource as never);
    const passed = resourcesOf(dev.rootTemplate)[webId].Properties.Parameters[restApiRef.Ref]['Fn::GetAtt'];
    expect(passed[0]).toBe(dev.root.getLogicalId(dev.api.nestedStackResource as never));
    const output = dev.apiTemplate.toJSON().Outputs[passed[1].replace('Outputs.', '')];
    expect(output.Value).toEqual({ Ref: dev.api.getLogicalId(dev.api.api.restApi.node.defaultChild as never) });
  });

  it('routes every API route but /health through /api/*', () => {
    const outside = routes.filter((route) => !route.path.startsWith('/api/')).map((route) => route.path);
    expect([...new Set(outside)]).toEqual(['/health']);
  });

  it('copies the viewer Host into x-forwarded-host on /api/*, overwriting any the viewer sent', () => {
    const [association] = apiBehaviourOf(dev).FunctionAssociations;
    expect(association.EventType).toBe('viewer-request');
    const fn = functionOf(dev, association);
    expect(fn.Properties.FunctionCode).toBe(FORWARD_HOST_FUNCTION);
    expect(fn.Properties.FunctionConfig.Runtime).toBe('cloudfront-js-2.0');

    const handler = handlerOf(FORWARD_HOST_FUNCTION);
    const forwarded = handler(viewerRequest('/api/v1/orders', { host: 'd1.cloudfront.net' }));
    expect(forwarded.headers['x-forwarded-host']).toEqual({ value: 'd1.cloudfront.net' });
    const spoofed = handler(
      viewerRequest('/api/v1/orders', { host: 'd1.cloudfront.net', 'x-forwarded-host': 'evil.example' }),
    );
    expect(spoofed.headers['x-forwarded-host']).toEqual({ value: 'd1.cloudfront.net' });
    expect(handler(viewerRequest('/api/v1/orders', { 'x-forwarded-host': 'evil.example' })).headers).toEqual({});

    // The viewer's IP, for the stage's firewall, as CloudFront saw it: a viewer's own value is overwritten.
    const viewer = { ip: '203.0.113.9' };
    const counted = handler({ ...viewerRequest('/api/v1/orders', { 'x-shop-viewer-ip': '10.0.0.1' }), viewer });
    expect(counted.headers['x-shop-viewer-ip']).toEqual({ value: '203.0.113.9' });
  });

  it('serves the API reference page at /api/docs from the bucket, matched before /api/*', () => {
    const config = distributionOf(dev);
    const patterns = config.CacheBehaviors.map((b: Json) => b.PathPattern);
    expect(patterns.indexOf(API_DOCS_PATH_PATTERN)).toBeGreaterThanOrEqual(0);
    expect(patterns.indexOf(API_DOCS_PATH_PATTERN)).toBeLessThan(patterns.indexOf(API_PATH_PATTERN));
    const docs = config.CacheBehaviors.find((b: Json) => b.PathPattern === API_DOCS_PATH_PATTERN);
    const site = config.DefaultCacheBehavior;
    // The web app's origin, cache policy and security headers (the page works under the same CSP).
    expect(docs.TargetOriginId).toBe(site.TargetOriginId);
    expect(docs.CachePolicyId).toEqual(site.CachePolicyId);
    expect(docs.ResponseHeadersPolicyId).toEqual(site.ResponseHeadersPolicyId);
    expect(docs.ViewerProtocolPolicy).toBe('redirect-to-https');
    expect(docs.AllowedMethods ?? ['GET', 'HEAD']).toEqual(['GET', 'HEAD']);

    const [association] = docs.FunctionAssociations;
    expect(association.EventType).toBe('viewer-request');
    expect(functionOf(dev, association).Properties.FunctionCode).toBe(API_DOCS_FUNCTION);
    const handler = handlerOf(API_DOCS_FUNCTION);
    for (const uri of ['/api/docs', '/api/docs/', '/api/docs/index.html', '/api/docs/other', '/api/docsy']) {
      expect(handler(viewerRequest(uri)).uri, uri).toBe(apiDocsFile(uri) ?? uri);
    }
    expect(handler(viewerRequest('/api/docs')).uri).toBe(API_DOCS_FILE);
  });

  it('answers a client-side route (no file extension) with index.html, and leaves files alone', () => {
    const [association] = distributionOf(dev).DefaultCacheBehavior.FunctionAssociations;
    expect(association.EventType).toBe('viewer-request');
    const fn = functionOf(dev, association);
    expect(fn.Properties.FunctionCode).toBe(SPA_FALLBACK_FUNCTION);
    expect(fn.Properties.FunctionConfig.Runtime).toBe('cloudfront-js-2.0');

    const handler = handlerOf(SPA_FALLBACK_FUNCTION);
    const uriOf = (uri: string) => handler(viewerRequest(uri)).uri;
    for (const route of ['/', '/admin', '/admin/orders', '/products/prod-laptop-001', '/cart/', '/search']) {
      expect(uriOf(route), route).toBe('/index.html');
    }
    for (const file of ['/index.html', `/${HASHED_DIR}/index-B2x9.js`, '/images/products/laptop.jpg', '/favicon.ico']) {
      expect(uriOf(file), file).toBe(file);
    }
  });

  it('caches static files as long as their Cache-Control says, keyed on the path alone', () => {
    const policyId = distributionOf(dev).DefaultCacheBehavior.CachePolicyId.Ref;
    const config = resourcesOf(dev.webTemplate)[policyId].Properties.CachePolicyConfig;
    expect(config.MinTTL).toBe(0);
    expect(config.MaxTTL).toBeGreaterThanOrEqual(31_536_000);
    expect(config.ParametersInCacheKeyAndForwardedToOrigin).toMatchObject({
      CookiesConfig: { CookieBehavior: 'none' },
      HeadersConfig: { HeaderBehavior: 'none' },
      QueryStringsConfig: { QueryStringBehavior: 'none' },
      EnableAcceptEncodingGzip: true,
      EnableAcceptEncodingBrotli: true,
    });
  });

  it('sends the web security headers on every behaviour: strict CSP, HSTS, DENY, nosniff, referrer, permissions', () => {
    const [policyId, policy] = only(dev, 'AWS::CloudFront::ResponseHeadersPolicy');
    const config = distributionOf(dev);
    for (const behaviour of config.CacheBehaviors.concat(config.DefaultCacheBehavior)) {
      expect(behaviour.ResponseHeadersPolicyId).toEqual({ Ref: policyId });
    }
    const { SecurityHeadersConfig: security, CustomHeadersConfig: custom } =
      policy.Properties.ResponseHeadersPolicyConfig;
    const csp: string = security.ContentSecurityPolicy.ContentSecurityPolicy;
    expect(csp).toBe(contentSecurityPolicy);
    const scriptSrc = csp.split(';').find((directive) => directive.trim().startsWith('script-src'));
    expect(scriptSrc?.trim()).toBe("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
    expect(security.StrictTransportSecurity).toEqual({
      AccessControlMaxAgeSec: HSTS_SECONDS,
      IncludeSubdomains: true,
      Preload: true,
      Override: true,
    });
    expect(security.FrameOptions).toEqual({ FrameOption: 'DENY', Override: true });
    expect(security.ContentTypeOptions).toEqual({ Override: true });
    expect(security.ReferrerPolicy).toEqual({ ReferrerPolicy: 'strict-origin-when-cross-origin', Override: true });
    expect(custom.Items).toEqual([{ Header: 'Permissions-Policy', Value: permissionsPolicy, Override: true }]);

    // The same headers, to the letter, as the sandbox sends from lib/spec/web-headers.ts.
    const sent: Record<string, string> = {
      'Content-Security-Policy': csp,
      'Strict-Transport-Security': `max-age=${security.StrictTransportSecurity.AccessControlMaxAgeSec}${
        security.StrictTransportSecurity.IncludeSubdomains ? '; includeSubDomains' : ''
      }${security.StrictTransportSecurity.Preload ? '; preload' : ''}`,
      'X-Frame-Options': security.FrameOptions.FrameOption,
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': security.ReferrerPolicy.ReferrerPolicy,
      ...Object.fromEntries(custom.Items.map((item: Json) => [item.Header, item.Value])),
    };
    expect(sent).toEqual(webSecurityHeaders);
  });

  it('maps any further header of lib/spec/web-headers.ts to a custom header, and refuses an HSTS without max-age', () => {
    expect(responseHeadersFrom({ 'Cross-Origin-Opener-Policy': 'same-origin' }).customHeadersBehavior).toEqual({
      customHeaders: [{ header: 'Cross-Origin-Opener-Policy', value: 'same-origin', override: true }],
    });
    expect(() => responseHeadersFrom({ 'Strict-Transport-Security': 'includeSubDomains' })).toThrow(/max-age/);
  });
});

describe('storefront deployment', () => {
  const deployments = () => ofType(dev.webTemplate, 'Custom::CDKBucketDeployment');
  const hashed = () => deployments().find(([, d]) => d.Properties.Include?.[0] === `${HASHED_DIR}/*`);
  const pages = () => deployments().find(([, d]) => d.Properties.Exclude?.[0] === `${HASHED_DIR}/*`);

  it('copies the hashed files as immutable, then everything else (index.html) as no-cache, pruning nothing', () => {
    expect(deployments()).toHaveLength(2);
    const [hashedId, hashedFiles] = hashed() ?? [];
    const [, rest] = pages() ?? [];
    expect(hashedFiles.Properties).toMatchObject({
      Exclude: ['*'],
      Include: [`${HASHED_DIR}/*`],
      SystemMetadata: { 'cache-control': IMMUTABLE_CACHE },
      Prune: false,
    });
    expect(rest.Properties).toMatchObject({
      Exclude: [`${HASHED_DIR}/*`],
      SystemMetadata: { 'cache-control': NO_CACHE },
      Prune: false,
    });
    expect(rest.Properties.Include).toBeUndefined();
    // index.html arrives only after the files it names.
    expect(rest.DependsOn).toContain(hashedId);
    // Both copy the one build.
    expect(rest.Properties.SourceObjectKeys).toEqual(hashedFiles.Properties.SourceObjectKeys);
  });

  it('runs as a role allowed exactly its calls: read the build, list and write the bucket, write its logs', () => {
    const [, hashedFiles] = hashed() ?? [];
    const fnId = hashedFiles.Properties.ServiceToken['Fn::GetAtt'][0];
    const fn = resourcesOf(dev.webTemplate)[fnId];
    const roleId = fn.Properties.Role['Fn::GetAtt'][0];
    const statements = ofType(dev.webTemplate, 'AWS::IAM::Policy')
      .filter(([, p]) => p.Properties.Roles.some((r: Json) => r.Ref === roleId))
      .flatMap(([, p]) => p.Properties.PolicyDocument.Statement);
    const [bucketId] = only(dev, 'AWS::S3::Bucket');
    const [logsId] = ofType(dev.webTemplate, 'AWS::Logs::LogGroup')[0] ?? [];
    expect(fn.Properties.LoggingConfig.LogGroup).toEqual({ Ref: logsId });
    expect(statements.map((s: Json) => [s.Action].flat()).sort()).toEqual(
      [['logs:CreateLogStream', 'logs:PutLogEvents'], ['s3:GetObject'], ['s3:ListBucket'], ['s3:PutObject']].sort(),
    );
    const resourceOf = (action: string) =>
      JSON.stringify(statements.find((s: Json) => [s.Action].flat().includes(action)).Resource);
    expect(resourceOf('s3:ListBucket')).toBe(JSON.stringify({ 'Fn::GetAtt': [bucketId, 'Arn'] }));
    expect(resourceOf('s3:PutObject')).toContain(bucketId);
    expect(resourceOf('s3:GetObject')).toContain(hashedFiles.Properties.SourceObjectKeys[0]);
    expect(resourceOf('logs:PutLogEvents')).toContain(logsId);
    // No managed policy (AWSLambdaBasicExecutionRole would allow logs:* on every group).
    expect(resourcesOf(dev.webTemplate)[roleId].Properties.ManagedPolicyArns).toBeUndefined();
  });

  it('builds nothing under test: the site asset stays the web/ source, never a Vite build', () => {
    const site = dev.storefront.node.findChild('Site') as s3assets.Asset;
    expect(site.assetPath).toBe(path.join(PROJECT_ROOT, 'web'));
  });
});

describe('storefront stack', () => {
  it('is the Web nested stack, well under the resource limit', () => {
    expect(dev.storefront.node.scope).toBe(dev.web);
    expect(resourceCount(dev.webTemplate)).toBeLessThan(40);
    expect(resourceCount(prod.webTemplate)).toBeLessThan(40);
  });

  it('outputs StorefrontUrl on the root: https:// and the distribution domain', () => {
    const output = dev.rootTemplate.toJSON().Outputs.StorefrontUrl.Value;
    const [prefix, value] = output['Fn::Join'][1];
    expect(prefix).toBe('https://');
    const webId = dev.root.getLogicalId(dev.web.nestedStackResource as never);
    expect(value['Fn::GetAtt'][0]).toBe(webId);
    const webOutput = dev.webTemplate.toJSON().Outputs[value['Fn::GetAtt'][1].replace('Outputs.', '')];
    expect(webOutput.Value).toEqual({ 'Fn::GetAtt': [only(dev, 'AWS::CloudFront::Distribution')[0], 'DomainName'] });
  });
});
