import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule } from './app.module.js';
import { ConfigValidationError, loadAppConfig } from './config/app-config.js';
import { configureHttpApp, createHttpAdapter } from './http-app.js';

async function bootstrap(): Promise<void> {
  let config;
  try {
    config = loadAppConfig();
  } catch (error) {
    if (error instanceof ConfigValidationError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRoot(config),
    createHttpAdapter(config),
    { bufferLogs: true },
  );
  configureHttpApp(app);
  await app.listen(config.PORT, config.listenHost);
  console.log(`App Connect CRM server listening on http://${config.listenHost}:${config.PORT} (docs: /docs)`);
}

void bootstrap();
