import type { ContactInfo } from '../crm-connector.interface.js';
import { renderTemplate, valueAt } from './proxy-template.js';

/** A response as mapping paths see it: `body.…` reads the JSON answer. */
export const responseScope = (data: unknown) => ({ body: data });

/**
 * The value at a mapping path; an empty or missing path maps to nothing. Ours: a path with
 * placeholders is a template over the same scope, for a value the CRM splits in parts
 * (`{{properties.firstname}} {{properties.lastname}}`).
 */
export function mapped(scope: unknown, path: unknown): unknown {
  if (typeof path !== 'string' || path === '') return undefined;
  if (!path.includes('{{')) return valueAt(scope, path);
  const rendered = renderTemplate(path, (scope ?? {}) as Record<string, unknown>);
  return typeof rendered === 'string' ? rendered.replace(/\s+/g, ' ').trim() : rendered;
}

const text = (value: unknown): string | undefined =>
  value === undefined || value === null || value === '' ? undefined : String(value);

/** findContact / findContactWithName: the list at listPath, each item through `item`'s paths. */
export function mapContacts(data: unknown, mapping: Record<string, unknown>): ContactInfo[] {
  const scope = responseScope(data);
  const list = mapped(scope, mapping.listPath);
  const item = (mapping.item ?? {}) as Record<string, unknown>;
  if (!Array.isArray(list)) return [];
  return list.flatMap((entry): ContactInfo[] => {
    const id = text(mapped(entry, item.idPath));
    if (!id) return [];
    const field = (key: string) => text(mapped(entry, item[key]));
    const additionalInfo = mapped(entry, item.additionalInfoPath);
    return [
      {
        id,
        name: field('namePath') ?? '',
        ...(field('typePath') ? { type: field('typePath') } : {}),
        ...(field('phonePath') ? { phone: field('phonePath'), phoneNumber: field('phonePath') } : {}),
        ...(field('titlePath') ? { title: field('titlePath') } : {}),
        ...(field('companyPath') ? { company: field('companyPath') } : {}),
        ...(field('emailPath') ? { email: field('emailPath') } : {}),
        ...(field('createdDatePath') ? { createdDate: field('createdDatePath') } : {}),
        ...(field('mostRecentActivityDatePath') ? { mostRecentActivityDate: field('mostRecentActivityDatePath') } : {}),
        ...(additionalInfo && typeof additionalInfo === 'object' ? { additionalInfo: additionalInfo as Record<string, unknown> } : {}),
      },
    ];
  });
}

/** The string at `path` of the answer (ids, names), or undefined. */
export function mappedText(data: unknown, path: unknown): string | undefined {
  return text(mapped(responseScope(data), path));
}
