#!/usr/bin/env node
import { App } from 'aws-cdk-lib';
import { createShopStacks } from '../lib/app';
import { ConfigError, readAppConfig } from '../lib/app-config';

const app = new App();
// One top-level stack, Shop-<stage> (Data and Api nested in it): a plain `cdk synth` prints its template.
try {
  createShopStacks(app, readAppConfig(app.node));
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(`\n${error.message}\n`);
  process.exit(1);
}
app.synth();
