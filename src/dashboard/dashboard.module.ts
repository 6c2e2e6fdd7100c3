import { Module } from '@nestjs/common';
import { DashboardAssets } from './dashboard-assets.js';
import { DashboardController } from './dashboard.controller.js';

/**
 * The operator's web page at `/`. Static files only: the page talks to the engine through the same HTTP API as any
 * other client (`/api/…`), with the operator's API key when one is required.
 */
@Module({
  controllers: [DashboardController],
  providers: [{ provide: DashboardAssets, useFactory: () => new DashboardAssets() }],
})
export class DashboardModule {}
