import { Controller, Get, Headers, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { timingSafeEqual } from 'node:crypto';
import { AppException } from '../common/app.exception.js';
import { AppConfig } from '../config/app-config.js';
import { MetricsService } from './metrics.service.js';

interface TextReply {
  type(contentType: string): TextReply;
  send(body: string): void;
}

const sameSecret = (given: string, expected: string): boolean => {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
};

/** Prometheus scrape endpoint; behind `METRICS_TOKEN` (Bearer) when that is set. */
@ApiExcludeController()
@Controller('metrics')
export class MetricsController {
  constructor(
    private readonly metrics: MetricsService,
    private readonly config: AppConfig,
  ) {}

  @Get()
  async scrape(@Headers('authorization') authorization: string | undefined, @Res() reply: TextReply): Promise<void> {
    const token = this.config.METRICS_TOKEN;
    if (token && !sameSecret(authorization ?? '', `Bearer ${token}`)) {
      throw AppException.sessionInvalid('Metrics need Authorization: Bearer <METRICS_TOKEN>.');
    }
    reply.type(this.metrics.contentType).send(await this.metrics.render());
  }
}
