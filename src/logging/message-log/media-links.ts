import type { MediaLinks, RingCentralMessage } from '../../connectors/crm-connector.interface.js';
import type { DigestLink } from '../compose/message-digest.composer.js';

type Attachment = NonNullable<RingCentralMessage['attachments']>[number];

/**
 * The media fields App Connect passes for one message. Download links carry the
 * RingCentral access token: they go to the connector and nowhere else.
 */
export function mediaLinksOf(message: RingCentralMessage, rcAccessToken?: string): MediaLinks {
  const attachments = message.attachments ?? [];
  const viewLink = (attachment: Attachment) => attachment.link ?? attachment.uri;
  const downloadLink = (attachment: Attachment) =>
    attachment.uri && rcAccessToken ? withAccessToken(attachment.uri, rcAccessToken) : undefined;
  const links: MediaLinks = {};
  switch (message.type) {
    case 'VoiceMail': {
      const audio = attachments.find((a) => a.type === 'AudioRecording');
      if (audio) links.recordingLink = viewLink(audio);
      break;
    }
    case 'Fax': {
      const document = attachments.find((a) => a.type === 'RenderedDocument');
      if (document) {
        links.faxDocLink = viewLink(document);
        links.faxDownloadLink = downloadLink(document);
      }
      break;
    }
    case 'MMS': {
      const image = attachments.find((a) => a.contentType?.startsWith('image/'));
      if (image) {
        links.imageLink = viewLink(image);
        links.imageDownloadLink = downloadLink(image);
        links.imageContentType = image.contentType;
      }
      const video = attachments.find((a) => a.contentType?.startsWith('video/'));
      if (video) links.videoLink = viewLink(video);
      break;
    }
  }
  return dropEmpty(links);
}

/** Per-field, the value of the newest message that has one (messages oldest first). */
export function newestMediaLinks(perMessage: MediaLinks[]): MediaLinks {
  return Object.assign({}, ...perMessage.map(dropEmpty)) as MediaLinks;
}

/** What a digest keeps: the view links only, with any access token removed. */
export function storableLinks(links: MediaLinks): DigestLink[] {
  const stored: DigestLink[] = [];
  const add = (label: string, url?: string) => {
    if (url) stored.push({ label, url: withoutAccessToken(url) });
  };
  add('Voicemail recording', links.recordingLink);
  add('Fax document', links.faxDocLink);
  add('Image', links.imageLink);
  add('Video', links.videoLink);
  return stored;
}

export function withAccessToken(uri: string, token: string): string {
  return `${uri}${uri.includes('?') ? '&' : '?'}access_token=${encodeURIComponent(token)}`;
}

/** Removes access_token from a URL's query, in case a client sent one inside a view link. */
export function withoutAccessToken(url: string): string {
  if (!/access_token=/i.test(url)) return url;
  try {
    const parsed = new URL(url);
    for (const name of [...parsed.searchParams.keys()]) {
      if (name.toLowerCase() === 'access_token') parsed.searchParams.delete(name);
    }
    return parsed.toString();
  } catch {
    return url.replace(/([?&])access_token=[^&#]*&?/gi, '$1').replace(/[?&]$/, '');
  }
}

function dropEmpty(links: MediaLinks): MediaLinks {
  return Object.fromEntries(Object.entries(links).filter(([, value]) => value)) as MediaLinks;
}
