import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EVENT_DOCS_PATH, renderEventDocs } from '../../../bin/generate-event-docs';
import { detailTypes } from '../../../functions/shared/event-catalog';

describe('docs/events.md', () => {
  it('is what the event catalog renders (regenerate with `npx tsx bin/generate-event-docs.ts`)', () => {
    expect(readFileSync(EVENT_DOCS_PATH, 'utf8')).toBe(renderEventDocs());
  });

  it('lists every event with its source and fields', () => {
    const doc = renderEventDocs();
    for (const detailType of detailTypes) expect(doc).toContain(`## ${detailType}\n`);
    expect(doc).toContain('- source: `shop.inventory`');
    expect(doc).toMatch(/\| `shippingAddress\.line1` +\| string \(max 200 chars\) +\| yes +\|/);
    expect(doc).toContain('EmailNotifications → `notifications/handlers/events/send-notification`');
  });
});
