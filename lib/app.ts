import { type App, Tags } from 'aws-cdk-lib';
import { type AppConfig, stackPrefix } from './app-config';
import { StatefulStack } from './stateful-stack';
import { StatelessStack } from './stateless-stack';

export interface ShopStacks {
  data: StatefulStack;
  api: StatelessStack;
}

/** The two stacks of one stage: `Shop-<stage>-Data` (stateful) and `Shop-<stage>-Api` (stateless, using the first). */
export const createShopStacks = (app: App, config: AppConfig): ShopStacks => {
  // Environment-agnostic unless the CLI resolved an account and region: synth needs no credentials or lookups.
  const env = { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION };
  const prefix = stackPrefix(config.stage);

  const data = new StatefulStack(app, `${prefix}-Data`, {
    env,
    description: `Shop ${config.stage}: tables, event bus, signing key, sender identity, search`,
    stage: config.stage,
    sesSender: config.sesSender,
    enableOpenSearch: config.enableOpenSearch,
    terminationProtection: config.stage === 'prod',
  });
  const api = new StatelessStack(app, `${prefix}-Api`, {
    env,
    description: `Shop ${config.stage}: API, functions, event rules, workflows`,
    stage: config.stage,
    data,
    corsOrigins: config.corsOrigins,
  });

  for (const stack of [data, api]) {
    Tags.of(stack).add('project', 'shop');
    Tags.of(stack).add('stage', config.stage);
  }
  return { data, api };
};
