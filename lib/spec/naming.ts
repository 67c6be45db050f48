/** `list-products` -> `ListProducts`, `{id}` -> `Id`: construct ids and stack output names from the tables' names. */
export const pascalCase = (text: string): string =>
  text
    .split(/[^A-Za-z0-9]+/)
    .filter((word) => word.length > 0)
    .map((word) => word[0]?.toUpperCase() + word.slice(1))
    .join('');
