/** Nest injection tokens for the boot-time objects shared by every module. */
export const APP_CONFIG = Symbol('APP_CONFIG');
export const LOGGER = Symbol('LOGGER');
