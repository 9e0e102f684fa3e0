import { Body, Controller, Get, Header, HttpCode, Post } from '@nestjs/common';
import {
  ApiBadGatewayResponse,
  ApiBadRequestResponse,
  ApiForbiddenResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import type { CrmSession } from '../auth/crm-session.js';
import { RequiresSession, Session } from '../auth/session.decorator.js';
import { ErrorResponseDto } from '../common/dto/error-response.dto.js';
import { AcceptsRcAccessToken, RcAccessToken } from '../ringcentral/rc-access-token.decorator.js';
import { AdminService } from './admin.service.js';
import { AdminSettingsUpdateDto } from './dto/admin-settings.dto.js';

const NOT_ADMIN = { type: ErrorResponseDto, description: 'The RingCentral user is not an account admin.' };
const NO_TOKEN = { type: ErrorResponseDto, description: 'No RingCentral token, or RingCentral refused it (fields names X-RC-Access-Token).' };
const RC_DOWN = { type: ErrorResponseDto, description: 'RingCentral could not be reached to confirm the token.' };

@ApiTags('Admin')
@Controller('admin')
export class AdminController {
  constructor(private readonly admin: AdminService) {}

  @Get('settings')
  @RequiresSession()
  @AcceptsRcAccessToken()
  @ApiOperation({
    summary: "Read the account's admin settings",
    description: 'For RingCentral account admins: the settings document saved for their account (`{ userSettings: {} }` when none).',
    operationId: 'getAdminSettings',
  })
  @ApiOkResponse({ schema: { type: 'object', additionalProperties: true } })
  @ApiBadRequestResponse(NO_TOKEN)
  @ApiForbiddenResponse(NOT_ADMIN)
  @ApiBadGatewayResponse(RC_DOWN)
  settings(@Session() session: CrmSession, @RcAccessToken() rcAccessToken: string | undefined) {
    return this.admin.settingsFor(session, rcAccessToken);
  }

  @Post('settings')
  @HttpCode(200)
  @AcceptsRcAccessToken()
  @Header('Content-Type', 'text/html; charset=utf-8')
  @ApiOperation({
    summary: "Replace the account's admin settings",
    description: "For RingCentral account admins. `adminSettings.userSettings` is merged over every user's settings of the account.",
    operationId: 'postAdminSettings',
  })
  @ApiProduces('text/html')
  @ApiOkResponse({ description: 'Plain confirmation.', schema: { type: 'string', example: 'Admin settings updated' } })
  @ApiBadRequestResponse(NO_TOKEN)
  @ApiForbiddenResponse(NOT_ADMIN)
  @ApiBadGatewayResponse(RC_DOWN)
  async saveSettings(@RcAccessToken() rcAccessToken: string | undefined, @Body() body: AdminSettingsUpdateDto): Promise<string> {
    await this.admin.saveSettings(rcAccessToken, body.adminSettings);
    return 'Admin settings updated';
  }
}
