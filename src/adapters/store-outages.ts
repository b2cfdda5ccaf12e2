import { UnavailableError } from '../domain/kernel/errors.js';

/**
 * Wraps a store so that every method that fails because its backing service cannot be
 * reached (as `isOutage` tells, knowing its driver) rejects with the domain's
 * `UnavailableError` instead. Everything else (a `DuplicateKeyError`, a bug) passes
 * through unchanged. One wrapper per adapter family keeps the driver's error classes
 * inside the adapters: nothing above them needs to know which store it talks to.
 */
export function reportingOutages<T extends object>(store: T, what: string, isOutage: (error: unknown) => boolean): T {
  const translate = (error: unknown): unknown => (isOutage(error) ? new UnavailableError(what, { cause: error }) : error);
  return new Proxy(store, {
    get(target, key) {
      const value: unknown = Reflect.get(target, key, target);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]): unknown => {
        let result: unknown;
        try {
          result = (value as (...a: unknown[]) => unknown).apply(target, args);
        } catch (error) {
          throw translate(error);
        }
        return result instanceof Promise ? result.catch((error: unknown) => Promise.reject(translate(error))) : result;
      };
    },
  });
}
