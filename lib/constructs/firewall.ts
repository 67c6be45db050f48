import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { edgeRateLimit, VIEWER_IP_HEADER } from '../spec/rate-limits';

export type FirewallScope = 'REGIONAL' | 'CLOUDFRONT';

export interface FirewallProps {
  /** REGIONAL for the API stage (in the stage's region), CLOUDFRONT for a distribution (in us-east-1 only). */
  scope: FirewallScope;
  /** The metric names' prefix (`Shop-dev-Api`). */
  name: string;
}

/** The common rule set's rules that only count here, and why. */
export const COUNTED_COMMON_RULES: Record<string, string> = {
  // Its 8 KB cap would refuse, with WAF's bare 403, bodies the API accepts: the api wrapper takes up to 64 KB
  // (MAX_BODY_BYTES) and answers a larger one 413 PAYLOAD_TOO_LARGE in the API's error shape.
  SizeRestrictions_BODY: 'the API limits bodies itself (64 KB, 413 in its error shape)',
};

const RATE_LIMITED_BODY = 'RateLimited';

const visibility = (metricName: string): wafv2.CfnWebACL.VisibilityConfigProperty => ({
  cloudWatchMetricsEnabled: true,
  metricName,
  sampledRequestsEnabled: true,
});

const managed = (
  priority: number,
  name: string,
  prefix: string,
  counted: string[] = [],
): wafv2.CfnWebACL.RuleProperty => ({
  name: `AWS-${name}`,
  priority,
  overrideAction: { none: {} },
  statement: {
    managedRuleGroupStatement: {
      vendorName: 'AWS',
      name,
      ...(counted.length > 0 && {
        ruleActionOverrides: counted.map((rule) => ({ name: rule, actionToUse: { count: {} } })),
      }),
    },
  },
  visibilityConfig: visibility(`${prefix}-${name}`),
});

/** Over the limit: 429 in the API's error shape (WAF may not set Retry-After: it prefixes custom header names). */
const rateBlock: wafv2.CfnWebACL.RuleActionProperty = {
  block: { customResponse: { responseCode: 429, customResponseBodyKey: RATE_LIMITED_BODY } },
};

/**
 * A WAF web ACL: AWS's common rule set and known bad inputs, and a rate-based rule per client IP in front of the
 * per-route limits (lib/spec/rate-limits.ts `edgeRateLimit`). On the API stage (REGIONAL) the client is the
 * viewer IP the storefront's distribution forwards (VIEWER_IP_HEADER) when the request came through it, else the
 * TCP peer; on a distribution (CLOUDFRONT) it is the viewer itself.
 */
export class Firewall extends Construct {
  readonly webAcl: wafv2.CfnWebACL;

  constructor(scope: Construct, id: string, props: FirewallProps) {
    super(scope, id);
    const prefix = props.name;
    const rate = { limit: edgeRateLimit.limit, evaluationWindowSec: edgeRateLimit.windowSeconds };
    const rateRules: wafv2.CfnWebACL.RuleProperty[] =
      props.scope === 'CLOUDFRONT'
        ? [
            {
              name: 'RateLimitPerIp',
              priority: 0,
              action: rateBlock,
              statement: { rateBasedStatement: { ...rate, aggregateKeyType: 'IP' } },
              visibilityConfig: visibility(`${prefix}-RateLimitPerIp`),
            },
          ]
        : [
            {
              // Through the storefront: the viewer's IP, which its distribution forwards. WAF skips this rule
              // for a request without the header.
              name: 'RateLimitPerViewerIp',
              priority: 0,
              action: rateBlock,
              statement: {
                rateBasedStatement: {
                  ...rate,
                  aggregateKeyType: 'FORWARDED_IP',
                  forwardedIpConfig: { headerName: VIEWER_IP_HEADER, fallbackBehavior: 'MATCH' },
                },
              },
              visibilityConfig: visibility(`${prefix}-RateLimitPerViewerIp`),
            },
            {
              // Straight to the stage's URL: the caller's own IP.
              name: 'RateLimitPerIp',
              priority: 1,
              action: rateBlock,
              statement: {
                rateBasedStatement: {
                  ...rate,
                  aggregateKeyType: 'IP',
                  scopeDownStatement: {
                    notStatement: {
                      statement: {
                        sizeConstraintStatement: {
                          fieldToMatch: { singleHeader: { name: VIEWER_IP_HEADER } },
                          comparisonOperator: 'GT',
                          size: 0,
                          textTransformations: [{ priority: 0, type: 'NONE' }],
                        },
                      },
                    },
                  },
                },
              },
              visibilityConfig: visibility(`${prefix}-RateLimitPerIp`),
            },
          ];
    const next = rateRules.length;
    this.webAcl = new wafv2.CfnWebACL(this, 'WebAcl', {
      scope: props.scope,
      defaultAction: { allow: {} },
      description: `${prefix}: AWS managed common rules and known bad inputs, ${edgeRateLimit.limit} requests per client IP per ${edgeRateLimit.windowSeconds} s`,
      customResponseBodies: {
        [RATE_LIMITED_BODY]: {
          contentType: 'APPLICATION_JSON',
          content: JSON.stringify({
            error: { code: 'RATE_LIMITED', message: 'Too many requests, retry later', details: [] },
          }),
        },
      },
      rules: [
        ...rateRules,
        managed(next, 'AWSManagedRulesCommonRuleSet', prefix, Object.keys(COUNTED_COMMON_RULES)),
        managed(next + 1, 'AWSManagedRulesKnownBadInputsRuleSet', prefix),
      ],
      visibilityConfig: visibility(prefix),
    });
  }
}
