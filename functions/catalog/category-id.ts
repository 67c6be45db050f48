/** A category's id: the slug of its name, so that `Audio`, `audio` and ` AUDIO ` name the same category. */
export const categoryIdOf = (name: string): string =>
  name
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
