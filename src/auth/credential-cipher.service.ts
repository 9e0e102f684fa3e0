import { Injectable } from '@nestjs/common';
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { AppConfig } from '../config/app-config.js';
import type { CrmCredentials } from '../connectors/crm-connector.interface.js';

const VERSION = 'v1';

/**
 * Encrypts CRM credentials at rest with AES-256-GCM under a key derived (HKDF) from
 * the server secret, so a copy of the database alone does not leak CRM tokens.
 */
@Injectable()
export class CredentialCipher {
  private readonly key: Buffer;

  constructor(config: AppConfig) {
    this.key = Buffer.from(
      hkdfSync('sha256', config.APP_SERVER_SECRET_KEY, 'app-connect-crm-server', 'crm-credentials-v1', 32),
    );
  }

  encrypt(credentials: CrmCredentials): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const ciphertext = Buffer.concat([cipher.update(JSON.stringify(credentials), 'utf8'), cipher.final()]);
    return [VERSION, iv, cipher.getAuthTag(), ciphertext].map((part) =>
      typeof part === 'string' ? part : part.toString('base64url'),
    ).join('.');
  }

  /** Null when the value was written under another secret or has been tampered with. */
  decrypt(stored: string): CrmCredentials | null {
    const [version, iv, tag, ciphertext] = stored.split('.');
    if (version !== VERSION || !iv || !tag || ciphertext === undefined) return null;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      const plain = Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]);
      return JSON.parse(plain.toString('utf8')) as CrmCredentials;
    } catch {
      return null;
    }
  }
}
