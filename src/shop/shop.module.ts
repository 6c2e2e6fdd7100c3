import { Global, Module } from '@nestjs/common';
import { builtInShopProvider } from './built-in-shop.provider.js';
import { SHOP } from './shop.port.js';

/** Provides SHOP: the built-in shop in the read-model database. */
@Global()
@Module({ providers: [builtInShopProvider()], exports: [SHOP] })
export class ShopModule {}
