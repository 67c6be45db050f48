const dateTime = new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeStyle: 'short' });
const date = new Intl.DateTimeFormat('en-US', { dateStyle: 'medium' });

export const formatDateTime = (iso: string) => dateTime.format(new Date(iso));
export const formatDate = (iso: string) => date.format(new Date(iso));

/** `ord_1a2b3c4d-…` -> `1A2B3C4D`: enough to tell a shopper's orders apart and to quote on the phone. */
export const shortOrderId = (id: string) => id.replace(/^ord_/, '').slice(0, 8).toUpperCase();
