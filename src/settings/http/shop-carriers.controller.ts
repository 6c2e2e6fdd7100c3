import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequireRole } from '../../http/require-role.decorator.js';
import type { ShopCarrier } from '../../shop/shop-carrier.js';
import { SHOP, type Shop } from '../../shop/shop.port.js';

/** The shop's carriers, for the carrier mapping forms of the settings page. */
@ApiTags('settings')
@RequireRole('viewer')
@Controller('api/shop/carriers')
export class ShopCarriersController {
  constructor(@Inject(SHOP) private readonly shop: Shop) {}

  @Get()
  @ApiOperation({ summary: "The shop's carriers (current versions): what a mapping's shop carrier can be" })
  @ApiOkResponse({
    schema: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          id: { type: 'integer' },
          referenceId: { type: 'integer', description: 'Stays the same across versions of the carrier' },
          name: { type: 'string', example: 'Colissimo' },
          trackingUrl: { type: 'string', nullable: true, example: 'https://www.laposte.fr/suivi?code=@' },
        },
      },
    },
  })
  list(): Promise<ShopCarrier[]> {
    return this.shop.listCarriers();
  }
}
