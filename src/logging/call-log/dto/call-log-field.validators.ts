import { ValidateBy, type ValidationOptions } from 'class-validator';
import { isCalendarDateTime } from '../../../common/date-time.js';

/** RingCentral sends ISO-8601 from the browser and epoch milliseconds from server-side logging. */
export const IsCallStartTime = (options?: ValidationOptions): PropertyDecorator =>
  ValidateBy(
    {
      name: 'isCallStartTime',
      validator: {
        validate: (value: unknown) =>
          (typeof value === 'string' && isCalendarDateTime(value)) ||
          (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0),
        defaultMessage: () => '$property must be an ISO-8601 date-time with a valid date and an offset, or epoch milliseconds',
      },
    },
    options,
  );

/** Seconds, or the literal 'pending' for a call logged by server-side logging before it ended. */
export const IsCallDuration = (options?: ValidationOptions): PropertyDecorator =>
  ValidateBy(
    {
      name: 'isCallDuration',
      validator: {
        validate: (value: unknown) =>
          value === 'pending' || (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0),
        defaultMessage: () => "$property must be a whole number of seconds (>= 0) or 'pending'",
      },
    },
    options,
  );
