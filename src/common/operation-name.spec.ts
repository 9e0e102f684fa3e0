import { operationName } from './operation-name.js';

describe('operationName', () => {
  it('keeps route words and replaces ids, numbers, encoded values and addresses', () => {
    expect(operationName('GET', 'https://x.pipedrive.com/api/v1/persons/123?term=5551234')).toBe('GET /api/v1/persons/:id');
    expect(operationName('POST', 'https://app.clio.com/api/v4/activities.json')).toBe('POST /api/v4/activities.json');
    expect(operationName('GET', 'https://rest.example/search/Candidate%20Jane/jane@example.com/+14155550100')).toBe(
      'GET /search/:id/:id/:id',
    );
    expect(operationName('PUT', 'https://crm.example/notes/6f1c2a4e-8b9d-4c3e-a1b2-0123456789ab')).toBe('PUT /notes/:id');
    expect(operationName('GET', 'not a url')).toBe('GET (invalid url)');
  });
});
