import type { ValidationError } from 'class-validator';

export interface FieldError {
  /** Path from the root of the input, e.g. logInfo.messages.0.creationTime. */
  field: string;
  message: string;
}

// When a field breaks several rules, the one about its kind says the most: a missing
// sessionId is "required", not "too long".
const SHAPE_CONSTRAINTS = [
  'isDefined',
  'isObject',
  'isArray',
  'nestedValidation',
  'isString',
  'isBoolean',
  'isInt',
  'isNumber',
];

/**
 * Validators of free-form maps (settings) know which entry is at fault; they register how
 * to find it, so the path reaches into the map without reading it back out of the message.
 */
const entryPaths = new Map<string, (value: unknown) => string | undefined>();

export function registerEntryPath(constraint: string, entryOf: (value: unknown) => string | undefined): void {
  entryPaths.set(constraint, entryOf);
}

/** One message per field, named by its path, from class-validator's structured errors. */
export function fieldErrors(errors: ValidationError[], parent = ''): FieldError[] {
  const found: FieldError[] = [];
  for (const error of errors) {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const constraints = error.constraints ?? {};
    const names = Object.keys(constraints);
    if (names.length > 0) {
      const entry = names.map((name) => entryPaths.get(name)?.(error.value)).find((key) => key !== undefined);
      found.push({ field: entry === undefined ? field : `${field}.${entry}`, message: messageFor(field, error, constraints, names) });
    } else if (error.children?.length) {
      found.push(...fieldErrors(error.children, field));
    }
  }
  return found;
}

function messageFor(
  field: string,
  error: ValidationError,
  constraints: Record<string, string>,
  names: string[],
): string {
  if (error.value === undefined) return `${field} is required`;
  if (error.value === null) return `${field} must not be null`;
  const name = SHAPE_CONSTRAINTS.find((candidate) => candidate in constraints) ?? names[0]!;
  if (name === 'nestedValidation') {
    return `${field} must be ${Array.isArray(error.value) ? 'an object, not an array' : 'an object'}`;
  }
  const text = constraints[name]!;
  // class-validator starts its messages with the bare property name ("each value in" for arrays).
  if (text.startsWith(`${error.property} `)) return `${field}${text.slice(error.property.length)}`;
  if (text.startsWith('each value in ')) return `each value in ${field}${text.slice(`each value in ${error.property}`.length)}`;
  return `${field}: ${text}`;
}
