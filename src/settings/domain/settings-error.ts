/**
 * Every way a settings command can be refused. The codes are a stable contract: HTTP and the bus map them to their
 * own shapes, so rename one only together with every adapter that maps it.
 */
export type SettingsErrorCode =
  | 'INVALID_COMMAND'
  | 'INVALID_SETTING'
  | 'UNKNOWN_LENGOW_STATUS'
  | 'UNKNOWN_MARKETPLACE'
  | 'UNKNOWN_MARKETPLACE_CARRIER'
  | 'UNKNOWN_SHIPPING_METHOD'
  | 'UNKNOWN_SHOP_CARRIER';

/** A settings command that cannot apply; `field` names the offending input so a form can show it next to the field. */
export class SettingsDomainError extends Error {
  constructor(
    readonly code: SettingsErrorCode,
    readonly field: string | null,
    message: string,
  ) {
    super(message);
    this.name = 'SettingsDomainError';
  }
}

export const invalidSetting = (field: string, message: string) =>
  new SettingsDomainError('INVALID_SETTING', field, message);
