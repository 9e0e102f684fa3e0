import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBody, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { CrmSession } from '../auth/crm-session.js';
import { RequiresSession, Session } from '../auth/session.decorator.js';
import { ErrorResponseDto } from '../common/dto/error-response.dto.js';
import { ContactsService } from './contacts.service.js';
import { CREATE_CONTACT_EXAMPLE, ContactMutationResponseDto, CreateContactDto } from './dto/create-contact.dto.js';
import { ContactNameSearchQueryDto, ContactSearchResponseDto, FindContactQueryDto } from './dto/find-contact.dto.js';

@ApiTags('Contacts')
@Controller()
export class ContactsController {
  constructor(private readonly contacts: ContactsService) {}

  @Get('contact')
  @RequiresSession()
  @ApiOperation({
    summary: 'Find contacts by phone number',
    operationId: 'getContact',
    description:
      'Matches the number in every form a CRM may have stored it. Answers may come from a per-user cache unless isForceRefreshAccountData=true. ' +
      'The list ends with a synthetic create-new choice (id createNewContact, isNewContact true) that is not a match.',
  })
  @ApiOkResponse({ type: ContactSearchResponseDto, description: 'Matching CRM contacts; a CRM failure has successful: false and its reason.' })
  @ApiBadRequestResponse({ type: ErrorResponseDto, description: 'Missing or unparsable phoneNumber, or a malformed flag.' })
  findContact(@Session() session: CrmSession, @Query() query: FindContactQueryDto): Promise<ContactSearchResponseDto> {
    return this.contacts.findContacts(session, query);
  }

  @Get('custom/contact/search')
  @RequiresSession()
  @ApiOperation({
    summary: 'Search contacts by name',
    operationId: 'getCustomContactSearch',
    description:
      "The manual search the extension offers when the manifest sets page.useContactSearch: the connector's findContactWithName. A connector without it answers successful: false.",
  })
  @ApiOkResponse({ type: ContactSearchResponseDto })
  @ApiBadRequestResponse({ type: ErrorResponseDto, description: 'Missing or empty name.' })
  searchByName(@Session() session: CrmSession, @Query() query: ContactNameSearchQueryDto): Promise<ContactSearchResponseDto> {
    return this.contacts.findContactsByName(session, query.name);
  }

  @Post('contact')
  @ApiBody({ type: CreateContactDto, examples: { contact: { summary: 'A new contact', value: CREATE_CONTACT_EXAMPLE } } })
  @HttpCode(200)
  @RequiresSession()
  @ApiOperation({ summary: 'Create a contact', operationId: 'postContact' })
  @ApiOkResponse({ type: ContactMutationResponseDto, description: 'The created contact; a CRM refusal has successful: false and its reason.' })
  @ApiBadRequestResponse({ type: ErrorResponseDto, description: 'A missing or malformed field, named in `fields`.' })
  createContact(@Session() session: CrmSession, @Body() body: CreateContactDto): Promise<ContactMutationResponseDto> {
    return this.contacts.createContact(session, body);
  }
}
