import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ReturnMessageDto } from './return-message.dto.js';

export class ErrorResponseDto {
  @ApiProperty({ example: false })
  successful: false;

  @ApiProperty({ example: 'Bad Request' })
  error: string;

  @ApiProperty({ example: 'logInfo.sessionId must be a string' })
  message: string;

  @ApiPropertyOptional({ type: [String], description: 'The request fields that were rejected.' })
  fields?: string[];

  @ApiPropertyOptional({ description: 'For 500s: the id under which the server logged the error.' })
  errorId?: string;

  @ApiProperty({ type: ReturnMessageDto })
  returnMessage: ReturnMessageDto;
}
