import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class ReturnMessageDto {
  @ApiProperty({ description: 'User-facing status or error message.' })
  message: string;

  @ApiProperty({ enum: ['success', 'warning', 'danger'] })
  messageType: 'success' | 'warning' | 'danger';

  @ApiProperty({ description: 'Suggested display time in milliseconds.' })
  ttl: number;

  @ApiPropertyOptional({ type: 'array', items: { type: 'object', additionalProperties: true } })
  details?: Record<string, unknown>[];
}
