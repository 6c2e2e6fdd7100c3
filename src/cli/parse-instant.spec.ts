import { describe, expect, it } from '@jest/globals';
import { InvalidArgumentError } from 'commander';
import { parseInstant } from './parse-instant.js';
import { parseOrderKey } from './parse-order-key.js';

const NOW = () => new Date('2024-05-10T12:00:00.000Z');

describe('parseInstant', () => {
  it.each([
    ['30m', '2024-05-10T11:30:00.000Z'],
    ['6h', '2024-05-10T06:00:00.000Z'],
    ['2d', '2024-05-08T12:00:00.000Z'],
    ['1w', '2024-05-03T12:00:00.000Z'],
    ['2024-05-01', '2024-05-01T00:00:00.000Z'],
    ['2024-05-01T08:00:00Z', '2024-05-01T08:00:00.000Z'],
    ['2024-05-01T08:00+02:00', '2024-05-01T06:00:00.000Z'],
    ['2024-02-29T23:59:59.5-01:00', '2024-03-01T00:59:59.500Z'],
  ])('%s is %s', (value, expected) => {
    expect(parseInstant(value, NOW)).toBe(expected);
  });

  it.each(['0h', '2 days', 'yesterday', '2024-05-01T08:00:00', '2024-02-30', '2023-02-29', '2024-13-01', '', '-2d'])(
    '%j is refused as a usage error',
    (value) => {
      expect(() => parseInstant(value, NOW)).toThrow(InvalidArgumentError);
    },
  );
});

describe('parseOrderKey', () => {
  it('splits at the first colon and lower-cases the marketplace only', () => {
    expect(parseOrderKey(' Amazon_FR:402-1234567-0000001 ')).toEqual({
      marketplace: 'amazon_fr',
      marketplaceOrderId: '402-1234567-0000001',
    });
    expect(parseOrderKey('fnac:ABC:1')).toEqual({ marketplace: 'fnac', marketplaceOrderId: 'ABC:1' });
  });

  it.each(['amazon_fr', ':1', 'amazon_fr:', 'amazon fr:1', 'é:1', `cdiscount:${'9'.repeat(201)}`, 'fnac:A\u001b[2JB'])(
    '%j is refused as a usage error',
    (value) => {
      expect(() => parseOrderKey(value)).toThrow(InvalidArgumentError);
    },
  );
});
