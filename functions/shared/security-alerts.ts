import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { platformKeys } from '../../lib/spec/platform';
import {
  detections,
  EPISODE_SECONDS,
  SUSPICIOUS_ACTIVITY,
  type SuspiciousActivityKind,
} from '../../lib/spec/security-alerts';
import { tableName } from './config';
import { documentClient } from './dynamo';
import type { DomainEvent, EventData } from './event-catalog';
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

type Alert = EventData<'SuspiciousActivityDetected'>;

/** An alert waiting for the publisher: its key, and the event it becomes. */
export interface PendingAlert {
  key: { pk: string; sk: string };
  event: DomainEvent<'SuspiciousActivityDetected'>;
}

/** The sparse feed of alerts not published yet (the platform table's first index). */
const PENDING = platformKeys.pendingAlerts;

const alertOf = (
  kind: SuspiciousActivityKind,
  suspect: Suspect,
  counted: { count: number; windowSeconds: number },
  now: Date,
): Alert => ({
  kind,
  ip: suspect.ip,
  ...(suspect.userAgent && { userAgent: suspect.userAgent.slice(0, 512) }),
  ...(suspect.userId && { userId: suspect.userId }),
  ...(suspect.email && { email: suspect.email }),
  ...counted,
  detectedAt: now.toISOString(),
});

/**
 * Detects suspicious activity, once per episode, and leaves each alert pending in the platform table; the
 * scheduled publisher (`pendingAlerts().publish`) turns it into a SuspiciousActivityDetected event within a
 * minute. The functions that detect (every API function, the authorizer) so never load the bus client, and
 * detecting costs a request at most one conditional write, only when it reaches a threshold. Detection never
 * changes the answer to the request: a failed write is logged, not thrown.
 */
export const securityAlerts = (client = documentClient) => {
  const table = () => tableName('platform');
  const pendingFields = (alert: Alert, correlationId: string, now: Date) => ({
    alert,
    correlationId,
    gsi1pk: PENDING,
    gsi1sk: `${now.toISOString()}#${alert.kind}`,
  });

  return {
    /**
     * Called with every count of a detected kind (a tally's or a lockout counter's): raises the alert when the
     * count is exactly the threshold, which one request only ever sees per window, and the subject (the IP, or
     * the account for failed sign-ins) has no episode open: a conditional write opens it, so one caller wins
     * however many race, and the subject stays quiet for EPISODE_SECONDS. Answers whether it raised one.
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
      const nowSeconds = Math.floor(now.getTime() / 1000);
      try {
        await client.send(
          new PutCommand({
            TableName: table(),
            Item: {
              ...platformKeys.alert(`${kind}#${subject}`),
              expiresAt: nowSeconds + EPISODE_SECONDS,
              ...pendingFields(alertOf(kind, suspect, { count, windowSeconds }, now), suspect.correlationId, now),
            },
            // TTL deletes expired items lazily (up to days late): an expired episode counts as none.
            ConditionExpression: 'attribute_not_exists(pk) OR expiresAt <= :now',
            ExpressionAttributeValues: { ':now': nowSeconds },
          }),
        );
        logger.warn('suspicious activity', { kind, subject, count });
        return true;
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) {
          logger.error('suspicious activity not raised', { error, kind, subject });
        }
        return false;
      }
    },

    /**
     * Remembers the IPs each admin signed in from (a string set, added to atomically: of racing sign-ins from a
     * new IP, one sees it new) and raises the alert when one is new for that admin. An admin's very first
     * sign-in sets the baseline and raises nothing.
     */
    async adminSignedIn(suspect: Suspect & { userId: string }, now = new Date()): Promise<boolean> {
      try {
        const { Attributes } = await client.send(
          new UpdateCommand({
            TableName: table(),
            Key: platformKeys.adminIps(suspect.userId),
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
        await client.send(
          new PutCommand({
            TableName: table(),
            Item: {
              ...platformKeys.alert(`admin_new_ip#${suspect.userId}#${suspect.ip}`),
              expiresAt: Math.floor(now.getTime() / 1000) + EPISODE_SECONDS,
              ...pendingFields(
                alertOf('admin_new_ip', suspect, { count: 1, windowSeconds: 0 }, now),
                suspect.correlationId,
                now,
              ),
            },
          }),
        );
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

/** The publisher's side: the alerts left pending, claimed one at a time. */
export const pendingAlerts = (client = documentClient) => {
  const table = () => tableName('platform');
  return {
    /** The oldest pending alerts (a sparse index partition: empty, it costs one small read). */
    async list(limit = 25): Promise<PendingAlert[]> {
      const { Items = [] } = await client.send(
        new QueryCommand({
          TableName: table(),
          IndexName: 'gsi1',
          KeyConditionExpression: 'gsi1pk = :pending',
          ExpressionAttributeValues: { ':pending': PENDING },
          Limit: limit,
        }),
      );
      return Items.map((item) => ({
        key: { pk: String(item.pk), sk: String(item.sk) },
        event: {
          context: SUSPICIOUS_ACTIVITY.context,
          detailType: SUSPICIOUS_ACTIVITY.detailType,
          version: 1,
          correlationId: String(item.correlationId),
          data: item.alert as Alert,
        },
      }));
    },

    /** Takes the alert off the pending feed; false when another run took it first (it publishes it). */
    async claim(key: PendingAlert['key'], now = new Date()): Promise<boolean> {
      try {
        await client.send(
          new UpdateCommand({
            TableName: table(),
            Key: key,
            UpdateExpression: 'REMOVE gsi1pk, gsi1sk SET publishedAt = :now',
            ConditionExpression: 'gsi1pk = :pending',
            ExpressionAttributeValues: { ':pending': PENDING, ':now': now.toISOString() },
          }),
        );
        return true;
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return false;
        throw error;
      }
    },

    /** Puts a claimed alert back on the feed (its publishing failed): the next run tries again. */
    async release(key: PendingAlert['key'], now = new Date()): Promise<void> {
      await client.send(
        new UpdateCommand({
          TableName: table(),
          Key: key,
          UpdateExpression: 'SET gsi1pk = :pending, gsi1sk = :order REMOVE publishedAt',
          ExpressionAttributeValues: { ':pending': PENDING, ':order': `${now.toISOString()}#retry` },
        }),
      );
    },
  };
};

export type PendingAlerts = ReturnType<typeof pendingAlerts>;
