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
      message('Fax', [{ type: 'RenderedDocument', uri: 'https://media.ringcentral.com/fax/2', link: 'https://view/fax/2' }]),
      'secret',
    );
    expect(links).toEqual({
      faxDocLink: 'https://view/fax/2',
      faxDownloadLink: 'https://media.ringcentral.com/fax/2?access_token=secret',
    });
    expect(mediaLinksOf(message('Fax', [{ type: 'RenderedDocument', uri: 'https://media/fax/2' }]))).toEqual({
      faxDocLink: 'https://media/fax/2',
    });
  });

  it('takes image and video attachments of an MMS', () => {
    const links = mediaLinksOf(
      message('MMS', [
        { type: 'Text', uri: 'https://media/text', contentType: 'text/plain' },
        { type: 'MmsAttachment', uri: 'https://media.ringcentral.com/img?x=1', contentType: 'image/png' },
        { type: 'MmsAttachment', uri: 'https://media/vid', contentType: 'video/mp4' },
      ]),
      'tok',
    );
    expect(links).toEqual({
      imageLink: 'https://media.ringcentral.com/img?x=1',
      imageDownloadLink: 'https://media.ringcentral.com/img?x=1&access_token=tok',
      imageContentType: 'image/png',
      videoLink: 'https://media/vid',
    });
  });

  it('finds the image of an MMS that RingCentral sends as type SMS', () => {
    const links = mediaLinksOf(
      message('SMS', [
        { type: 'Text', uri: 'https://media.ringcentral.com/text', contentType: 'text/plain' },
        { type: 'MmsAttachment', uri: 'https://media.ringcentral.com/img/7', contentType: 'IMAGE/JPEG' },
      ]),
      'tok',
    );
    expect(links).toEqual({
      imageLink: 'https://media.ringcentral.com/img/7',
      imageDownloadLink: 'https://media.ringcentral.com/img/7?access_token=tok',
      imageContentType: 'IMAGE/JPEG',
    });
  });

  it('does not take a fax page image for a picture', () => {
    const links = mediaLinksOf(message('Fax', [{ type: 'RenderedDocument', uri: 'https://view/fax', contentType: 'image/tiff' }]));
    expect(links).toEqual({ faxDocLink: 'https://view/fax' });
  });

  it('appends the RingCentral token only to https RingCentral hosts', () => {
    const download = (uri: string) =>
      mediaLinksOf(message('Fax', [{ type: 'RenderedDocument', uri }]), 'tok').faxDownloadLink;
    expect(download('https://media.ringcentral.com/restapi/v1.0/fax/1')).toContain('access_token=tok');
    expect(download('https://platform.devtest.ringcentral.com/fax/1')).toContain('access_token=tok');
    for (const uri of [
      'https://attacker.example/fax',
      'https://ringcentral.com.attacker.example/fax',
      'https://evilringcentral.com/fax',
      'http://media.ringcentral.com/fax',
      'https://media.ringcentral.com@attacker.example/fax',
      'not a url',
    ]) {
      expect(download(uri)).toBeUndefined();
    }
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
