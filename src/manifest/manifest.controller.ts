import { Controller, Get, Header, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiExtraModels, ApiOkResponse, ApiOperation, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import { ErrorResponseDto } from '../common/dto/error-response.dto.js';
import { ConnectorRegistry } from '../connectors/connector-registry.service.js';
import { CrmManifestDto, PlatformManifestDto } from './manifest.dto.js';

@ApiTags('Manifest')
// CrmManifestDto refers to it by $ref only; without this the document lacks the schema.
@ApiExtraModels(PlatformManifestDto)
@Controller()
export class ManifestController {
  constructor(private readonly connectors: ConnectorRegistry) {}

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
    summary: 'List the platforms this server connects to',
    description: 'Each platform with its name, auth type, log format and the additional fields of the call and message log pages. `platformName` narrows the answer to one platform.',
    operationId: 'getCrmManifest',
  })
  @ApiQuery({ name: 'platformName', required: false, description: 'One platform key, e.g. local.' })
  @ApiOkResponse({ type: CrmManifestDto })
  @ApiBadRequestResponse({ type: ErrorResponseDto, description: 'Unknown platformName.' })
  crmManifest(@Query('platformName') platformName?: string): CrmManifestDto {
    const selected = platformName ? [this.connectors.get(platformName)] : this.connectors.all();
    return {
      version: process.env.npm_package_version ?? '0.1.0',
      platforms: Object.fromEntries(
        selected.map((connector) => [
          connector.name,
          {
            name: connector.name,
            displayName: connector.manifest.displayName,
            auth: {
              type: connector.manifest.authType,
              additionalTypes: connector.manifest.additionalAuthTypes ?? [],
            },
            logFormat: connector.manifest.logFormat,
            contactTypes: connector.manifest.contactTypes ?? [],
            page: connector.manifest.page,
          },
        ]),
      ),
    };
  }
}
