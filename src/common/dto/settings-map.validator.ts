import { registerDecorator, type ValidationArguments, type ValidationOptions } from 'class-validator';
import { registerEntryPath } from '../validation-errors.js';

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The first key whose entry is not a `{ value, ... }` object, or undefined when all are. */
function firstBadKey(map: Record<string, unknown>): string | undefined {
  return Object.keys(map).find((key) => !isPlainObject(map[key]));
}

registerEntryPath('isSettingsMap', (value) => (isPlainObject(value) ? firstBadKey(value) : undefined));

/**
 * A settings map: an object whose every entry is an object (`{ value, ... }`). The message
 * names the bad entry (`userSettings.theme`), and so does the field path reported.
 */
export function IsSettingsMap(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isSettingsMap',
      target: target.constructor,
      propertyName: propertyName as string,
      options,
      validator: {
        validate: (value: unknown) => isPlainObject(value) && firstBadKey(value) === undefined,
        defaultMessage: ({ property, value }: ValidationArguments) => {
          if (!isPlainObject(value)) return `${property} must be an object of settings keyed by id`;
          return `${property}.${firstBadKey(value)} must be an object such as { "value": ... }`;
        },
      },
    });
}
