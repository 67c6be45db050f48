/** `list-products` -> `ListProducts`, `{id}` -> `Id`: construct ids from the tables' names. */
export const pascalCase = (text: string): string =>
  text
    .split(/[^A-Za-z0-9]+/)
    .filter((word) => word.length > 0)
    .map((word) => word[0]?.toUpperCase() + word.slice(1))
    .join('');

/** The bounded context of a handler is the first folder of its path: `catalog/handlers/get-product` -> `catalog`. */
export const contextOf = (handler: string): string => {
  const [context] = handler.split('/');
  if (!context || !handler.includes('/')) throw new Error(`Handler "${handler}" must be <context>/<path>`);
  return context;
};

/** `catalog/handlers/get-product` -> `GetProduct`. */
export const functionIdOf = (handler: string): string => pascalCase(handler.split('/').at(-1) ?? handler);
