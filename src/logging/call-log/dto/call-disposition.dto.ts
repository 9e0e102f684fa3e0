import { ApiProperty } from '@nestjs/swagger';
import { IsNotEmpty, IsObject, IsString, MaxLength } from 'class-validator';
import { OptionalObject, OptionalString } from '../../../common/dto/field-decorators.js';

export class CallDispositionDto {
  @ApiProperty({ description: 'RingCentral call session id of the logged call.', example: '987654321' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(255)
  sessionId: string;

  @OptionalString(255, { description: 'Hashed RingCentral extension id; the preferred call identity.' })
  hashedExtensionId?: string;

  @OptionalString(64, { description: 'Legacy extension identity, used when hashedExtensionId is absent.' })
  extensionNumber?: string;

  @OptionalString(255, { description: 'Raw RingCentral extension id (server-side logging).' })
  rcExtensionId?: string;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: "Disposition values keyed by the connector's field consts (Pipedrive: deals or leads).",
    example: { deals: '17' },
  })
  @IsObject()
  dispositions: Record<string, unknown>;

  @OptionalObject({ deprecated: true, description: 'Accepted for older clients; not used.' })
  additionalSubmission?: Record<string, unknown>;
}
