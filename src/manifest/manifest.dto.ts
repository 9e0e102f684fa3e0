import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class AdditionalFieldDto {
  @ApiProperty({ description: 'Key under which the value arrives in additionalSubmission.' })
  const: string;

  @ApiProperty()
  title: string;

  @ApiProperty({ enum: ['selection', 'inputField', 'checkbox'] })
  type: string;

  @ApiPropertyOptional({ description: 'Choices come from the matched contact (contact.additionalInfo[const]).' })
  contactDependent?: boolean;
}

class PageFieldsDto {
  @ApiProperty({ type: [AdditionalFieldDto] })
  additionalFields: AdditionalFieldDto[];
}

class ManifestPagesDto {
  @ApiProperty({ type: PageFieldsDto })
  callLog: PageFieldsDto;

  @ApiProperty({ type: PageFieldsDto })
  messageLog: PageFieldsDto;
}

class AuthInfoDto {
  @ApiProperty({ enum: ['apiKey', 'oauth'], description: 'The primary way to sign in.' })
  type: string;

  @ApiProperty({
    enum: ['apiKey', 'oauth'],
    isArray: true,
    description: 'Other ways the platform accepts, e.g. Pipedrive: OAuth, and a personal API token via /apiKeyLogin.',
  })
  additionalTypes: string[];
}

export class PlatformManifestDto {
  @ApiProperty({ example: 'local' })
  name: string;

  @ApiProperty({ example: 'Local CRM' })
  displayName: string;

  @ApiProperty({ type: AuthInfoDto })
  auth: AuthInfoDto;

  @ApiProperty({ enum: ['text/plain', 'text/html', 'text/markdown', 'custom'] })
  logFormat: string;

  @ApiProperty({ type: [String] })
  contactTypes: string[];

  @ApiProperty({ type: ManifestPagesDto })
  page: ManifestPagesDto;
}

export class CrmManifestDto {
  @ApiProperty()
  version: string;

  @ApiProperty({ type: 'object', additionalProperties: { $ref: '#/components/schemas/PlatformManifestDto' } })
  platforms: Record<string, PlatformManifestDto>;
}
