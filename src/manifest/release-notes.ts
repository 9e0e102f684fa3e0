/**
 * What changed, per server version: `global` for the whole server, and a section per
 * platform. Add an entry with each release (the release-notes test asks for one for the
 * package version). Only versions with notes for a served platform are published,
 * the way App Connect merges global notes into connector versions.
 */
export interface ReleaseNote {
  type: 'New' | 'Better' | 'Fix';
  description: string;
}

export type ReleaseNotes = Record<string, Record<string, ReleaseNote[]>>;

export const RELEASE_NOTES: ReleaseNotes = {
  '0.1.0': {
    global: [
      { type: 'New', description: 'Contacts found by phone number in any common format.' },
      { type: 'New', description: 'Calls logged once per call session, with edits re-rendering the whole note.' },
      { type: 'New', description: 'SMS, MMS, voicemail and fax logged as one daily digest per conversation.' },
      { type: 'New', description: 'Custom manifest at /crmManifest for the App Connect extension.' },
      { type: 'New', description: 'User settings, with account admin settings merged on top, shape the logged notes.' },
      { type: 'New', description: 'CRM writes survive CRM outages: a write the CRM cannot take is kept and delivered later.' },
      { type: 'New', description: 'Server-side call logging, call dispositions, contact search by name and the call-down list.' },
    ],
    local: [{ type: 'New', description: 'Built-in CRM on the server database, with demo contacts.' }],
    clio: [{ type: 'New', description: 'Calls and message digests as communications linked to the contact and matter.' }],
    bullhorn: [{ type: 'New', description: 'Calls and message digests as notes with the chosen action.' }],
    insightly: [{ type: 'New', description: 'Sign in with your API key and API URL; calls and message digests as events linked to the contact or lead.' }],
    redtail: [
      { type: 'New', description: 'Sign in with your Redtail user name and password; only the user key Redtail issues is kept.' },
      { type: 'New', description: 'Calls and message digests as completed activities, in the category you pick or your default category.' },
    ],
    pipedrive: [
      { type: 'New', description: 'Sign in with OAuth or a personal API token.' },
      { type: 'New', description: 'Calls and message digests become activities linked to the person, deal or lead.' },
    ],
  },
};

/** The published notes: versions with a section for one of `platforms`, each with its global notes. */
export function publishedReleaseNotes(platforms: string[], notes: ReleaseNotes = RELEASE_NOTES): ReleaseNotes {
  const published: ReleaseNotes = {};
  for (const [version, sections] of Object.entries(notes)) {
    const served = platforms.filter((platform) => (sections[platform] ?? []).length > 0);
    if (served.length === 0) continue;
    published[version] = {
      global: sections.global ?? [],
      ...Object.fromEntries(served.map((platform) => [platform, sections[platform]])),
    };
  }
  return published;
}
