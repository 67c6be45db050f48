/**
 * `Promise.withResolvers` (ES2024) for Node 20: aws-local-stepfunctions calls it for every Task
 * state's timeout, and Node ships it only from 22. Installed only when absent, so a newer runtime
 * keeps its native implementation. Typed locally because our `lib` is ES2023.
 */
export interface PromiseResolvers<T> {
  promise: Promise<T>;
  resolve: (value: T | PromiseLike<T>) => void;
  reject: (reason?: unknown) => void;
}

type WithResolvers = <T>(this: PromiseConstructor) => PromiseResolvers<T>;

function withResolvers<T>(this: PromiseConstructor): PromiseResolvers<T> {
  let resolve!: PromiseResolvers<T>['resolve'];
  let reject!: PromiseResolvers<T>['reject'];
  // `this` as the constructor, as the specification does, so subclasses get their own kind.
  const promise = new this<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Installs the polyfill on `target` when it lacks one; returns whether it did. */
export const installPromiseWithResolvers = (target: PromiseConstructor = Promise): boolean => {
  const ctor = target as PromiseConstructor & { withResolvers?: WithResolvers };
  if (typeof ctor.withResolvers === 'function') return false;
  // Non-enumerable and writable, like the built-in it stands in for.
  Object.defineProperty(ctor, 'withResolvers', { value: withResolvers, writable: true, configurable: true });
  return true;
};

installPromiseWithResolvers();
