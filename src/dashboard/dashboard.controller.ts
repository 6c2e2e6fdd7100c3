import { Controller, Get, Inject, NotFoundException, Param, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DashboardAssets, type DashboardAsset } from './dashboard-assets.js';

/**
 * Only same-origin scripts, styles and API calls: the page builds its DOM with textContent, and this keeps an order
 * field that slipped through as markup from ever running. `frame-ancestors` stops the operator's buttons being
 * clickjacked from another site.
 */
export const DASHBOARD_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** Serves the operator's dashboard: `/` is the page, `/assets/<file>` its scripts and styles. */
@ApiExcludeController()
@Controller()
export class DashboardController {
  constructor(@Inject(DashboardAssets) private readonly assets: DashboardAssets) {}

  @Get()
  index(@Req() request: FastifyRequest, @Res() reply: FastifyReply): void {
    this.send(request, reply, this.assets.get('index.html'));
  }

  @Get('assets/:file')
  asset(@Param('file') file: string, @Req() request: FastifyRequest, @Res() reply: FastifyReply): void {
    // index.html only at `/`, so there is one URL for the page and relative links resolve the same way.
    this.send(request, reply, file === 'index.html' ? undefined : this.assets.get(file));
  }

  private send(request: FastifyRequest, reply: FastifyReply, asset: DashboardAsset | undefined): void {
    if (!asset) throw new NotFoundException('no such dashboard file');
    reply
      .header('Content-Type', asset.contentType)
      .header('ETag', asset.etag)
      .header('Cache-Control', 'no-cache')
      .header('X-Content-Type-Options', 'nosniff')
      .header('Referrer-Policy', 'no-referrer');
    if (asset.contentType.startsWith('text/html')) {
      reply.header('Content-Security-Policy', DASHBOARD_CSP).header('X-Frame-Options', 'DENY');
    }
    if (request.headers['if-none-match'] === asset.etag) {
      reply.status(304).send();
      return;
    }
    reply.status(200).send(asset.body);
  }
}
