import type { Bindings } from './bindings';
import { ENV } from './env';
import { grantsAnything } from './platform';
import { checkout } from './state-machines';
import { type TableName, tables } from './tables';

/**
 * What a function's bindings point at in one place: CDK fills it with the deployed resources' names (tokens),
 * the sandbox with its local ones.
 */
export interface BindingTargets {
  tables: Record<TableName, string>;
  eventBusName: string;
  /** Absent while no checkout state machine exists: a `checkout` binding then throws. */
  checkoutStateMachineArn?: string;
  mailFrom: string;
  /** Where operational alerts go (functions bound to `mail`). */
  adminEmail: string;
  signingKeySecretArn: string;
  /** Absent without a search domain: the variable then stays unset and search calls fail fast. */
  searchEndpoint?: string;
}

/**
 * What every function finds in its environment, whatever its bindings: CDK's ServiceFunction sets it, so does the
 * sandbox. No NODE_OPTIONS=--enable-source-maps: the bundles map their stack traces themselves, when one is first
 * formatted (lib/spec/bundling.ts), instead of Node parsing each source map while the function starts.
 */
export const baseEnvironment = (service: string): Record<string, string> => ({
  [ENV.serviceName]: service,
});

/**
 * The environment variables a function's bindings give it, and no others: CDK sets them next to the matching
 * grants (lib/constructs/bind.ts), the sandbox gives each function's instances exactly these.
 */
export const bindingEnvironment = (bindings: Bindings, targets: BindingTargets): Record<string, string> => {
  const env: Record<string, string> = {};
  for (const name of Object.keys(bindings.tables ?? {}) as TableName[]) {
    env[tables[name].envVar] = targets.tables[name];
  }
  if (bindings.events) env[ENV.eventBusName] = targets.eventBusName;
  if (grantsAnything(bindings.platform)) env[tables.platform.envVar] = targets.tables.platform;
  if (bindings.checkout) {
    if (!targets.checkoutStateMachineArn) throw new Error('A "checkout" binding needs the checkout state machine');
    env[checkout.envVar] = targets.checkoutStateMachineArn;
  }
  if (bindings.mail) {
    env[ENV.mailFrom] = targets.mailFrom;
    env[ENV.adminEmail] = targets.adminEmail;
  }
  if (bindings.signingKey) env[ENV.signingKeySecretArn] = targets.signingKeySecretArn;
  if (bindings.search && targets.searchEndpoint) env[ENV.searchEndpoint] = targets.searchEndpoint;
  return env;
};
