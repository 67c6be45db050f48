import { pascalCase } from '../spec/naming';

/** The bounded context of a handler is the first folder of its path: `catalog/handlers/http/get-product` -> `catalog`. */
export const contextOf = (handler: string): string => {
  const [context] = handler.split('/');
  if (!context || !handler.includes('/')) throw new Error(`Handler "${handler}" must be <context>/<path>`);
  return context;
};

/** The folders of `<context>/handlers/`, named after what invokes the handlers in them. */
export const TRIGGERS = ['http', 'saga', 'events', 'deploy'] as const;

/**
 * `catalog/handlers/http/get-product` -> `GetProduct`: the module's name only. The trigger folder is left
 * out on purpose: the ids (and the logical ids and function names CloudFormation derives from them) stay
 * what they were before handlers were grouped by trigger, and moving a handler to another folder never
 * replaces its function.
 */
export const functionIdOf = (handler: string): string => {
  const [, handlers, trigger, name, ...rest] = handler.split('/');
  if (handlers !== 'handlers' || !TRIGGERS.includes(trigger as never) || !name || rest.length > 0) {
    throw new Error(`Handler "${handler}" must be <context>/handlers/<${TRIGGERS.join('|')}>/<name>`);
  }
  return pascalCase(name);
};
