/** Nest injection tokens for the boot-time objects shared by every module. */
export const APP_CONFIG = Symbol('APP_CONFIG');
export const LOGGER = Symbol('LOGGER');
/** Where the order read models live and who writes them (an OrderReadModelsPlacement). */
export const ORDER_READ_MODELS = Symbol('ORDER_READ_MODELS');
