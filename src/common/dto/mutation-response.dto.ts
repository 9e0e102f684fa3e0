import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ReturnMessageDto } from './return-message.dto.js';

/** App Connect's standard result envelope. */
export class MutationResponseDto {
  @ApiProperty()
  successful: boolean;

  @ApiPropertyOptional({ type: ReturnMessageDto })
  returnMessage?: ReturnMessageDto;
}
