import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { EVENT_STORE, type EventStore } from '../event-store/event-store.port.js';

@Injectable()
export class EventStoreHealthIndicator {
  constructor(
    @Inject(EVENT_STORE) private readonly eventStore: EventStore,
    private readonly indicators: HealthIndicatorService,
  ) {}

  async check() {
    const indicator = this.indicators.check('eventStore');
    try {
      const health = await this.eventStore.health();
      const data = { adapter: health.adapter, ...(health.details ?? {}) };
      return health.ok ? indicator.up(data) : indicator.down(data);
    } catch (error) {
      return indicator.down({ adapter: this.eventStore.adapter, error: (error as Error).message });
    }
  }
}
