import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ReturnMessageDto } from '../../../common/dto/return-message.dto.js';

export class MessageLogResponseDto {
  @ApiProperty({ description: 'False when there was nothing to log or the CRM refused a write.' })
  successful: boolean;

  @ApiProperty({
    type: 'array',
    items: { oneOf: [{ type: 'string' }, { type: 'number' }] },
    description: 'Message ids (+ `-<contactId>` for group SMS) logged by this request; empty when all were logged before.',
  })
  logIds: string[];

  @ApiPropertyOptional({ type: ReturnMessageDto, nullable: true })
  returnMessage: ReturnMessageDto | null;
}
