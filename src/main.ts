import 'reflect-metadata';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { ConfigValidationError, loadAppConfig } from './config/app-config.js';

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
  // Loaded only once the configuration is known to be good: a refused start (no secret
  // outside development) stops before any module, database or port is touched.
  const [{ NestFactory }, { AppModule }, { configureHttpApp, createHttpAdapter }] = await Promise.all([
    import('@nestjs/core'),
    import('./app.module.js'),
    import('./http-app.js'),
  ]);
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
