import { Module } from '@nestjs/common';
import { GracefulShutdown } from './graceful-shutdown.service.js';

/** How the process stops: the shutdown gate the HTTP pipeline consults. */
@Module({
  providers: [GracefulShutdown],
  exports: [GracefulShutdown],
})
export class LifecycleModule {}
