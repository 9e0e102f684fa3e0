import { Controller, Get, Header, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiExtraModels,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import { ErrorResponseDto } from '../common/dto/error-response.dto.js';
import type { ImplementedInterfaces } from './implemented-interfaces.js';
import { CrmManifestDto, PlatformManifestDto, ReleaseNoteDto, ServerVersionInfoDto } from './manifest.dto.js';
import { ManifestService } from './manifest.service.js';
import type { ReleaseNotes } from './release-notes.js';

@ApiTags('Manifest')
// Schemas referred to by $ref only (platforms map, release notes), so Swagger must be told of them.
@ApiExtraModels(PlatformManifestDto, ReleaseNoteDto)
@Controller()
export class ManifestController {
  constructor(private readonly manifest: ManifestService) {}

  @Get('isAlive')
  @Header('Content-Type', 'text/plain; charset=utf-8')
  @ApiOperation({ summary: 'Check HTTP process liveness', operationId: 'getIsAlive' })
  @ApiProduces('text/plain')
  @ApiOkResponse({ description: 'The literal text OK.', schema: { type: 'string', enum: ['OK'] } })
  isAlive(): string {
    return 'OK';
  }

  @Get('crmManifest')
  @ApiOperation({
    summary: 'The App Connect manifest of this server',
    description:
      "App Connect's manifest format (serverUrl, author, version, platforms with sign-in, contact types, page " +
      'fields, settings and CRM page templates), generated from the connectors, so the extension can load ' +
      '`{serverUrl}/crmManifest` as a custom manifest. Without `platformName` every platform is listed.',
    operationId: 'getCrmManifest',
  })
  @ApiQuery({ name: 'platformName', required: false, description: 'One platform key, e.g. local.' })
  @ApiOkResponse({ type: CrmManifestDto })
  @ApiBadRequestResponse({ type: ErrorResponseDto, description: 'Unknown platformName.' })
  crmManifest(@Query('platformName') platformName?: string): CrmManifestDto {
    return this.manifest.crmManifest(platformName);
  }

  @Get('implementedInterfaces')
  @ApiOperation({
    summary: 'List implemented connector methods for a platform',
    description:
      "One boolean per App Connect connector interface, read from the connector's methods: true means the " +
      'connector has it. The extension shows or hides features by them.',
    operationId: 'getImplementedInterfaces',
  })
  @ApiQuery({ name: 'platform', required: true, description: 'Platform key, e.g. pipedrive.', example: 'local' })
  @ApiOkResponse({
    description: 'Interface name -> implemented.',
    schema: { type: 'object', additionalProperties: { type: 'boolean' }, example: { findContact: true, getUserList: false } },
  })
  @ApiBadRequestResponse({ type: ErrorResponseDto, description: 'Missing or unknown platform.' })
  implementedInterfaces(@Query('platform') platform?: string): ImplementedInterfaces {
    return this.manifest.implementedInterfaces(platform);
  }

  @Get('releaseNotes')
  @ApiOperation({
    summary: 'Get release notes for connector versions',
    description:
      'Notes per server version: `global` and one list per served platform. Versions without notes for a ' +
      'served platform are left out.',
    operationId: 'getReleaseNotes',
  })
  @ApiOkResponse({
    description: 'version -> section (global or platform) -> notes.',
    schema: {
      type: 'object',
      additionalProperties: {
        type: 'object',
        additionalProperties: { type: 'array', items: { $ref: '#/components/schemas/ReleaseNoteDto' } },
      },
    },
  })
  releaseNotes(): ReleaseNotes {
    return this.manifest.releaseNotes();
  }

  @Get('serverVersionInfo')
  @ApiOperation({ summary: 'Return server version metadata', operationId: 'getServerVersionInfo' })
  @ApiOkResponse({ type: ServerVersionInfoDto })
  serverVersionInfo(): ServerVersionInfoDto {
    return this.manifest.serverVersion();
  }
}
