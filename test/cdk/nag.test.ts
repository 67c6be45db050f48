import { Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { createShopStacks } from '../../lib/app';
import { STAGES, type Stage } from '../../lib/app-config';
import { baseConfig, unbundledApp } from './support';

/** The stage as the CLI builds it, with cdk-nag's AWS Solutions and Serverless packs as validation plugins. */
const checkedStage = (stage: Stage, context: Record<string, unknown> = {}) => {
  const app = unbundledApp(context);
  const packs = [new AwsSolutionsChecks(app), new ServerlessChecks(app)];
  Validations.of(app).addPlugins(...packs);
  createShopStacks(app, { ...baseConfig, stage });
  return { app, packs };
};

const findings = (packs: (AwsSolutionsChecks | ServerlessChecks)[], scope: IConstruct) =>
  packs.flatMap((pack) =>
    pack
      .validateScope(scope)
      .violations.flatMap((violation) =>
        violation.violatingResources.map(
          (resource) => `${violation.severity} ${violation.ruleName} ${resource.constructPath}`,
        ),
      ),
  );

const acknowledgments = (root: IConstruct): { path: string; id: string; reason: string; scope: IConstruct }[] =>
  root.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) =>
        Object.entries(entry.data as Record<string, string>).map(([id, reason]) => ({
          path: construct.node.path,
          id: id.replace(/^annotation::/i, ''),
          reason,
          scope: construct,
        })),
      ),
  );

describe('cdk-nag (AwsSolutionsChecks, ServerlessChecks) on both stages', () => {
  it.each(STAGES)('finds nothing unacknowledged in %s, and the synth passes the validation plugins', (stage) => {
    const { app, packs } = checkedStage(stage);
    expect(findings(packs, app)).toEqual([]);
    expect(() => app.synth()).not.toThrow();
  });

  it('finds nothing either with a verified domain and a storefront web ACL, or in us-east-1', () => {
    const withOptions = checkedStage('prod', {
      sesDomain: 'shop.example.com',
      storefrontWebAclArn: 'arn:aws:wafv2:us-east-1:123456789012:global/webacl/shop/abc-123',
    });
    expect(findings(withOptions.packs, withOptions.app)).toEqual([]);

    // In us-east-1 the storefront makes its own CLOUDFRONT web ACL.
    const region = process.env.CDK_DEFAULT_REGION;
    process.env.CDK_DEFAULT_REGION = 'us-east-1';
    try {
      const inUsEast1 = checkedStage('prod');
      expect(findings(inUsEast1.packs, inUsEast1.app)).toEqual([]);
    } finally {
      if (region === undefined) delete process.env.CDK_DEFAULT_REGION;
      else process.env.CDK_DEFAULT_REGION = region;
    }
  });

  it.each(STAGES)('names the rule, the resource and the reason of every acknowledgment in %s', (stage) => {
    const { app } = checkedStage(stage);
    const all = acknowledgments(app);
    expect(all.length).toBeGreaterThan(50);
    for (const { path, id, reason, scope } of all) {
      expect(id, path).toMatch(/^(AwsSolutions|Serverless)-[A-Za-z0-9]+(\[.+\])?$/);
      expect(reason.length, `${path} ${id}`).toBeGreaterThan(40);
      // On a resource (or the construct that owns it), never on a stack or the app: nothing is waived wholesale.
      expect(scope.node.scope, `${path} ${id}`).toBeDefined();
      expect(scope.constructor.name, `${path} ${id}`).not.toMatch(/Stack$|^App$/);
      expect(scope.node.findAll().length, `${path} ${id}`).toBeLessThan(25);
    }
  });

  it('reports a finding that nobody acknowledged (the check can fail)', () => {
    const { app, packs } = checkedStage('dev');
    const queue = app.node.findAll().find((c) => c.node.path.endsWith('MailFeedback/DeadLetters'));
    if (!queue) throw new Error('no mail feedback queue');
    // The same construct tree without its acknowledgment: the finding comes back.
    (queue.node as unknown as { _metadata: unknown[] })._metadata = [];
    expect(findings(packs, app)).toEqual(
      expect.arrayContaining([expect.stringContaining('AwsSolutions-SQS3 Shop-dev/Api/MailFeedback/DeadLetters')]),
    );
  });
});
