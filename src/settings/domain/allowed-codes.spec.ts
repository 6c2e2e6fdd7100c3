import type { MarketplaceDefinition } from '../../orders/domain/marketplace-definition.js';
import { allowedCarriersOf, allowedMethodsOf } from './allowed-codes.js';

const argument = (validValues: Record<string, string>, acceptFreeValues: boolean) => ({
  type: 'string',
  validValues,
  defaultValue: null,
  acceptFreeValues,
});

const definition: Pick<MarketplaceDefinition, 'actions' | 'carriers' | 'shippingMethods'> = {
  actions: {
    ship: {
      status: ['waiting_shipment'],
      args: ['carrier', 'tracking_number'],
      optionalArgs: ['shipping_method'],
      argsDescription: {
        carrier: argument({ COLISSIMO: 'Colissimo', GLS: 'GLS' }, false),
        shipping_method: argument({ Standard: 'Standard', Express: 'Express' }, true),
      },
    },
  },
  carriers: { COLISSIMO: { label: 'Colissimo', lengowCode: 'colissimo' }, DHL: { label: 'DHL', lengowCode: 'dhl' } },
  shippingMethods: { Standard: { label: 'Standard', lengowCode: null } },
};

describe('allowed codes of a marketplace definition', () => {
  it("joins the carriers table with the ship carrier argument's values, strict when the argument is", () => {
    expect(allowedCarriersOf(definition)).toEqual({ codes: ['COLISSIMO', 'DHL', 'GLS'], acceptFreeValues: false });
    expect(allowedMethodsOf(definition)).toEqual({ codes: ['Express', 'Standard'], acceptFreeValues: true });
  });

  it('accepts free values when the ship action or the argument is not described', () => {
    expect(allowedCarriersOf({ ...definition, actions: {} })).toEqual({
      codes: ['COLISSIMO', 'DHL'],
      acceptFreeValues: true,
    });
  });
});
