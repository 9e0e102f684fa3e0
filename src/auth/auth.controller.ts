import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBody, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ErrorResponseDto } from '../common/dto/error-response.dto.js';
import { MutationResponseDto } from '../common/dto/mutation-response.dto.js';
import { success } from '../common/return-message.js';
import { AuthService } from './auth.service.js';
import type { CrmSession } from './crm-session.js';
import { ApiKeyLoginDto, LoginResponseDto } from './dto/api-key-login.dto.js';
import { OAuthCallbackQueryDto } from './dto/oauth-callback.dto.js';
import { parseOAuthCallback } from './oauth-callback.parser.js';
import { LoginAttempt } from '../rate-limit/login-attempt.decorator.js';
import { RequiresSession, Session } from './session.decorator.js';

@ApiTags('Auth')
@Controller()
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Post('apiKeyLogin')
  @HttpCode(200)
  @LoginAttempt()
  @ApiBody({ type: ApiKeyLoginDto, examples: { local: { summary: 'The local CRM with its demo key', value: { platform: 'local', apiKey: 'demo' } } } })
  @ApiOperation({ summary: 'API-key login', operationId: 'postApiKeyLogin' })
  @ApiOkResponse({ type: LoginResponseDto })
  @ApiBadRequestResponse({ type: ErrorResponseDto, description: 'Bad body, unknown platform, or the CRM rejected the key.' })
  apiKeyLogin(@Body() body: ApiKeyLoginDto): Promise<LoginResponseDto> {
    return this.auth.apiKeyLogin(body);
  }

  @Get('oauth-callback')
  @LoginAttempt()
  @ApiOperation({ summary: 'CRM OAuth callback', operationId: 'getOauthCallback' })
  @ApiOkResponse({ type: LoginResponseDto })
  @ApiBadRequestResponse({ type: ErrorResponseDto })
  oauthCallback(@Query() query: OAuthCallbackQueryDto): Promise<LoginResponseDto> {
    return this.auth.oauthLogin(parseOAuthCallback(query));
  }

  @Post('unAuthorize')
  @HttpCode(200)
  @RequiresSession()
  @ApiOperation({ summary: 'Disconnect a CRM user: forget the stored credentials', operationId: 'postUnAuthorize' })
  @ApiOkResponse({ type: MutationResponseDto })
  async unAuthorize(@Session() session: CrmSession): Promise<MutationResponseDto> {
    await this.auth.logout(session);
    return { successful: true, returnMessage: success('Logged out.') };
  }
}
