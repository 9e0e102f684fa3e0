import { Module } from '@nestjs/common';
import { ManifestController } from './manifest.controller.js';
import { ManifestService } from './manifest.service.js';

@Module({ controllers: [ManifestController], providers: [ManifestService] })
export class ManifestModule {}
