import { type TableName, tables } from '../../lib/tables';

/** The one place that reads process.env; a missing variable fails fast with its name. */
const required = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`Missing environment variable ${name}`);
  return value;
};

export const tableName = (table: TableName): string => required(tables[table].envVar);

export const config = {
  get eventBusName() {
    return required('EVENT_BUS_NAME');
  },
  get checkoutStateMachineArn() {
    return required('CHECKOUT_STATE_MACHINE_ARN');
  },
  get mailFrom() {
    return required('MAIL_FROM');
  },
  get signingKeySecretArn() {
    return required('SIGNING_KEY_SECRET_ARN');
  },
  get jwtIssuer() {
    return process.env.JWT_ISSUER ?? 'shop-platform';
  },
  get jwtAudience() {
    return process.env.JWT_AUDIENCE ?? 'shop-api';
  },
  get serviceName() {
    return process.env.POWERTOOLS_SERVICE_NAME ?? 'shop';
  },
};
