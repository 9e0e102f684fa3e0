import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ReturnMessageDto } from '../../../common/dto/return-message.dto.js';

export class CallLogMutationResponseDto {
  @ApiProperty({ description: 'Whether the CRM call activity was created.' })
  successful: boolean;

  @ApiPropertyOptional({ description: 'CRM activity id.', example: '42' })
  logId?: string;

  @ApiPropertyOptional({ type: ReturnMessageDto })
  returnMessage?: ReturnMessageDto;
}

export class CallLogUpdateResponseDto extends CallLogMutationResponseDto {
  @ApiPropertyOptional({ description: 'The note as it stands after the update.' })
  updatedNote?: string;
}

export class CallLogInfoDto {
  @ApiPropertyOptional()
  subject?: string;

  @ApiPropertyOptional()
  note?: string;

  @ApiPropertyOptional({ description: 'The complete activity body as the CRM holds it.' })
  fullBody?: string;

  @ApiPropertyOptional()
  contactName?: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  fullLogResponse?: Record<string, unknown>;

  [key: string]: unknown;
}

export class CallLogLookupItemDto {
  @ApiProperty()
  sessionId: string;

  @ApiProperty({ description: 'Whether this session (for this extension) is logged.' })
  matched: boolean;

  @ApiPropertyOptional()
  logId?: string;

  @ApiPropertyOptional({ type: CallLogInfoDto, description: 'Only with requireDetails=true.' })
  logData?: CallLogInfoDto;
}

export class CallLogLookupResponseDto {
  @ApiProperty()
  successful: boolean;

  @ApiProperty({ type: [CallLogLookupItemDto] })
  logs: CallLogLookupItemDto[];

  @ApiPropertyOptional({ type: ReturnMessageDto })
  returnMessage?: ReturnMessageDto;
}
