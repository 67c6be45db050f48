/**
 * Where every domain event comes from: `source` is `shop.<context>`. Its own module, so that a function publishing
 * events does not bundle the event rule table (and what the rules name) to learn it.
 */
export const EVENT_SOURCE_PREFIX = 'shop.';
