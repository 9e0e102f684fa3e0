import { Injectable } from '@nestjs/common';

export interface RecentCrmError {
  connector: string;
  operation: string;
  status: string;
  message: string;
  at: Date;
}

/** How many failed CRM requests are kept per connector; older ones drop off. */
const PER_CONNECTOR = 20;

/**
 * The latest failed CRM requests of this instance, per connector, for the operator
 * console. Memory only and bounded: each instance shows what it saw since it started.
 */
@Injectable()
export class RecentCrmErrors {
  private readonly byConnector = new Map<string, RecentCrmError[]>();

  add(error: RecentCrmError): void {
    const list = this.byConnector.get(error.connector) ?? [];
    list.unshift(error);
    if (list.length > PER_CONNECTOR) list.length = PER_CONNECTOR;
    this.byConnector.set(error.connector, list);
  }

  /** Newest first, per connector. */
  all(): Map<string, RecentCrmError[]> {
    return new Map([...this.byConnector].map(([connector, errors]) => [connector, [...errors]]));
  }
}
