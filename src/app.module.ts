import { Module, type DynamicModule } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import type { Infrastructure } from './boot/infrastructure.js';
import { InfrastructureModule } from './boot/infrastructure.module.js';
import { HealthModule } from './health/health.module.js';

@Module({})
export class AppModule {
  static register(infrastructure: Infrastructure): DynamicModule {
    return {
      module: AppModule,
      imports: [InfrastructureModule.register(infrastructure), CqrsModule.forRoot(), HealthModule],
    };
  }
}
