import { publishedReleaseNotes, RELEASE_NOTES, type ReleaseNotes } from './release-notes.js';
import { SERVER_VERSION } from './server-version.js';

describe('release notes', () => {
  const notes: ReleaseNotes = {
    '2.0.0': { global: [{ type: 'New', description: 'Everything.' }] },
    '1.1.0': {
      global: [{ type: 'Fix', description: 'Server fix.' }],
      alpha: [{ type: 'New', description: 'Alpha feature.' }],
      retired: [{ type: 'New', description: 'A platform this server no longer serves.' }],
    },
    '1.0.0': { beta: [{ type: 'New', description: 'Beta feature.' }] },
    '0.9.0': { alpha: [] },
  };

  it('publishes versions with notes for a served platform, with their global notes', () => {
    expect(publishedReleaseNotes(['alpha', 'beta'], notes)).toEqual({
      '1.1.0': {
        global: [{ type: 'Fix', description: 'Server fix.' }],
        alpha: [{ type: 'New', description: 'Alpha feature.' }],
      },
      '1.0.0': { global: [], beta: [{ type: 'New', description: 'Beta feature.' }] },
    });
  });

  it('publishes nothing for a server without matching platforms', () => {
    expect(publishedReleaseNotes(['gamma'], notes)).toEqual({});
  });

  it('has notes for the current package version', () => {
    expect(Object.keys(publishedReleaseNotes(['local', 'pipedrive']))).toContain(SERVER_VERSION);
    expect(RELEASE_NOTES[SERVER_VERSION].global.length).toBeGreaterThan(0);
  });
});
