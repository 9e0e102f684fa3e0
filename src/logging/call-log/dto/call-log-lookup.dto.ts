import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { Optional } from '../../../common/dto/field-decorators.js';
import { queryBoolean } from '../../../common/dto/query-boolean.transform.js';

export const MAX_LOOKUP_SESSIONS = 5;

/** GET /callLog query. Query strings carry text, so requireDetails is parsed here. */
export class CallLogLookupQueryDto {
  @ApiProperty({
    description: `Comma-separated RingCentral call session ids. Only the first ${MAX_LOOKUP_SESSIONS} are processed.`,
    example: '987654321,987654322',
  })
  @IsString()
  @IsNotEmpty()
  @MaxLength(4096)
  sessionIds: string;

  @ApiPropertyOptional({ description: 'Extension identity when hashedExtensionId is unavailable.' })
  @Optional()
  @IsString()
  @MaxLength(64)
  extensionNumber?: string;

  @ApiPropertyOptional({ description: 'Hashed RingCentral extension id; preferred extension identity.' })
  @Optional()
  @IsString()
  @MaxLength(255)
  hashedExtensionId?: string;

  @ApiPropertyOptional({ type: Boolean, default: false, description: "When true, adds the CRM's view of each matched log." })
  @Optional()
  @Transform(queryBoolean)
  @IsBoolean()
  requireDetails?: boolean;
}
