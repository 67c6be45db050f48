import type { Node } from 'constructs';
import {
  type AdaptationName,
  adaptationsFor,
  DEFAULT_LOCALSTACK_OPTIONS,
  LAMBDA_ARCHITECTURES,
  LOCALSTACK_EDITIONS,
  type LocalStackOptions,
} from './spec/localstack';

export const STAGES = ['dev', 'prod'] as const;
export type Stage = (typeof STAGES)[number];

/** Where the app is deployed: AWS, or a LocalStack (with the adaptations of lib/spec/localstack.ts). */
export const TARGETS = ['aws', 'localstack'] as const;
export type Target = (typeof TARGETS)[number];

/** What `cdk synth|deploy -c key=value` (or cdk.json's context) decides about a deployment. */
export interface AppConfig {
  stage: Stage;
  /** Verified SES sender identity; also the From address of every email. */
  sesSender: string;
  /**
   * Creates the OpenSearch domain that serves GET /search (on unless set to false). Without it the stage has
   * no search route and no indexer: a cheaper stage whose catalog is browsed through GET /products alone.
   */
  enableOpenSearch: boolean;
  /** Browser origins allowed to call the API cross-origin; empty means same-origin only. */
  corsOrigins: string[];
  /**
   * Context `demoUsers=true`: the dev stage's sample data includes the demo accounts (admin@ecommerce.local /
   * admin123, ...). Off unless given: a deployed stage is on a public URL. The sandbox always has them.
   */
  demoUsers?: boolean;
  /** Context `sesDomain`: also verify this domain in SES, with Easy DKIM (its DNS records are stack outputs). */
  sesDomain?: string;
  /** Context `storefrontWebAclArn`: a CLOUDFRONT-scope WAF web ACL (made in us-east-1) for the storefront. */
  storefrontWebAclArn?: string;
  /** Context `target`: `aws` unless given. */
  target?: Target;
  /** With target localstack: its edition and architecture (contexts `localstackEdition`, `localstackArchitecture`). */
  localstack?: LocalStackOptions;
}

/** A context value that cannot be used: the message says which key and what to pass. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

const readStage = (value: unknown): Stage => {
  if (typeof value === 'string' && (STAGES as readonly string[]).includes(value)) return value as Stage;
  throw new ConfigError(
    `Context "stage" must be one of ${STAGES.join(', ')} (got ${JSON.stringify(value)}). Pass -c stage=dev or -c stage=prod.`,
  );
};

const readSender = (value: unknown): string => {
  if (typeof value === 'string' && EMAIL.test(value.trim())) return value.trim();
  throw new ConfigError(
    `Context "sesSender" must be the SES sender email address (got ${JSON.stringify(value)}). Pass -c sesSender=no-reply@your-domain.`,
  );
};

/** The CLI passes every -c value as a string, cdk.json passes JSON: accept both spellings of a boolean. */
const readFlag = (key: string, value: unknown, fallback: boolean): boolean => {
  if (value === undefined || value === null || value === '') return fallback;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string' && ['true', 'false'].includes(value.trim().toLowerCase())) {
    return value.trim().toLowerCase() === 'true';
  }
  throw new ConfigError(`Context "${key}" must be true or false (got ${JSON.stringify(value)}).`);
};

const readOrigins = (value: unknown): string[] => {
  if (value === undefined || value === null || value === '') return [];
  const list = Array.isArray(value) ? value : typeof value === 'string' ? value.split(',') : undefined;
  if (!list) throw new ConfigError(`Context "corsOrigins" must be a comma-separated list of origins.`);
  const origins = list.map((origin) => String(origin).trim()).filter((origin) => origin.length > 0);
  for (const origin of origins) {
    // Credentials (the session cookie) are allowed cross-origin, so a wildcard would be unsafe and is refused by browsers.
    let url: URL | undefined;
    try {
      url = new URL(origin);
    } catch {
      url = undefined;
    }
    const isOrigin = url !== undefined && url.origin === origin && ['https:', 'http:'].includes(url.protocol);
    if (!isOrigin) {
      throw new ConfigError(
        `Context "corsOrigins" holds ${JSON.stringify(origin)}, which is not an origin like https://shop.example.com (no path, no wildcard).`,
      );
    }
  }
  return [...new Set(origins)];
};

/**
 * Context `adminEmail`: where operational alerts (InventoryLow) are mailed. Defaults to `admin@` the
 * sender's domain, so a deployment without it still reaches someone who owns that domain.
 */
