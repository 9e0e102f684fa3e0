import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { CrmHttpClientFactory } from '../src/connectors/http/crm-http-client.factory.js';
import { OutboxWorker } from '../src/delivery/outbox-worker.service.js';
import { GracefulShutdown } from '../src/lifecycle/graceful-shutdown.service.js';
import { createTestApp } from './support/test-app.js';

describe('shutdown order (e2e)', () => {
  it('closes the door, waits for requests, drains the outbox, then closes the CRM agents, then the database', async () => {
    const t = await createTestApp();
    const steps: string[] = [];
    const spy = <T extends object>(target: T, method: keyof T & string, name: string) => {
      const original = (target[method] as (...args: unknown[]) => unknown).bind(target);
      (target as Record<string, unknown>)[method] = async (...args: unknown[]) => {
        steps.push(name);
        return original(...args);
      };
    };
    spy(t.get(GracefulShutdown), 'beforeApplicationShutdown', 'requests finished');
    spy(t.get(OutboxWorker), 'beforeApplicationShutdown', 'outbox drained');
    spy(t.get(CrmHttpClientFactory), 'onApplicationShutdown', 'CRM agents closed');
    spy(t.get(DataSource), 'destroy', 'database closed');
    await t.close();
    expect(steps.indexOf('CRM agents closed')).toBeGreaterThan(steps.indexOf('requests finished'));
    expect(steps.indexOf('CRM agents closed')).toBeGreaterThan(steps.indexOf('outbox drained'));
    expect(steps.indexOf('database closed')).toBeGreaterThan(steps.indexOf('CRM agents closed'));
    expect(steps).toHaveLength(4);
  });
});
