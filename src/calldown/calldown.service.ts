import { Injectable } from '@nestjs/common';
import { AppException } from '../common/app.exception.js';
import type { CalldownEntryEntity } from '../persistence/entities/calldown-entry.entity.js';
import { type CalldownFields, type CalldownFilter, CalldownRepository } from '../persistence/repositories/calldown.repository.js';
import type { CalldownEntryDto, CreateCalldownDto, UpdateCalldownDto } from './dto/calldown.dto.js';

/** The status values clients send for "not called yet", as the contract lists them. */
const NOT_CALLED = new Set(['not called', 'not_called', 'notcalled']);

const toDate = (value: string | null | undefined): Date | null | undefined =>
  value === undefined ? undefined : value === null ? null : new Date(value);

const toEntryDto = (entry: CalldownEntryEntity): CalldownEntryDto => ({
  id: entry.id,
  contactId: entry.contactId,
  contactType: entry.contactType,
  contactName: entry.contactName,
  phoneNumber: entry.phoneNumber,
  note: entry.note,
  status: entry.status,
  scheduledAt: entry.scheduledAt?.toISOString() ?? null,
  lastCallAt: entry.lastCallAt?.toISOString() ?? null,
  createdAt: entry.createdAt.toISOString(),
  updatedAt: entry.updatedAt.toISOString(),
});

/** A user's call-back list, kept in our database (no CRM call). */
@Injectable()
export class CalldownService {
  constructor(private readonly entries: CalldownRepository) {}

  async list(userId: string, status: string | undefined) {
    const normalised = status?.trim().toLowerCase();
    const filter: CalldownFilter = normalised === 'called' ? 'called' : normalised && NOT_CALLED.has(normalised) ? 'notCalled' : 'all';
    const items = await this.entries.list(userId, filter);
    return { successful: true as const, items: items.map(toEntryDto) };
  }

  async create(userId: string, body: CreateCalldownDto) {
    const id = await this.entries.create(userId, { ...this.fields(body), contactType: body.contactType ?? 'contact', status: 'scheduled' });
    return { successful: true as const, id };
  }

  async update(userId: string, id: string, body: UpdateCalldownDto) {
    const fields: CalldownFields = { ...this.fields(body), status: body.status, lastCallAt: toDate(body.lastCallAt) };
    const changes = Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
    if (Object.keys(changes).length === 0) {
      throw AppException.invalidRequest('Send at least one field to change.', ['body']);
    }
    if (!(await this.entries.update(userId, id, changes))) throw this.notFound(id);
    return { successful: true as const };
  }

  async remove(userId: string, id: string) {
    if (!(await this.entries.delete(userId, id))) throw this.notFound(id);
    return { successful: true as const };
  }

  private fields(body: CreateCalldownDto | UpdateCalldownDto): CalldownFields {
    return {
      contactId: body.contactId,
      contactType: body.contactType,
      contactName: body.contactName,
      phoneNumber: body.phoneNumber,
      note: body.note,
      scheduledAt: toDate(body.scheduledAt),
    };
  }

  /** Another user's entry is answered exactly like a missing one. */
  private notFound(id: string): AppException {
    return AppException.invalidRequest(`No call-down entry ${id} on your list.`, ['id']);
  }
}
