import { ApiProperty, ApiPropertyOptional, type ApiPropertyOptions } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { KeepExtraFields } from '../../../common/keep-extra-fields.js';
import { IsCallDuration, IsCallStartTime } from './call-log-field.validators.js';

export const CALL_DIRECTIONS = ['Inbound', 'Outbound'] as const;
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

  @ApiPropertyOptional({ example: '+14155550100' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  phoneNumber?: string;

  @ApiPropertyOptional({ example: '101' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  extensionNumber?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(64)
  extensionId?: string;

  @ApiPropertyOptional({ example: 'Jane Smith' })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  name?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(255)
  location?: string;
}

/** RingCentral recording metadata. `contentUri` needs a RingCentral token; `link` is for browsers. */
@KeepExtraFields()
export class RcCallRecordingDto {
  [key: string]: unknown;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(64)
  id?: string;

  @ApiPropertyOptional({ format: 'uri' })
  @IsOptional()
  @IsString()
  @MaxLength(2048)
  uri?: string;

  @ApiPropertyOptional({ enum: ['Automatic', 'OnDemand'] })
  @IsOptional()
  @IsString()
  @MaxLength(32)
  type?: string;

  @ApiPropertyOptional({ format: 'uri' })
  @IsOptional()
  @IsString()
  @MaxLength(2048)
  contentUri?: string;

  @ApiPropertyOptional({ format: 'uri', example: 'https://example.com/recording/123' })
  @IsOptional()
  @IsString()
  @MaxLength(2048)
  link?: string;
}

/** One leg of a detailed RingCentral call record. */
@KeepExtraFields()
export class RcCallLogLegDto {
  [key: string]: unknown;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(64)
  legType?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  master?: boolean;

  @ApiPropertyOptional({ enum: CALL_DIRECTIONS })
  @IsOptional()
  @IsIn(CALL_DIRECTIONS)
  direction?: CallDirection;

  @ApiPropertyOptional({ example: 'VoIP Call' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  action?: string;

  @ApiPropertyOptional({ example: 'Accepted' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  result?: string;

  @ApiPropertyOptional({ format: 'date-time' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  startTime?: string;

  @ApiPropertyOptional({ description: 'Seconds.' })
  @IsOptional()
  @IsInt()
  @Min(0)
  duration?: number;

  @ApiPropertyOptional({ type: () => RcPartyDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => RcPartyDto)
  from?: RcPartyDto;

  @ApiPropertyOptional({ type: () => RcPartyDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => RcPartyDto)
  to?: RcPartyDto;
}

/** The RingCentral call record (`logInfo`); unknown RingCentral fields reach the connector. */
@KeepExtraFields()
export class RcCallLogRecordDto {
  [key: string]: unknown;

  @ApiPropertyOptional({ example: '123456789' })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  id?: string;

  @ApiProperty({ description: 'RingCentral call session id: the de-duplication key.', example: '987654321' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(255)
  sessionId: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(255)
  telephonySessionId?: string;

  @ApiPropertyOptional({ enum: CALL_DIRECTIONS })
  @IsOptional()
  @IsIn(CALL_DIRECTIONS)
  direction?: CallDirection;

  @ApiPropertyOptional({ enum: ['Voice', 'Fax'] })
  @IsOptional()
  @IsString()
  @MaxLength(32)
  type?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(64)
  action?: string;

  @ApiPropertyOptional({ example: 'Accepted' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  result?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(255)
  reason?: string;

  @ApiPropertyOptional(START_TIME_SCHEMA)
  @IsOptional()
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
  @IsOptional()
  @IsCallDuration()
  duration?: number | 'pending';

  @ApiPropertyOptional({ type: () => RcPartyDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => RcPartyDto)
  from?: RcPartyDto;

  @ApiPropertyOptional({ type: () => RcPartyDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => RcPartyDto)
  to?: RcPartyDto;

  @ApiPropertyOptional({ type: () => RcCallRecordingDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => RcCallRecordingDto)
  recording?: RcCallRecordingDto;

  @ApiPropertyOptional({ type: () => [RcCallLogLegDto] })
  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => RcCallLogLegDto)
  legs?: RcCallLogLegDto[];

  @ApiPropertyOptional({ description: 'Activity subject chosen by the client.' })
  @IsOptional()
  @IsString()
  @MaxLength(512)
  customSubject?: string;
}
