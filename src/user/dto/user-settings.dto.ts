import { ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsString, Matches, MaxLength } from 'class-validator';
import { Optional } from '../../common/dto/field-decorators.js';
import { IsSettingsMap } from '../../common/dto/settings-map.validator.js';
import type { UserSettings } from '../../common/user-settings.js';

const SETTINGS_SCHEMA = {
  type: 'object',
  additionalProperties: {
    type: 'object',
    properties: { value: {}, customizable: { type: 'boolean' }, isRemoved: { type: 'boolean' }, readOnly: { type: 'boolean' } },
    additionalProperties: true,
  },
  example: { logDateFormat: { value: 'DD/MM/YYYY HH:mm' }, addCallLogDuration: { value: false } },
} as const;

/** The hashed RingCentral account id, as /userInfoHash gave it. */
const HASHED_ID = /^[0-9a-f]{64}$/;

export class UserSettingsQueryDto {
  @ApiPropertyOptional({ description: 'Hashed RingCentral account id (from /userInfoHash); picks the account admin settings to merge.' })
  @Optional()
  @IsString()
  @Matches(HASHED_ID, { message: 'rcAccountId must be the 64-hex-digit hash /userInfoHash returns' })
  rcAccountId?: string;
}

export class UpdateUserSettingsDto {
  @ApiPropertyOptional({ ...SETTINGS_SCHEMA, description: 'Settings to create or replace, keyed by setting id.' })
  @Optional()
  @IsSettingsMap()
  userSettings?: UserSettings;

  @ApiPropertyOptional({ type: [String], description: 'Setting ids to remove.' })
  @Optional()
  @IsArray()
  @ArrayMaxSize(1000)
  @IsString({ each: true })
  @MaxLength(255, { each: true })
  settingKeysToRemove?: string[];
}

export class UserSettingsEnvelopeDto {
  @ApiPropertyOptional({ ...SETTINGS_SCHEMA, description: 'The settings that now apply: the user\'s, with the account admin\'s merged on top.' })
  userSettings?: UserSettings;
}

export { SETTINGS_SCHEMA };
