import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { ReturnMessageDto } from '../common/dto/return-message.dto.js';
import type { CrmSession } from './crm-session.js';
import { RequiresSession, Session } from './session.decorator.js';
import { SessionStatusService } from './session-status.service.js';

class AuthValidationResponseDto {
  @ApiProperty({ description: 'Whether the CRM still accepts the stored authorization.' })
  successful: boolean;

  @ApiPropertyOptional({ type: ReturnMessageDto })
  returnMessage?: ReturnMessageDto;
}

class LicenseStatusDto {
  @ApiProperty()
  isLicenseValid: boolean;

  @ApiProperty({ example: 'Basic' })
  licenseStatus: string;

  @ApiProperty({ example: '' })
  licenseStatusDescription: string;
}

@ApiTags('Auth')
@Controller()
export class SessionStatusController {
  constructor(private readonly status: SessionStatusService) {}

  @Get('authValidation')
  @RequiresSession()
  @ApiOperation({
    summary: 'Validate the current CRM authentication',
    description:
      "Asks the connector whether the CRM still accepts the stored credentials (Pipedrive: users/me). " +
      '`successful: false` with a reason means the user should connect again. Connectors without a check ' +
      'answer valid once the session itself resolves (JWT, sign-in, credentials, OAuth refresh).',
    operationId: 'getAuthValidation',
  })
  @ApiOkResponse({ type: AuthValidationResponseDto })
  authValidation(@Session() session: CrmSession): Promise<AuthValidationResponseDto> {
    return this.status.authValidation(session);
  }

  @Get('licenseStatus')
  @RequiresSession()
  @ApiOperation({
    summary: 'Get connector license status',
    description: "The connector's license state for the user; connectors that gate nothing answer valid (Basic).",
    operationId: 'getLicenseStatus',
  })
  @ApiOkResponse({ type: LicenseStatusDto })
  licenseStatus(@Session() session: CrmSession): Promise<LicenseStatusDto> {
    return this.status.licenseStatus(session);
  }

  @Get('hostname')
  @RequiresSession()
  @Header('Content-Type', 'text/plain; charset=utf-8')
  @ApiOperation({
    summary: 'The CRM hostname stored for the user',
    description: 'Plain text; empty when the user signed in without one.',
    operationId: 'getHostname',
  })
  // Only the 200 is text; errors stay JSON envelopes, so no @ApiProduces for the whole route.
  @ApiOkResponse({
    description: 'Stored CRM hostname, e.g. acme.pipedrive.com.',
    content: { 'text/plain': { schema: { type: 'string' } } },
  })
  hostname(@Session() session: CrmSession): string {
    return this.status.hostname(session);
  }
}
