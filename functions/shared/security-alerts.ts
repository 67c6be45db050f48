import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import {
  detections,
  EPISODE_SECONDS,
  SUSPICIOUS_ACTIVITY,
  type SuspiciousActivityKind,
} from '../../lib/spec/security-alerts';
import { tableName } from './config';
import { documentClient } from './dynamo';
import type { DomainEvent } from './event-catalog';
import { logger } from './logger';

/** Who did it: the request that crossed a threshold or signed in. */
export interface Suspect {
  ip: string;
  userAgent?: string;
  userId?: string;
  email?: string;
  /** The request's correlation id (or request id), carried by the event. */
  correlationId: string;
}

export type Publish = (...events: DomainEvent[]) => Promise<void>;

/**
 * The bus client is loaded on the first alert only: every API function carries this module (the api wrapper
 * raises refusal alerts), and most never publish anything.
 */
const publishLazily: Publish = async (...events) => (await import('./events')).publish(...events);

const event = (
  kind: SuspiciousActivityKind,
  suspect: Suspect,
  counted: { count: number; windowSeconds: number },
  now: Date,
): DomainEvent<'SuspiciousActivityDetected'> => ({
  context: SUSPICIOUS_ACTIVITY.context,
  detailType: SUSPICIOUS_ACTIVITY.detailType,
  version: 1,
  correlationId: suspect.correlationId,
  data: {
    kind,
    ip: suspect.ip,
    ...(suspect.userAgent && { userAgent: suspect.userAgent.slice(0, 512) }),
    ...(suspect.userId && { userId: suspect.userId }),
    ...(suspect.email && { email: suspect.email }),
    ...counted,
    detectedAt: now.toISOString(),
  },
});

/**
 * Raises SuspiciousActivityDetected once per episode. Detection never changes the answer to the request that
 * triggers it: a failure to remember or to publish is logged, not thrown.
 */
export const securityAlerts = (client = documentClient, publish: Publish = publishLazily) => {
  const table = () => tableName('platform');

  /** Opens the subject's episode unless one is open: a conditional write, so one caller wins however many race. */
  const openEpisode = async (key: { pk: string; sk: string }, now: Date): Promise<boolean> => {
    const nowSeconds = Math.floor(now.getTime() / 1000);
    try {
      await client.send(
        new PutCommand({
          TableName: table(),
          Item: { ...key, openedAt: now.toISOString(), expiresAt: nowSeconds + EPISODE_SECONDS },
          // TTL deletes expired items lazily (up to days late): an expired marker counts as none.
          ConditionExpression: 'attribute_not_exists(pk) OR expiresAt <= :now',
          ExpressionAttributeValues: { ':now': nowSeconds },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  };

  return {
    /**
     * Called with every count of a detected kind (a tally's or a lockout counter's): raises the alert when the
     * count is exactly the threshold, which one request only ever sees per window, and the subject (the IP, or
     * the account for failed sign-ins) has no episode open. Answers whether it raised one.
     */
    async counted(
      kind: Exclude<SuspiciousActivityKind, 'admin_new_ip'>,
      count: number,
      suspect: Suspect,
      now = new Date(),
    ): Promise<boolean> {
      const { threshold, windowSeconds } = detections[kind];
      if (count !== threshold) return false;
      const subject = kind === 'login_failures' ? (suspect.email ?? suspect.userId ?? suspect.ip) : suspect.ip;
      const key = { pk: `ALERT#${kind}#${subject}`, sk: 'ALERT' };
      try {
        if (!(await openEpisode(key, now))) return false;
        try {
          await publish(event(kind, suspect, { count, windowSeconds }, now));
        } catch (error) {
          // Closed again, so that the next crossing alerts rather than an episode nobody heard of.
          await client.send(new DeleteCommand({ TableName: table(), Key: key }));
          throw error;
        }
        logger.warn('suspicious activity', { kind, subject, count });
        return true;
      } catch (error) {
        logger.error('suspicious activity not raised', { error, kind, subject });
        return false;
      }
    },

    /**
     * Remembers the IPs each admin signed in from (a string set, added to atomically) and raises the alert when
     * one is new for that admin. An admin's very first sign-in sets the baseline and raises nothing.
     */
    async adminSignedIn(suspect: Suspect & { userId: string }, now = new Date()): Promise<boolean> {
      const key = { pk: `ADMIN_IPS#${suspect.userId}`, sk: 'ADMIN_IPS' };
      try {
        const { Attributes } = await client.send(
          new UpdateCommand({
            TableName: table(),
            Key: key,
            UpdateExpression: 'ADD ips :ip SET lastIp = :plain, lastAt = :now',
            ExpressionAttributeValues: {
              ':ip': new Set([suspect.ip]),
              ':plain': suspect.ip,
              ':now': now.toISOString(),
            },
            ReturnValues: 'UPDATED_OLD',
          }),
        );
        const known = Attributes?.ips as Set<string> | undefined;
        if (known === undefined || known.has(suspect.ip)) return false;
        try {
          await publish(event('admin_new_ip', suspect, { count: 1, windowSeconds: 0 }, now));
        } catch (error) {
          // Forgotten again, so that the next sign-in from it alerts.
          await client.send(
            new UpdateCommand({
              TableName: table(),
              Key: key,
              UpdateExpression: 'DELETE ips :ip',
              ExpressionAttributeValues: { ':ip': new Set([suspect.ip]) },
            }),
          );
          throw error;
        }
        logger.warn('suspicious activity', { kind: 'admin_new_ip', userId: suspect.userId, ip: suspect.ip });
        return true;
      } catch (error) {
        logger.error('suspicious activity not raised', { error, kind: 'admin_new_ip', userId: suspect.userId });
        return false;
      }
    },
  };
};

export type SecurityAlerts = ReturnType<typeof securityAlerts>;
