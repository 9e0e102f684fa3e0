import { Injectable } from '@nestjs/common';
import { hashRingCentralId } from '../common/ring-central-id-hash.js';
import { AppConfig } from '../config/app-config.js';

/** hashRingCentralId with the deployment's HASH_KEY: use this wherever a RingCentral id is hashed. */
@Injectable()
export class RingCentralIdHasher {
  constructor(private readonly config: AppConfig) {}

  hash(id: string | number): string {
    return hashRingCentralId(id, this.config.HASH_KEY);
  }
}
