import type { MediaLinks, RingCentralMessage } from '../../connectors/crm-connector.interface.js';
import type { DigestLink } from '../compose/message-digest.composer.js';

type Attachment = NonNullable<RingCentralMessage['attachments']>[number];

/**
 * The media fields App Connect passes for one message, found by attachment type and
 * content type whatever the message type: RingCentral's message store sends an MMS as
 * `type: "SMS"` with `MmsAttachment` parts. Download links carry the RingCentral access
 * token: they go to the connector and nowhere else, and only for RingCentral's own hosts.
 */
export function mediaLinksOf(message: RingCentralMessage, rcAccessToken?: string): MediaLinks {
  const attachments = message.attachments ?? [];
  const viewLink = (attachment: Attachment) => attachment.link ?? attachment.uri;
  const downloadLink = (attachment: Attachment) =>
    attachment.uri && rcAccessToken && isRingCentralMediaUrl(attachment.uri)
      ? withAccessToken(attachment.uri, rcAccessToken)
      : undefined;
  const links: MediaLinks = {};
  const audio = attachments.find((a) => a.type === 'AudioRecording');
  if (audio) links.recordingLink = viewLink(audio);
  const document = attachments.find((a) => a.type === 'RenderedDocument');
  if (document) {
    links.faxDocLink = viewLink(document);
    links.faxDownloadLink = downloadLink(document);
  }
  // A fax page may be an image too; it is the fax document, not a picture sent in a message.
  const media = attachments.filter((a) => a.type !== 'RenderedDocument' && a.type !== 'SourceDocument');
  const image = media.find((a) => contentTypeOf(a).startsWith('image/'));
  if (image) {
    links.imageLink = viewLink(image);
    links.imageDownloadLink = downloadLink(image);
    links.imageContentType = image.contentType;
  }
  const video = media.find((a) => contentTypeOf(a).startsWith('video/'));
  if (video) links.videoLink = viewLink(video);
  return dropEmpty(links);
}

const contentTypeOf = (attachment: Attachment): string => (attachment.contentType ?? '').toLowerCase();

/** RingCentral serves message media from its own HTTPS hosts; the token goes nowhere else. */
export function isRingCentralMediaUrl(uri: string): boolean {
  try {
    const url = new URL(uri);
    const host = url.hostname.toLowerCase();
    return url.protocol === 'https:' && (host === 'ringcentral.com' || host.endsWith('.ringcentral.com'));
  } catch {
    return false;
  }
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
