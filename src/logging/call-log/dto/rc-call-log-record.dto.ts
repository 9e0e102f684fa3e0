import { ApiProperty, ApiPropertyOptional, type ApiPropertyOptions } from '@nestjs/swagger';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsString,
  MaxLength,
  Min,
} from 'class-validator';
import { Optional, OptionalDateTime, OptionalNested, OptionalNestedArray, OptionalString, OptionalUrl } from '../../../common/dto/field-decorators.js';
import { KeepExtraFields } from '../../../common/keep-extra-fields.js';
import { IsCallDuration, IsCallStartTime } from './call-log-field.validators.js';

export const CALL_DIRECTIONS = ['Inbound', 'Outbound'] as const;
export const CALL_TYPES = ['Voice', 'Fax'] as const;
export const RECORDING_TYPES = ['Automatic', 'OnDemand'] as const;
export type CallDirection = (typeof CALL_DIRECTIONS)[number];

export const START_TIME_SCHEMA: ApiPropertyOptions = {
  oneOf: [
    { type: 'string', format: 'date-time' },
    { type: 'integer', format: 'int64', minimum: 0 },
  ],
  description: 'Call start as ISO 8601 date-time or epoch milliseconds.',
  example: '2026-06-24T02:30:00.000Z',
};

/** RingCentral caller or callee; unknown RingCentral fields are kept for connectors. */
@KeepExtraFields()
export class RcPartyDto {
  [key: string]: unknown;

  @OptionalString(64, { example: '+14155550100' })
  phoneNumber?: string;

  @OptionalString(64, { example: '101' })
  extensionNumber?: string;

  @OptionalString(64)
  extensionId?: string;

  @OptionalString(255, { example: 'Jane Smith' })
  name?: string;

  @OptionalString(255)
  location?: string;
}

/** RingCentral recording metadata. `contentUri` needs a RingCentral token; `link` is for browsers. */
@KeepExtraFields()
export class RcCallRecordingDto {
  [key: string]: unknown;

  @OptionalString(64)
  id?: string;

  @OptionalUrl(2048)
  uri?: string;

  @ApiPropertyOptional({ enum: RECORDING_TYPES })
  @Optional()
  @IsIn(RECORDING_TYPES)
  type?: (typeof RECORDING_TYPES)[number];

  @OptionalUrl(2048)
  contentUri?: string;

  @OptionalUrl(2048, { example: 'https://example.com/recording/123' })
  link?: string;
}

/** One leg of a detailed RingCentral call record. */
@KeepExtraFields()
export class RcCallLogLegDto {
  [key: string]: unknown;

  @OptionalString(64)
  legType?: string;

  @ApiPropertyOptional()
  @Optional()
  @IsBoolean()
  master?: boolean;

  @ApiPropertyOptional({ enum: CALL_DIRECTIONS })
  @Optional()
  @IsIn(CALL_DIRECTIONS)
  direction?: CallDirection;

  @OptionalString(64, { example: 'VoIP Call' })
  action?: string;

  @OptionalString(64, { example: 'Accepted' })
  result?: string;

  @OptionalDateTime()
  startTime?: string;

  @ApiPropertyOptional({ description: 'Seconds.' })
  @Optional()
  @IsInt()
  @Min(0)
  duration?: number;

  @OptionalNested(() => RcPartyDto)
  from?: RcPartyDto;

  @OptionalNested(() => RcPartyDto)
  to?: RcPartyDto;
}

/** The RingCentral call record (`logInfo`); unknown RingCentral fields reach the connector. */
@KeepExtraFields()
export class RcCallLogRecordDto {
  [key: string]: unknown;

  @OptionalString(128, { example: '123456789' })
  id?: string;

  @ApiProperty({ description: 'RingCentral call session id: the de-duplication key.', example: '987654321' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(255)
  sessionId: string;

  @OptionalString(255)
  telephonySessionId?: string;

  @ApiPropertyOptional({ enum: CALL_DIRECTIONS })
  @Optional()
  @IsIn(CALL_DIRECTIONS)
  direction?: CallDirection;

  @ApiPropertyOptional({ enum: CALL_TYPES })
  @Optional()
  @IsIn(CALL_TYPES)
  type?: (typeof CALL_TYPES)[number];

  @OptionalString(64)
  action?: string;

  @OptionalString(64, { example: 'Accepted' })
  result?: string;

  @OptionalString(255)
  reason?: string;

  @ApiPropertyOptional(START_TIME_SCHEMA)
  @Optional()
  @IsCallStartTime()
  startTime?: string | number;

  @ApiPropertyOptional({
    oneOf: [
      { type: 'integer', format: 'int64', minimum: 0 },
      { type: 'string', enum: ['pending'] },
    ],
    description: "Seconds, or 'pending' while the call is still in progress.",
    example: 125,
  })
  @Optional()
  @IsCallDuration()
  duration?: number | 'pending';

  @OptionalNested(() => RcPartyDto)
  from?: RcPartyDto;

  @OptionalNested(() => RcPartyDto)
  to?: RcPartyDto;

  @OptionalNested(() => RcCallRecordingDto)
  recording?: RcCallRecordingDto;

  @OptionalNestedArray(() => RcCallLogLegDto)
  legs?: RcCallLogLegDto[];

  @OptionalString(512, { description: 'Activity subject chosen by the client.' })
  customSubject?: string;
}
