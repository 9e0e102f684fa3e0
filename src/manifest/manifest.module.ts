import { Module } from '@nestjs/common';
import { ManifestController } from './manifest.controller.js';

@Module({ controllers: [ManifestController] })
export class ManifestModule {}
