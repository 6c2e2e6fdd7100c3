/** The CLI itself refuses a well-formed request (e.g. seeding an emulator when real Lengow is configured): exit 3. */
export class CliRefusal extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'CliRefusal';
  }
}
