import type { RingCentralMessage } from '../../connectors/crm-connector.interface.js';
import { mediaLinksOf, newestMediaLinks, storableLinks, withoutAccessToken } from './media-links.js';

const message = (type: RingCentralMessage['type'], attachments: RingCentralMessage['attachments']): RingCentralMessage => ({
  id: 1,
  type,
  attachments,
});

describe('media links', () => {
  it('takes the AudioRecording link of a voicemail', () => {
    const links = mediaLinksOf(
      message('VoiceMail', [
        { type: 'AudioTranscription', link: 'https://x/t' },
        { type: 'AudioRecording', uri: 'https://media/vm', link: 'https://view/vm' },
      ]),
      'tok',
    );
    expect(links).toEqual({ recordingLink: 'https://view/vm' });
  });

  it('takes the RenderedDocument of a fax, with a token only in the download link', () => {
    const links = mediaLinksOf(
      message('Fax', [{ type: 'RenderedDocument', uri: 'https://media/fax/2', link: 'https://view/fax/2' }]),
      'secret',
    );
    expect(links).toEqual({ faxDocLink: 'https://view/fax/2', faxDownloadLink: 'https://media/fax/2?access_token=secret' });
    expect(mediaLinksOf(message('Fax', [{ type: 'RenderedDocument', uri: 'https://media/fax/2' }]))).toEqual({
      faxDocLink: 'https://media/fax/2',
    });
  });

  it('takes image and video attachments of an MMS', () => {
    const links = mediaLinksOf(
      message('MMS', [
        { type: 'Text', uri: 'https://media/text', contentType: 'text/plain' },
        { type: 'MmsAttachment', uri: 'https://media/img?x=1', contentType: 'image/png' },
        { type: 'MmsAttachment', uri: 'https://media/vid', contentType: 'video/mp4' },
      ]),
      'tok',
    );
    expect(links).toEqual({
      imageLink: 'https://media/img?x=1',
      imageDownloadLink: 'https://media/img?x=1&access_token=tok',
      imageContentType: 'image/png',
      videoLink: 'https://media/vid',
    });
  });

  it('has no media for a plain SMS', () => {
    expect(mediaLinksOf(message('SMS', [{ type: 'Text', uri: 'https://media/text' }]), 'tok')).toEqual({});
  });

  it('keeps the newest value of each field across a batch', () => {
    expect(newestMediaLinks([{ recordingLink: 'a', imageLink: 'i' }, {}, { recordingLink: 'b' }])).toEqual({
      recordingLink: 'b',
      imageLink: 'i',
    });
  });

  it('stores view links only, without any access token', () => {
    const stored = storableLinks({
      recordingLink: 'https://view/vm?access_token=abc&x=1',
      faxDocLink: 'https://view/fax',
      faxDownloadLink: 'https://media/fax?access_token=abc',
      imageDownloadLink: 'https://media/img?access_token=abc',
    });
    expect(stored).toEqual([
      { label: 'Voicemail recording', url: 'https://view/vm?x=1' },
      { label: 'Fax document', url: 'https://view/fax' },
    ]);
    expect(JSON.stringify(stored)).not.toContain('abc');
    expect(withoutAccessToken('not a url?access_token=abc')).toBe('not a url');
  });
});
