import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type {
  ManifestApiKeyPage,
  ManifestEnvironment,
  ManifestOAuth,
  ManifestSettingSection,
} from '../connectors/connector-manifest.types.js';

export class AdditionalFieldDto {
  @ApiProperty({ description: 'Key under which the value arrives in additionalSubmission.' })
  const: string;

  @ApiProperty()
  title: string;

  @ApiProperty({ enum: ['selection', 'inputField', 'checkbox'] })
  type: string;

  @ApiPropertyOptional({ description: 'Choices come from the matched contact (contact.additionalInfo[const]).' })
  contactDependent?: boolean;

  @ApiPropertyOptional({ description: 'Value the form starts with.' })
  defaultValue?: unknown;
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

  @ApiProperty({ type: PageFieldsDto, description: 'Extra fields of the create-contact form (additionalSubmission of POST /contact).' })
  newContact: PageFieldsDto;

  @ApiProperty({ description: 'Whether the client offers a search by name (GET /custom/contact/search).' })
  useContactSearch: boolean;
}

class OAuthInfoDto implements ManifestOAuth {
  @ApiProperty({ description: "The CRM's authorization endpoint." })
  authUrl: string;

  @ApiProperty({ description: "The CRM OAuth app's public client id." })
  clientId: string;

  @ApiPropertyOptional({ description: 'Redirect page registered with the CRM app.' })
  redirectUri?: string;

  @ApiPropertyOptional()
  scope?: string;

  @ApiPropertyOptional()
  customState?: string;
}

class ApiKeyAuthDto {
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'The sign-in form: `title`, optional `warning`, and `content` fields ({const, title, type, required}); ' +
      '`apiKey` is sent as apiKey, the other fields as additionalInfo of POST /apiKeyLogin.',
  })
  page: ManifestApiKeyPage;
}

export class PlatformAuthDto {
  @ApiProperty({ enum: ['apiKey', 'oauth'], description: 'The way the client signs in.' })
  type: string;

  @ApiProperty({
    enum: ['apiKey', 'oauth'],
    isArray: true,
    description: 'Other ways that work too, e.g. Pipedrive: a personal API token via /apiKeyLogin besides OAuth.',
  })
  additionalTypes: string[];

  @ApiPropertyOptional({ type: OAuthInfoDto, description: 'Present when the CRM OAuth app is configured.' })
  oauth?: ManifestOAuth;

  @ApiPropertyOptional({ type: ApiKeyAuthDto, description: 'Present when the platform accepts API keys.' })
  apiKey?: ApiKeyAuthDto;
}

class ContactTypeDto {
  @ApiProperty({ example: 'Contact' })
  display: string;

  @ApiProperty({ example: 'Contact', description: 'Sent back as contactType / newContactType.' })
  value: string;
}

export class PlatformManifestDto {
  @ApiProperty({ example: 'local' })
  name: string;

  @ApiProperty({ example: 'Local CRM' })
  displayName: string;

  @ApiProperty({ type: PlatformAuthDto })
  auth: PlatformAuthDto;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: 'How the client learns the CRM host: {type: fixed, url} | {type: dynamic, urlIdentifier, instructions} | {type: selectable, selections}.',
  })
  environment?: ManifestEnvironment;

  @ApiPropertyOptional({ type: [String], example: ['https://*.pipedrive.com/*'] })
  embedUrls?: string[];

  @ApiPropertyOptional()
  documentationUrl?: string;

  @ApiPropertyOptional({ example: 'https://{hostname}/person/{contactId}', description: 'Contact page template.' })
  contactPageUrl?: string;

  @ApiPropertyOptional({ example: 'https://{hostname}/activities/{logId}', description: 'Activity page template.' })
  logPageUrl?: string;

  @ApiProperty({ description: 'Whether logged activities open logPageUrl; otherwise the contact page opens.' })
  canOpenLogPage: boolean;

  @ApiProperty({ enum: ['text/plain', 'text/html', 'text/markdown', 'custom'] })
  logFormat: string;

  @ApiProperty({ type: [ContactTypeDto] })
  contactTypes: ContactTypeDto[];

  @ApiProperty({
    type: 'array',
    items: { type: 'object', additionalProperties: true },
    description: 'Connector settings sections ({id, type: section, name, items[]}); item ids are userSettings keys.',
  })
  settings: ManifestSettingSection[];

  @ApiProperty({ type: ManifestPagesDto })
  page: ManifestPagesDto;
}

class ManifestAuthorDto {
  @ApiProperty()
  name: string;

  @ApiPropertyOptional()
  websiteUrl?: string;
}

export class CrmManifestDto {
  @ApiProperty({ description: 'Base URL of this server (PUBLIC_BASE_URL), without a trailing slash.' })
  serverUrl: string;

  @ApiProperty({ type: ManifestAuthorDto })
  author: ManifestAuthorDto;

  @ApiProperty({ example: '0.1.0' })
  version: string;

  @ApiProperty({ type: 'object', additionalProperties: { $ref: '#/components/schemas/PlatformManifestDto' } })
  platforms: Record<string, PlatformManifestDto>;
}

export class ServerVersionInfoDto {
  @ApiProperty({ example: '0.1.0' })
  version: string;
}

export class ReleaseNoteDto {
  @ApiProperty({ example: 'New' })
  type: string;

  @ApiProperty()
  description: string;
}
