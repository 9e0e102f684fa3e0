import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsNotEmpty, IsString, MaxLength, Min } from 'class-validator';
import { Optional, OptionalNested, OptionalNestedArray, OptionalString, OptionalUrl } from '../../../common/dto/field-decorators.js';
import { CallLogContentDto } from './call-log-content.dto.js';
import { IsCallStartTime } from './call-log-field.validators.js';
import {
  CALL_DIRECTIONS,
  type CallDirection,
  RcCallLogLegDto,
  RcPartyDto,
  START_TIME_SCHEMA,
} from './rc-call-log-record.dto.js';

/** PATCH /callLog: finds the log by session key and changes only the fields sent. */
export class UpdateCallLogDto extends CallLogContentDto {
  @ApiProperty({ example: '987654321' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(255)
  sessionId: string;

  @OptionalString(64, { example: '101' })
  extensionNumber?: string;

  @OptionalString(255)
  hashedExtensionId?: string;

  @OptionalString(255, { description: 'Accepted, not used for the key.' })
  rcExtensionId?: string;

  @OptionalString(255)
  accountId?: string;

  @OptionalString(255)
  telephonySessionId?: string;

  @OptionalUrl(2048)
  recordingLink?: string;

  @OptionalUrl(4096, {
    description: 'May embed a RingCentral access token: accepted but never stored, logged or put in a body.',
  })
  recordingDownloadLink?: string;

  @OptionalString(512)
  subject?: string;

  @ApiPropertyOptional(START_TIME_SCHEMA)
  @Optional()
  @IsCallStartTime()
  startTime?: string | number;

  @ApiPropertyOptional({ description: 'Completed call duration in seconds.', example: 300 })
  @Optional()
  @IsInt()
  @Min(0)
  duration?: number;

  @OptionalString(64)
  result?: string;

  @ApiPropertyOptional({ enum: CALL_DIRECTIONS })
  @Optional()
  @IsIn(CALL_DIRECTIONS)
  direction?: CallDirection;

  @OptionalNested(() => RcPartyDto)
  from?: RcPartyDto;

  @OptionalNested(() => RcPartyDto)
  to?: RcPartyDto;

  @OptionalNestedArray(() => RcCallLogLegDto, { description: 'Replaces the stored legs.' })
  legs?: RcCallLogLegDto[];
}

export const UPDATE_CALL_LOG_EXAMPLE = {
  sessionId: '987654321',
  hashedExtensionId: 'example-hashed-extension-id',
  note: 'Discussed the renewal; sent the quote.',
  recordingLink: 'https://media.ringcentral.com/restapi/v1.0/account/~/recording/123/content',
};
