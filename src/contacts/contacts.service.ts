import { Injectable, Logger } from '@nestjs/common';
import type { CrmSession } from '../auth/crm-session.js';
import { AppException } from '../common/app.exception.js';
import { phoneNumberForms, splitOverridingFormats, toE164 } from '../common/phone-number.js';
import { danger, type ReturnMessage, success, warning } from '../common/return-message.js';
import { AppConfig } from '../config/app-config.js';
import type { ContactInfo, PhoneNumberForms } from '../connectors/crm-connector.interface.js';
import { ContactCacheRepository } from '../persistence/repositories/contact-cache.repository.js';
import type { ContactMutationResponseDto, CreateContactDto } from './dto/create-contact.dto.js';
import type { ContactSearchResponseDto, FindContactQueryDto } from './dto/find-contact.dto.js';

/** The id App Connect clients recognise as "offer to create a contact", not a CRM record. */
export const CREATE_NEW_CONTACT_ID = 'createNewContact';

const isCreateNewChoice = (contact: ContactInfo): boolean =>
  contact.isNewContact === true || contact.id === CREATE_NEW_CONTACT_ID;

/**
 * Contact lookup and creation. Numbers are normalised here once, so every connector
 * gets every form a CRM may have stored, and lookups are cached per user in the
 * database so repeated call pops and group-SMS logging spare the CRM.
 */
@Injectable()
export class ContactsService {
  private readonly logger = new Logger(ContactsService.name);

  constructor(
    private readonly cache: ContactCacheRepository,
    private readonly config: AppConfig,
  ) {}

  async findContacts(session: CrmSession, query: FindContactQueryDto): Promise<ContactSearchResponseDto> {
    const isExtension = query.isExtension ?? false;
    const overridingFormat = splitOverridingFormats(query.overridingFormat);
    const forms = phoneNumberForms(query.phoneNumber, this.config.DEFAULT_PHONE_REGION, overridingFormat, isExtension);
    if (!isExtension && forms.e164 === null) {
      throw AppException.invalidRequest(
        `phoneNumber "${forms.raw}" is not a phone number that can be parsed; send it in E.164 form such as +14155550100.`,
        ['phoneNumber'],
      );
    }
    const userId = session.user.id;
    // Extension numbers are only meaningful inside one account and change with it, so
    // only real numbers are cached. The key is the number alone: the overriding formats
    // are a per-user setting, so they do not vary between one user's lookups.
    const cacheKey = this.cachingEnabled && !isExtension ? forms.e164 : null;

    if (cacheKey && !query.isForceRefreshAccountData) {
      const cached = await this.cache.findFresh(userId, cacheKey);
      if (cached) {
        this.logger.debug(`Contact lookup for user ${userId} served from the cache`);
        return this.searchResponse(true, cached, forms);
      }
    }

    const result = await session.connector.findContact({
      ...session.context,
      phoneNumber: forms.e164 ?? forms.raw,
      phoneNumberForms: forms,
      overridingFormat,
      isExtension,
    });
    // Some connectors (ported from App Connect) add the create-new choice themselves;
    // it is not a CRM record, so it is neither cached nor repeated.
    const matches = (result.matchedContactInfo ?? []).filter((contact) => !isCreateNewChoice(contact));

    if (cacheKey && result.successful) {
      // An empty answer is not cached: a contact added in the CRM meanwhile must be
      // found on the next call, not after the TTL.
      if (matches.length > 0) {
        await this.cache.deleteExpired(userId);
        await this.cache.store(userId, cacheKey, matches, new Date(Date.now() + this.config.CONTACT_CACHE_TTL_SECONDS * 1000));
      } else {
        await this.cache.forget(userId, cacheKey);
      }
    }
    this.logger.log(`Contact lookup on ${session.connector.name} for user ${userId}: ${matches.length} match(es)`);
    const returnMessage =
      result.returnMessage ?? (result.successful ? undefined : danger(`${session.connector.name} could not search its contacts.`));
    return this.searchResponse(result.successful, matches, forms, returnMessage);
  }

