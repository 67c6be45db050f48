import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { AwsRequest, AwsResponse, AwsService } from './aws-service';
import { RetainedList } from './journal';

/** A captured message, in the shape LocalStack's `GET /_aws/ses` returns. */
export interface CapturedMail {
  Id: string;
  Region: string;
  Timestamp: string;
  Source: string;
  Destination: { ToAddresses: string[]; CcAddresses?: string[]; BccAddresses?: string[] };
  Subject: string;
  Body: { text_part: string | null; html_part: string | null };
}

const xmlEscape = (text: string) =>
  text.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c] ?? c);

const xml = (status: number, body: string): AwsResponse => ({ status, headers: { 'content-type': 'text/xml' }, body });

const queryError = (status: number, code: string, message: string) =>
  xml(
    status,
    `<ErrorResponse xmlns="http://ses.amazonaws.com/doc/2010-12-01/"><Error><Type>Sender</Type><Code>${code}</Code><Message>${xmlEscape(message)}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`,
  );

/** `Destination.ToAddresses.member.1`, `.member.2`, ... in order. */
const members = (form: URLSearchParams, prefix: string): string[] => {
  const values: string[] = [];
  for (let i = 1; form.has(`${prefix}.member.${i}`); i++) values.push(form.get(`${prefix}.member.${i}`) as string);
  return values;
};

const addressOf = (value: string) => (/<([^>]+)>/.exec(value)?.[1] ?? value).trim().toLowerCase();

export interface SesOptions {
  region: string;
  /** Sender identities that count as verified, as in an SES account; others are rejected like AWS does. */
  verifiedIdentities: string[];
  /** Where the mailbox is kept (a folder under DATA_DIR), so it survives a restart; unset, in memory only. */
  dir?: string;
  /** The newest messages kept; older ones are dropped (default 1000). */
  maxMessages?: number;
}

export const DEFAULT_MAX_MESSAGES = 1000;

/**
 * SES v1 (`SendEmail` over the query protocol, as `@aws-sdk/client-ses` sends it): messages are
 * captured, newest last, and never leave the machine. With a `dir`, a message is on disk before SendEmail
 * answers, so the sandbox's restart (or death) loses no mail it accepted; only the newest `maxMessages` are
 * kept, in memory and on disk.
 */
export class LocalSes implements AwsService {
  readonly signingName = 'ses';
  private readonly messages: RetainedList<CapturedMail>;
  private readonly verified: Set<string>;

  constructor(private readonly options: SesOptions) {
    this.verified = new Set(options.verifiedIdentities.map(addressOf));
    this.messages = new RetainedList(
      Math.max(1, options.maxMessages ?? DEFAULT_MAX_MESSAGES),
      options.dir && path.join(options.dir, 'mail.jsonl'),
    );
  }

  async handle(request: AwsRequest): Promise<AwsResponse> {
    const form = new URLSearchParams(request.body);
    const action = form.get('Action');
    if (action === 'SendEmail') return this.sendEmail(form);
    if (action === 'ListIdentities') {
      const identities = [...this.verified].map((id) => `<member>${xmlEscape(id)}</member>`).join('');
      return xml(
        200,
        `<ListIdentitiesResponse xmlns="http://ses.amazonaws.com/doc/2010-12-01/"><ListIdentitiesResult><Identities>${identities}</Identities></ListIdentitiesResult><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></ListIdentitiesResponse>`,
      );
    }
    return queryError(400, 'InvalidAction', `The sandbox's SES does not implement ${action ?? '(no action)'}`);
  }

  private sendEmail(form: URLSearchParams): AwsResponse {
    const source = form.get('Source');
    const to = members(form, 'Destination.ToAddresses');
    const cc = members(form, 'Destination.CcAddresses');
    const bcc = members(form, 'Destination.BccAddresses');
    const subject = form.get('Message.Subject.Data');
    const text = form.get('Message.Body.Text.Data');
    const html = form.get('Message.Body.Html.Data');
    if (!source || subject === null || (text === null && html === null)) {
      return queryError(400, 'ValidationError', 'Source, Message.Subject and a text or HTML body are required');
    }
    if (to.length + cc.length + bcc.length === 0) {
      return queryError(400, 'ValidationError', 'At least one destination address is required');
    }
    if (to.length + cc.length + bcc.length > 50) {
      return queryError(400, 'MessageRejected', 'Too many recipients (at most 50)');
    }
    if (!this.verified.has(addressOf(source))) {
      return queryError(
        400,
        'MessageRejected',
        `Email address is not verified. The identity ${source} is not verified`,
      );
    }
    const id = `${randomUUID()}-000000`;
    this.messages.push({
      Id: id,
      Region: this.options.region,
      Timestamp: new Date().toISOString(),
      Source: source,
      Destination: {
        ToAddresses: to,
        ...(cc.length > 0 && { CcAddresses: cc }),
        ...(bcc.length > 0 && { BccAddresses: bcc }),
      },
      Subject: subject,
      Body: { text_part: text, html_part: html },
    });
    return xml(
      200,
      `<SendEmailResponse xmlns="http://ses.amazonaws.com/doc/2010-12-01/"><SendEmailResult><MessageId>${id}</MessageId></SendEmailResult><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></SendEmailResponse>`,
    );
  }

  /** LocalStack's filters: `id` (message id) and `email` (here: the sender or any recipient). */
  list(filter: { id?: string | null; email?: string | null } = {}): CapturedMail[] {
    const email = filter.email ? addressOf(filter.email) : undefined;
    return this.messages
      .all()
      .filter(
        (m) =>
          (!filter.id || m.Id === filter.id) &&
          (!email ||
            addressOf(m.Source) === email ||
            [...m.Destination.ToAddresses, ...(m.Destination.CcAddresses ?? []), ...(m.Destination.BccAddresses ?? [])]
              .map(addressOf)
              .includes(email)),
      );
  }

  /** Deletes one message by id, or all; returns how many went. */
  clear(id?: string | null): number {
    return this.messages.remove(id ? (m) => m.Id !== id : undefined);
  }

  async healthy(): Promise<boolean> {
    return true;
  }
}
