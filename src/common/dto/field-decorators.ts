import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional, type ApiPropertyOptions } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsArray, IsObject, IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';

/** Longest free text we accept (notes, transcripts): large, but bounded. */
export const MAX_TEXT_LENGTH = 100_000;

type DtoClass = new (...args: never[]) => unknown;

/**
 * The validation and documentation stacks our DTOs repeat, composed once so a rule
 * and its OpenAPI description cannot drift apart.
 */
export const OptionalString = (maxLength: number, api: ApiPropertyOptions = {}) =>
  applyDecorators(
    ApiPropertyOptional({ maxLength, ...api } as ApiPropertyOptions),
    IsOptional(),
    IsString(),
    MaxLength(maxLength),
  );

export const OptionalText = (api: ApiPropertyOptions = {}) => OptionalString(MAX_TEXT_LENGTH, api);

/** A free-form JSON object (additionalSubmission, RingSense scores...). */
export const OptionalObject = (api: ApiPropertyOptions = {}) =>
  applyDecorators(
    ApiPropertyOptional({ type: 'object', additionalProperties: true, ...api } as ApiPropertyOptions),
    IsOptional(),
    IsObject(),
  );

export const OptionalNested = (type: () => DtoClass, api: ApiPropertyOptions = {}) =>
  applyDecorators(
    ApiPropertyOptional({ type, ...api } as ApiPropertyOptions),
    IsOptional(),
    ValidateNested(),
    Type(type),
  );

export const OptionalNestedArray = (type: () => DtoClass, api: ApiPropertyOptions = {}) =>
  applyDecorators(
    ApiPropertyOptional({ type: () => [type()], ...api } as ApiPropertyOptions),
    IsOptional(),
    IsArray(),
    ValidateNested({ each: true }),
    Type(type),
  );