  /** The manual search by name; the answer holds the matches only (no create-new choice: there is no number). */
  async findContactsByName(session: CrmSession, name: string): Promise<ContactSearchResponseDto> {
    const { connector } = session;
    const text = name.trim();
    if (!text) throw AppException.invalidRequest('name must contain something to search for.', ['name']);
    if (!connector.findContactWithName) {
      return {
        successful: false,
        contact: [],
        returnMessage: warning(`${connector.manifest.displayName} does not support searching contacts by name.`),
      };
    }
    const result = await connector.findContactWithName({ ...session.context, name: text });
    const matches = (result.matchedContactInfo ?? []).filter((contact) => !isCreateNewChoice(contact));
    this.logger.log(`Contact name search on ${connector.name} for user ${session.user.id}: ${matches.length} match(es)`);
    return {
      successful: result.successful,
      contact: matches,
      returnMessage:
        result.returnMessage ??
        (!result.successful
          ? danger(`${connector.manifest.displayName} could not search its contacts.`)
          : matches.length > 0
            ? success(`Found ${matches.length} contact${matches.length === 1 ? '' : 's'}.`)
            : warning(`No contact named like "${text}".`)),
    };
  }

  async createContact(session: CrmSession, body: CreateContactDto): Promise<ContactMutationResponseDto> {
    const phoneNumber = body.phoneNumber.trim();
    const e164 = toE164(phoneNumber, this.config.DEFAULT_PHONE_REGION);
    if (e164 === null) {
      throw AppException.invalidRequest(
        `phoneNumber "${phoneNumber}" is not a phone number that can be parsed; send it in E.164 form such as +14155550100.`,
        ['phoneNumber'],
      );
    }
    // An empty type is what clients send when the user picked none.
    const newContactType = body.newContactType?.trim() || undefined;
    const contactTypes = session.connector.manifest.contactTypes ?? [];
    if (newContactType && contactTypes.length > 0 && !contactTypes.includes(newContactType)) {
      throw AppException.invalidRequest(
        `newContactType "${newContactType}" is not one of ${session.connector.name}'s contact types: ${contactTypes.join(', ')}.`,
        ['newContactType'],
      );
    }

    const result = await session.connector.createContact({
      ...session.context,
      phoneNumber,
      newContactName: body.newContactName.trim(),
      newContactType,
      additionalSubmission: body.additionalSubmission,
    });
    if (!result.contactInfo) {
      return {
        successful: false,
        returnMessage: result.returnMessage ?? danger(`${session.connector.name} did not create the contact.`),
      };
    }
    // The next lookup of this number must see the new contact.
    await this.cache.forget(session.user.id, e164);
    this.logger.log(`Contact created on ${session.connector.name} for user ${session.user.id}`);
    return {
      successful: true,
      contact: result.contactInfo,
      returnMessage: result.returnMessage ?? success(`Contact ${result.contactInfo.name} created.`),
    };
  }

  /**
   * The contacts a still-fresh earlier lookup found for this number, without asking the
   * CRM: lets message logging name group-SMS correspondents. Null when nothing fresh
   * is cached (the caller decides whether a CRM lookup is worth it); never the
   * create-new choice.
   */
  async cachedContacts(userId: string, phoneNumber: string): Promise<ContactInfo[] | null> {
    const e164 = toE164(phoneNumber, this.config.DEFAULT_PHONE_REGION);
    if (!e164 || !this.cachingEnabled) return null;
    return this.cache.findFresh(userId, e164);
  }

  private get cachingEnabled(): boolean {
    return this.config.CONTACT_CACHE_TTL_SECONDS > 0;
  }

  private searchResponse(
    successful: boolean,
    matches: ContactInfo[],
    forms: PhoneNumberForms,
    returnMessage?: ReturnMessage,
  ): ContactSearchResponseDto {
    const number = forms.e164 ?? forms.raw;
    return {
      successful,
      contact: [
        ...matches,
        {
          id: CREATE_NEW_CONTACT_ID,
          name: 'Create new contact...',
          isNewContact: true,
          phone: number,
          phoneNumber: number,
        },
      ],
      returnMessage:
        returnMessage ??
        (matches.length > 0
          ? success(`Found ${matches.length} contact${matches.length === 1 ? '' : 's'}.`)
          : warning(`No contact found for ${number}.`)),
    };
  }
}
