import { Logger } from '@aws-lambda-powertools/logger';
import { config } from './config';

/** One logger per function; POWERTOOLS_LOG_LEVEL chooses the level. */
export const logger = new Logger({ serviceName: config.serviceName });
