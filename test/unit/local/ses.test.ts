import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { JsonLines } from '../../../local/journal';
import { LocalSes } from '../../../local/ses';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
const tempDir = () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'ses-'));
  dirs.push(dir);
  return dir;
};

const ses = (dir?: string, maxMessages?: number) =>
  new LocalSes({
    region: 'us-east-1',
    verifiedIdentities: ['no-reply@shop.local'],
    ...(dir && { dir }),
    ...(maxMessages && { maxMessages }),
  });

const send = async (mailbox: LocalSes, to: string, subject = `Hello ${to}`) => {
  const form = new URLSearchParams({
    Action: 'SendEmail',
    Source: 'no-reply@shop.local',
    'Destination.ToAddresses.member.1': to,
    'Message.Subject.Data': subject,
    'Message.Body.Text.Data': 'text',
  });
  const reply = await mailbox.handle({ target: undefined, headers: {}, body: form.toString() });
  expect(reply.status).toBe(200);
};

describe('LocalSes: a mailbox kept under DATA_DIR', () => {
  it('keeps every accepted message across a restart, in order, with the same ids', async () => {
    const dir = tempDir();
    const first = ses(dir);
    await send(first, 'a@example.com');
    await send(first, 'b@example.com');
    const before = first.list();

    const restarted = ses(dir);
    expect(restarted.list()).toEqual(before);
    await send(restarted, 'c@example.com');
    expect(
      ses(dir)
        .list()
        .map((m) => m.Destination.ToAddresses[0]),
    ).toEqual(['a@example.com', 'b@example.com', 'c@example.com']);
  });

  it('keeps deletions across a restart', async () => {
    const dir = tempDir();
    const mailbox = ses(dir);
    await send(mailbox, 'a@example.com');
    await send(mailbox, 'b@example.com');
    const [first] = mailbox.list();
    expect(mailbox.clear(first?.Id)).toBe(1);
    expect(
      ses(dir)
        .list()
        .map((m) => m.Destination.ToAddresses[0]),
    ).toEqual(['b@example.com']);
    expect(mailbox.clear()).toBe(1);
    expect(ses(dir).list()).toEqual([]);
  });

  it('keeps only the newest messages, in memory and on disk', async () => {
    const dir = tempDir();
    const mailbox = ses(dir, 3);
    for (let i = 1; i <= 10; i++) await send(mailbox, `u${i}@example.com`);
    const newest = ['u8@example.com', 'u9@example.com', 'u10@example.com'];
    expect(mailbox.list().map((m) => m.Destination.ToAddresses[0])).toEqual(newest);
    // The file is compacted as it goes: never more than twice what is kept.
    const lines = readFileSync(path.join(dir, 'mail.jsonl'), 'utf8').trim().split('\n');
    expect(lines.length).toBeLessThanOrEqual(6);
    expect(
      ses(dir, 3)
        .list()
        .map((m) => m.Destination.ToAddresses[0]),
    ).toEqual(newest);
  });

  it('survives a message cut short by a kill, and appends after it cleanly', async () => {
    const dir = tempDir();
    await send(ses(dir), 'a@example.com');
    appendFileSync(path.join(dir, 'mail.jsonl'), '{"Id":"torn","Subj');
    const restarted = ses(dir);
    expect(restarted.list()).toHaveLength(1);
    await send(restarted, 'b@example.com');
    expect(
      ses(dir)
        .list()
        .map((m) => m.Destination.ToAddresses[0]),
    ).toEqual(['a@example.com', 'b@example.com']);
  });

  it('lives in memory alone without a folder', async () => {
    const mailbox = ses();
    await send(mailbox, 'a@example.com');
    expect(mailbox.list()).toHaveLength(1);
    expect(ses().list()).toEqual([]);
  });
});

describe('JsonLines', () => {
  it('rewrites a file at once, and reads nothing from a missing one', () => {
    const file = path.join(tempDir(), 'sub', 'records.jsonl');
    const journal = new JsonLines<{ n: number }>(file);
    expect(journal.read()).toEqual([]);
    journal.append({ n: 1 }, { n: 2 });
    journal.rewrite([{ n: 3 }]);
    journal.append({ n: 4 });
    expect(new JsonLines(file).read()).toEqual([{ n: 3 }, { n: 4 }]);
  });
});
