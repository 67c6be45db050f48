import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { SESClient, SendEmailCommand } from '@aws-sdk/client-ses';
import {
  DescribeExecutionCommand,
  ExecutionAlreadyExists,
  GetExecutionHistoryCommand,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { addToCart, busSettled, eventually, placeOrder } from './fixtures';
import { awsClientConfig, call, callEndpoint, type Mail, mailSender, registerCustomer } from './http';
import { eventBusName, executionArn, has, needs, stateMachineArn, tableName, target } from './target';

const config = awsClientConfig();
const events = new EventBridgeClient(config);
const sfn = new SFNClient(config);
const ses = new SESClient(config);
const dynamo = DynamoDBDocumentClient.from(new DynamoDBClient(config));

afterAll(() => {
  for (const client of [events, sfn, ses, dynamo]) client.destroy();
});

describe('GET /health', () => {
  it('is 200 with every service it reports ok (the sandbox: each it emulates)', async () => {
    const { status, body } = await call<{ status: string; services: Record<string, string> }>('/health');
    expect(status).toBe(200);
    expect(body.status).toBe('ok');
    // A stage's health function reports the table it reaches; the sandbox answers itself, for every service.
    const services = Object.keys(body.services).sort();
    if (target.name === 'sandbox') {
      expect(services).toEqual(['apigateway', 'dynamodb', 'events', 'search', 'secretsmanager', 'ses', 'states']);
    } else {
      expect(services).toContain('dynamodb');
    }
    expect(Object.values(body.services).every((s) => s === 'ok')).toBe(true);
  });
});

describe('EventBridge', () => {
  it('delivers an event put on the bus to the rule that matches it', async () => {
    const correlationId = randomUUID();
    const { Entries, FailedEntryCount } = await events.send(
      new PutEventsCommand({
        Entries: [
          {
            EventBusName: eventBusName(),
            Source: 'shop.catalog',
            DetailType: 'ProductChanged',
            Detail: JSON.stringify({ version: 1, correlationId, productId: 'prod-laptop-001', change: 'updated' }),
          },
        ],
      }),
    );
    expect(FailedEntryCount).toBe(0);
    const eventId = Entries?.[0]?.EventId;
    expect(eventId).toBeTruthy();
    // The EventJournal rule's function keeps the event in the platform table.
    const entry = await eventually(async () => {
      const { Item } = await dynamo.send(
        new GetCommand({ TableName: tableName('platform'), Key: { pk: `EVENT#${eventId}`, sk: 'EVENT' } }),
      );
      return Item;
    });
    expect(entry).toMatchObject({ source: 'shop.catalog', detailType: 'ProductChanged', correlationId });
  });

  it('does not deliver an event that no rule matches', async () => {
    const { Entries } = await events.send(
      new PutEventsCommand({
        Entries: [{ EventBusName: eventBusName(), Source: 'other.system', DetailType: 'Noise', Detail: '{}' }],
      }),
    );
    await busSettled();
    const { Item } = await dynamo.send(
      new GetCommand({ TableName: tableName('platform'), Key: { pk: `EVENT#${Entries?.[0]?.EventId}`, sk: 'EVENT' } }),
    );
    expect(Item).toBeUndefined();
  });

  it('reports an invalid entry per entry', async () => {
    const { FailedEntryCount, Entries } = await events.send(
      new PutEventsCommand({
        Entries: [{ EventBusName: eventBusName(), Source: 'shop.catalog', DetailType: 'X', Detail: 'not json' }],
      }),
    );
    expect(FailedEntryCount).toBe(1);
    expect(Entries?.[0]?.ErrorCode).toBeTruthy();
  });
});

describe('Step Functions: the checkout machine', () => {
  const arn = stateMachineArn('Checkout');
  const executionArnOf = (orderId: string) => executionArn('Checkout', orderId);

  it('runs the execution of an order to completion, named after the order, with its history', async () => {
    const { user, token } = await registerCustomer();
    await addToCart(user.id, token, 'prod-mouse-001', 1);
    const { body: order } = await placeOrder(token);
    const execution = await eventually(async () => {
      const described = await sfn.send(new DescribeExecutionCommand({ executionArn: executionArnOf(order.id) }));
      return described.status === 'RUNNING' ? undefined : described;
    });
    expect(execution.status).toBe('SUCCEEDED');
    const output = JSON.parse(execution.output ?? '{}');
    expect(output).toMatchObject({ orderId: order.id, payment: { status: 'SUCCEEDED' } });
    const history = await sfn.send(new GetExecutionHistoryCommand({ executionArn: executionArnOf(order.id) }));
    const types = history.events?.map((e) => e.type) ?? [];
    expect(types[0]).toBe('ExecutionStarted');
    expect(types.at(-1)).toBe('ExecutionSucceeded');
    const entered = history.events
      ?.filter((e) => e.type === 'TaskStateEntered')
      .map((e) => e.stateEnteredEventDetails?.name);
    expect(entered).toEqual(['ReserveStock', 'ChargePayment', 'ConfirmOrder', 'CommitStock']);

    // Standard workflows: a name is never reused once the execution is closed, nor with other input.
    await expect(
      sfn.send(new StartExecutionCommand({ stateMachineArn: arn, name: order.id, input: execution.input ?? '{}' })),
    ).rejects.toBeInstanceOf(ExecutionAlreadyExists);
    await expect(
      sfn.send(new StartExecutionCommand({ stateMachineArn: arn, name: order.id, input: '{"other":true}' })),
    ).rejects.toBeInstanceOf(ExecutionAlreadyExists);
  });
});

needs('mail').describe('SES', () => {
  it('captures a sent email at /_aws/ses in LocalStack shape (and the sandbox on its mail page)', async () => {
    const to = `buyer-${randomUUID()}@example.com`;
    const from = await mailSender();
    const { MessageId } = await ses.send(
      new SendEmailCommand({
        Source: from,
        Destination: { ToAddresses: [to] },
        Message: {
          Subject: { Data: 'Your order <1>' },
          Body: { Text: { Data: 'Thanks!' }, Html: { Data: '<p>Thanks!</p>' } },
        },
      }),
    );
    const { status, body } = await callEndpoint<{ messages: Mail[] }>(`/_aws/ses?email=${to}`);
    expect(status).toBe(200);
    expect(body.messages).toHaveLength(1);
    expect(body.messages[0]).toMatchObject({
      Id: MessageId,
      Region: target.region,
      Source: from,
      Destination: { ToAddresses: [to] },
      Subject: 'Your order <1>',
      Body: { text_part: 'Thanks!', html_part: '<p>Thanks!</p>' },
    });
    expect(typeof body.messages[0]?.Timestamp).toBe('string');
    const byId = await callEndpoint<{ messages: unknown[] }>(`/_aws/ses?id=${MessageId}`);
    expect(byId.body.messages).toHaveLength(1);
    if (has('mailPage')) {
      const page = await callEndpoint<string>('/mail');
      expect(page.body).toContain('Your order &lt;1&gt;');
      expect(page.body).toContain(to);
    }
    await callEndpoint(`/_aws/ses?id=${MessageId}`, { method: 'DELETE' });
    expect((await callEndpoint<{ messages: unknown[] }>(`/_aws/ses?email=${to}`)).body.messages).toHaveLength(0);
  });

  it('rejects a sender that is not a verified identity, as SES does', async () => {
    await expect(
      ses.send(
        new SendEmailCommand({
          Source: 'someone@elsewhere.test',
          Destination: { ToAddresses: ['a@example.com'] },
          Message: { Subject: { Data: 'x' }, Body: { Text: { Data: 'x' } } },
        }),
      ),
    ).rejects.toMatchObject({ name: 'MessageRejected' });
  });
});
