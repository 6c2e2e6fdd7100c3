/** The caller's If-Match revision is no longer the settings' current one (HTTP 412): someone changed them since. */
export class StaleSettingsRevision extends Error {
  readonly code = 'STALE_SETTINGS_REVISION';
  constructor(
    readonly expected: string,
    readonly actual: string,
  ) {
    super(`order settings are at revision ${actual}, not ${expected}`);
    this.name = 'StaleSettingsRevision';
  }
}
