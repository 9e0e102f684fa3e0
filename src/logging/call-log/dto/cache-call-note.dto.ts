import { ApiProperty } from '@nestjs/swagger';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { MAX_TEXT_LENGTH } from '../../../common/dto/field-decorators.js';

export class CacheCallNoteDto {
  @ApiProperty({ description: 'RingCentral call session id.', example: '987654321' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(255)
  sessionId: string;

  @ApiProperty({ description: 'The note typed during the call, for server-side call logging to use.', maxLength: MAX_TEXT_LENGTH })
  @IsString()
  @MaxLength(MAX_TEXT_LENGTH)
  note: string;
}
