import { Module } from '@nestjs/common';
import { ConnectorsModule } from '../connectors/connectors.module.js';
import { AuthModule } from '../auth/auth.module.js';
import { ManifestController } from './manifest.controller.js';
import { ManifestService } from './manifest.service.js';

@Module({
  imports: [ConnectorsModule, AuthModule], controllers: [ManifestController], providers: [ManifestService] })
export class ManifestModule {}
