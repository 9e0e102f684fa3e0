import { ApiProperty } from '@nestjs/swagger';
import { IsObject } from 'class-validator';

export class AdminSettingsUpdateDto {
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description:
      'The account\'s App Connect settings. `userSettings` (`{ id: { value, customizable, isRemoved, readOnly } }`) is merged over every user\'s settings.',
    example: { userSettings: { logDateFormat: { value: 'YYYY-MM-DD HH:mm', customizable: false, readOnly: true } } },
  })
  @IsObject()
  adminSettings: Record<string, unknown>;
}