export const readAdminEmail = (value: unknown, sesSender: string): string => {
  if (value === undefined || value === null || value === '') return `admin@${sesSender.split('@')[1] ?? 'localhost'}`;
  if (typeof value === 'string' && EMAIL.test(value.trim())) return value.trim();
  throw new ConfigError(
    `Context "adminEmail" must be an email address (got ${JSON.stringify(value)}). Pass -c adminEmail=ops@your-domain.`,
  );
};

const DOMAIN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

const readDomain = (value: unknown): string | undefined => {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'string' && DOMAIN.test(value.trim().toLowerCase())) return value.trim().toLowerCase();
  throw new ConfigError(
    `Context "sesDomain" must be a domain name like shop.example.com (got ${JSON.stringify(value)}).`,
  );
};

const WEB_ACL_ARN = /^arn:aws[a-z-]*:wafv2:us-east-1:\d{12}:global\/webacl\/[\w-]+\/[\w-]+$/;

const readWebAclArn = (value: unknown): string | undefined => {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'string' && WEB_ACL_ARN.test(value.trim())) return value.trim();
  throw new ConfigError(
    `Context "storefrontWebAclArn" must be the ARN of a CLOUDFRONT-scope web ACL in us-east-1 (arn:aws:wafv2:us-east-1:<account>:global/webacl/<name>/<id>), got ${JSON.stringify(value)}.`,
  );
};

const readChoice = <T extends string>(key: string, value: unknown, choices: readonly T[], fallback: T): T => {
  if (value === undefined || value === null || value === '') return fallback;
  if (typeof value === 'string' && (choices as readonly string[]).includes(value)) return value as T;
  throw new ConfigError(
    `Context "${key}" must be one of ${choices.join(', ')} (got ${JSON.stringify(value)}). Pass -c ${key}=${fallback}.`,
  );
};

/** `target`, and with `localstack` the options of lib/spec/localstack.ts; those make no sense without it. */
const readTarget = (node: Node, stage: Stage): Pick<AppConfig, 'target' | 'localstack'> => {
  const target = readChoice('target', node.tryGetContext('target'), TARGETS, 'aws');
  const edition = node.tryGetContext('localstackEdition');
  const architecture = node.tryGetContext('localstackArchitecture');
  if (target === 'aws') {
    if (edition !== undefined || architecture !== undefined) {
      throw new ConfigError('Contexts "localstackEdition" and "localstackArchitecture" need -c target=localstack.');
    }
    return { target };
  }
  // A template for LocalStack is not a stage to put on AWS: some of its protections are left out.
  if (stage !== 'dev')
    throw new ConfigError('Context "target=localstack" builds the dev stage only: pass -c stage=dev.');
  return {
    target,
    localstack: {
      edition: readChoice('localstackEdition', edition, LOCALSTACK_EDITIONS, DEFAULT_LOCALSTACK_OPTIONS.edition),
      architecture: readChoice(
        'localstackArchitecture',
        architecture,
        LAMBDA_ARCHITECTURES,
        DEFAULT_LOCALSTACK_OPTIONS.architecture,
      ),
    },
  };
};

/** Reads and validates the deployment's context; throws ConfigError with a message meant for the person running cdk. */
export const readAppConfig = (node: Node): AppConfig => {
  const stage = readStage(node.tryGetContext('stage'));
  return {
    stage,
    sesSender: readSender(node.tryGetContext('sesSender')),
    enableOpenSearch: readFlag('enableOpenSearch', node.tryGetContext('enableOpenSearch'), true),
    corsOrigins: readOrigins(node.tryGetContext('corsOrigins')),
    demoUsers: readFlag('demoUsers', node.tryGetContext('demoUsers'), false),
    sesDomain: readDomain(node.tryGetContext('sesDomain')),
    storefrontWebAclArn: readWebAclArn(node.tryGetContext('storefrontWebAclArn')),
    ...readTarget(node, stage),
  };
};

/** The names of the adaptations the deployment's target makes (none on AWS). */
export const adaptationsOf = (config: AppConfig): ReadonlySet<AdaptationName> =>
  new Set(
    config.target === 'localstack'
      ? adaptationsFor(config.localstack ?? DEFAULT_LOCALSTACK_OPTIONS).map((adaptation) => adaptation.name)
      : [],
  );

/** `Shop-dev`, `Shop-prod`: the stage's root stack name, and the prefix of its fixed physical names (`Shop-dev-Checkout`). */
export const stackPrefix = (stage: Stage): string => `Shop-${stage}`;
