#!/usr/bin/env node
/**
 * Writes docs/events.md from the event catalog (functions/shared/event-catalog.ts):
 *   npx tsx bin/generate-event-docs.ts
 * test/unit/shared/event-docs.test.ts fails while the committed document differs from what this renders.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as z from 'zod/mini';
import { detailTypes, eventCatalog } from '../functions/shared/event-catalog';
import { eventRules, isScheduled, type PatternRule } from '../lib/spec/event-rules';

export const EVENT_DOCS_PATH = path.resolve(import.meta.dirname, '..', 'docs', 'events.md');

interface JsonSchema {
  type?: string;
  const?: unknown;
  enum?: unknown[];
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
}

const typeOf = (schema: JsonSchema): string => {
  if (schema.const !== undefined) return `\`${JSON.stringify(schema.const)}\``;
  if (schema.enum) return schema.enum.map((v) => `\`${JSON.stringify(v)}\``).join(' \\| ');
  if (schema.type === 'array') return `array of ${schema.items ? typeOf(schema.items) : 'any'}`;
  const notes: string[] = [];
  if (schema.format) notes.push(schema.format);
  else if (schema.pattern) notes.push(`\`/${schema.pattern}/\``);
  if (schema.minLength !== undefined && schema.minLength > 0) notes.push(`min ${schema.minLength} chars`);
  if (schema.maxLength !== undefined) notes.push(`max ${schema.maxLength} chars`);
  if (schema.minimum !== undefined && schema.minimum >= 0) notes.push(`≥ ${schema.minimum}`);
  return `${schema.type ?? 'any'}${notes.length > 0 ? ` (${notes.join(', ')})` : ''}`;
};

/** One row per field; nested objects (and objects in arrays) as dotted paths. */
const fieldRows = (schema: JsonSchema, prefix = ''): string[][] =>
  Object.entries(schema.properties ?? {}).flatMap(([name, field]) => {
    const fieldPath = `${prefix}${name}`;
    const row = [`\`${fieldPath}\``, typeOf(field), schema.required?.includes(name) ? 'yes' : 'no'];
    const nested = field.type === 'array' ? field.items : field;
    const children =
      nested?.type === 'object' ? fieldRows(nested, `${fieldPath}${field.type === 'array' ? '[].' : '.'}`) : [];
    return [row, ...children];
  });

/** A markdown table with padded columns, as the repository's formatter (Biome) writes it. */
const table = (header: string[], rows: string[][]): string[] => {
  const widths = header.map((h, i) => Math.max(h.length, 3, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
};

const subscribers = (detailType: string, source: string): string[] =>
  eventRules
    .filter((rule): rule is PatternRule => !isScheduled(rule))
    .filter((rule) => {
      const types = rule.pattern['detail-type'];
      const sources = rule.pattern.source;
      const typeMatches = !Array.isArray(types) || types.includes(detailType);
      const sourceMatches =
        !Array.isArray(sources) ||
        sources.some((s) => s === source || (typeof s === 'object' && s !== null && 'prefix' in s));
      return typeMatches && sourceMatches;
    })
    .map((rule) => `${rule.name}${rule.pattern.detail ? ' (some)' : ''} → \`${rule.target.handler}\``);

export const renderEventDocs = (): string => {
  const sections = detailTypes.map((detailType) => {
    const entry = eventCatalog[detailType];
    const source = `shop.${entry.context}`;
    const schema = z.toJSONSchema(entry.detail, { io: 'input' }) as JsonSchema;
    const rules = subscribers(detailType, source);
    return [
      `## ${detailType}`,
      '',
      entry.description,
      '',
      `- source: \`${source}\``,
      `- detail version: ${JSON.stringify(schema.properties?.version?.const)}`,
      `- delivered to: ${rules.length > 0 ? rules.join('; ') : 'no rule yet'}`,
      '',
      ...table(['detail field', 'type', 'required'], fieldRows(schema)),
      '',
    ].join('\n');
  });
  return [
    '# Domain events',
    '',
    '<!-- Generated from functions/shared/event-catalog.ts by `npx tsx bin/generate-event-docs.ts`: do not edit. -->',
    '',
    'Every event goes on the platform bus through `publish()` (functions/shared/events.ts), which validates its',
    'detail against the catalog before `PutEvents`. EventBridge adds the envelope: `id` (new on every publish),',
    "`time` (the event's own time, given by its publisher), `source`, `detail-type`, `account`, `region`,",
    '`resources`. Every detail carries `version` (of its shape), `correlationId` (the request that caused it) and',
    "`eventId`: the event's own id, the same however often it is published (an outbox's republish, a replay",
    'from the archive). Consumers do an event once per `eventId` (`eventKey()`, the envelope `id` for an event',
    'without one).',
    '',
    "Order and payment events are never lost: each is written in its table's outbox in the same DynamoDB",
    'transaction as the change it reports (functions/shared/outbox.ts), published by the writer right after, and',
    'published by a scheduled sweeper if that failed. Delivery is therefore at least once: a consumer may see an',
    'event twice, with the same `eventId`. The bus keeps every `shop.*` event in its archive (30 days in prod) for',
    'replay.',
    '',
    ...sections,
  ].join('\n');
};

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  writeFileSync(EVENT_DOCS_PATH, renderEventDocs());
  console.log(`Wrote ${path.relative(process.cwd(), EVENT_DOCS_PATH)}`);
}
