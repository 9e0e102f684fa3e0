import type { TransformFnParams } from 'class-transformer';

/**
 * Query parameters arrive as strings, and Boolean('false') is true. Maps exactly
 * 'true' and 'false'; anything else is left as is so @IsBoolean() rejects it with
 * a 400 naming the parameter instead of guessing.
 */
export const queryBoolean = ({ value }: TransformFnParams): unknown => {
  if (value === 'true') return true;
  if (value === 'false') return false;
  return value;
};
