import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional, type ApiPropertyOptions } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsObject,
  IsString,
  IsUrl,
  MaxLength,
  ValidateBy,
  ValidateIf,
  ValidateNested,
  type ValidationOptions,
} from 'class-validator';
import { isCalendarDateTime } from '../date-time.js';

/** Longest free text we accept (notes, transcripts): large, but bounded. */
export const MAX_TEXT_LENGTH = 100_000;

/** Longest list of RingCentral objects (legs, recipients, attachments) a field may hold. */
export const MAX_LIST_LENGTH = 100;

/**
 * Like IsOptional, except that only an absent field is skipped: the contract makes no
 * request field nullable, so `null` where an object or string belongs is a 400, not a
 * value the service must guess about.
 */
export const Optional = (): PropertyDecorator => ValidateIf((_object, value) => value !== undefined);

/** An ISO-8601 date-time with its offset (RFC 3339) that names a real calendar day and time. */
export const IsDateTime = (options?: ValidationOptions): PropertyDecorator =>
  ValidateBy(
    {
      name: 'isDateTime',
      validator: {
        validate: (value: unknown) => typeof value === 'string' && isCalendarDateTime(value),
        defaultMessage: () => '$property must be an ISO-8601 date-time with a valid date and an offset, such as 2026-06-24T02:30:00.000Z',
      },
    },
    options,
  );

export const OptionalDateTime = (api: ApiPropertyOptions = {}) =>
  applyDecorators(ApiPropertyOptional({ type: 'string', format: 'date-time', ...api } as ApiPropertyOptions), Optional(), IsDateTime());

/** An absolute http(s) URL (recording and media links the CRM will show). */
export const OptionalUrl = (maxLength: number, api: ApiPropertyOptions = {}) =>
  applyDecorators(
    ApiPropertyOptional({ type: 'string', format: 'uri', maxLength, ...api } as ApiPropertyOptions),
    Optional(),
    IsString(),
    MaxLength(maxLength),
    IsUrl(
      { protocols: ['http', 'https'], require_protocol: true, require_tld: false },
      { message: '$property must be an absolute http or https URL' },
    ),
  );

type DtoClass = new (...args: never[]) => unknown;

/**
 * The validation and documentation stacks our DTOs repeat, composed once so a rule
 * and its OpenAPI description cannot drift apart.
 */
export const OptionalString = (maxLength: number, api: ApiPropertyOptions = {}) =>
  applyDecorators(
    ApiPropertyOptional({ type: 'string', maxLength, ...api } as ApiPropertyOptions),
    Optional(),
    IsString(),
    MaxLength(maxLength),
  );

export const OptionalText = (api: ApiPropertyOptions = {}) => OptionalString(MAX_TEXT_LENGTH, api);

/** A free-form JSON object (additionalSubmission, RingSense scores...). */
export const OptionalObject = (api: ApiPropertyOptions = {}) =>
  applyDecorators(
    ApiPropertyOptional({ type: 'object', additionalProperties: true, ...api } as ApiPropertyOptions),
    Optional(),
    IsObject(),
  );

export const OptionalNested = (type: () => DtoClass, api: ApiPropertyOptions = {}) =>
  applyDecorators(
    // The class itself, not the thunk: Swagger names a schema after the function it is
    // given, and an arrow function has no name (an empty $ref).
    ApiPropertyOptional({ type: type(), ...api } as ApiPropertyOptions),
    Optional(),
    IsObject(),
    ValidateNested(),
    Type(type),
  );

export const OptionalNestedArray = (type: () => DtoClass, api: ApiPropertyOptions = {}) =>
  applyDecorators(
    ApiPropertyOptional({ type: [type()], maxItems: MAX_LIST_LENGTH, ...api } as ApiPropertyOptions),
    Optional(),
    IsArray(),
    ArrayMaxSize(MAX_LIST_LENGTH),
    IsObject({ each: true }),
    ValidateNested({ each: true }),
    Type(type),
  );
