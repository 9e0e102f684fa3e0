import 'reflect-metadata';

const KEEP_EXTRA_FIELDS = Symbol('keepExtraFields');

/**
 * Marks a DTO that mirrors a RingCentral object whose schema allows additional
 * properties. The global validation pipe still validates the declared fields but
 * carries the undeclared ones through to the connector instead of stripping them.
 */
export const KeepExtraFields = (): ClassDecorator => (target) => {
  Reflect.defineMetadata(KEEP_EXTRA_FIELDS, true, target);
};

const keepsExtraFields = (value: object): boolean =>
  Reflect.getMetadata(KEEP_EXTRA_FIELDS, value.constructor) === true;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null;

/** Copies back, from the raw body, the undeclared fields of every @KeepExtraFields object. */
export function restoreExtraFields(validated: unknown, raw: unknown): void {
  if (Array.isArray(validated) && Array.isArray(raw)) {
    validated.forEach((item, index) => restoreExtraFields(item, raw[index]));
    return;
  }
  if (!isObject(validated) || !isObject(raw) || validated instanceof Date) return;
  if (keepsExtraFields(validated)) {
    for (const [key, value] of Object.entries(raw)) {
      if (!(key in validated)) validated[key] = value;
    }
  }
  for (const [key, value] of Object.entries(validated)) {
    restoreExtraFields(value, raw[key]);
  }
}
