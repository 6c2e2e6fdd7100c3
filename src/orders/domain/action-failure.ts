import { lengowText, quoted } from './import-failure.js';
import type { ActionType } from './marketplace-definition.js';

/**
 * Why an action did not succeed: refused by our own checks before any call (the plugins' send errors, lengow-api.md
 * §10.2), refused by Lengow/the marketplace, unreachable, or timed out. Messages follow the plugins' texts. Values
 * and texts from Lengow or the shop are quoted (`quoted`, `lengowText`: control characters escaped, length bounded),
 * as the import's reasons are: the messages are stored in the order's events and the overview.
 */
export type ActionFailureCode =
  | 'ACTION_NOT_SUPPORTED'
  | 'ACTION_NOT_ALLOWED_IN_STATUS'
  | 'ARGUMENT_REQUIRED'
  | 'INVALID_ARGUMENT_VALUE'
  | 'NO_DELIVERY_COUNTRY'
  | 'ORDER_LINE_REQUIRED'
  | 'WHOLE_ORDER_ONLY'
  | 'WHOLE_LINE_ONLY'
  | 'LENGOW_REFUSED'
  | 'SEND_FAILED'
  | 'LENGOW_UNAVAILABLE'
  | 'TIMED_OUT';

export interface ActionFailure {
  readonly code: ActionFailureCode;
  readonly message: string;
}

export const ACTION_TOO_OLD_MESSAGE = 'order action is too old. Please retry the call';
export const LENGOW_UNAVAILABLE_MESSAGE = "can't create action because Lengow API is unavailable. Please retry";

const ACTION_WORDING: Readonly<Record<ActionType, readonly [string, string, string]>> = {
  ship: ['ships', 'a shipment', 'ship'],
  cancel: ['cancels', 'a cancellation', 'cancel'],
  refund: ['refunds', 'a refund', 'refund'],
};

const failure = (code: ActionFailureCode, message: string): ActionFailure => ({ code, message });

/** Marketplaces list hundreds of carriers: beyond a dozen the message would drown the point. */
const LISTED_VALID_CODES = 12;

function validList(codes: readonly string[]): string {
  if (codes.length === 0) return '';
  const shown = codes
    .slice(0, LISTED_VALID_CODES)
    .map((code) => quoted(code))
    .join(', ');
  const more = codes.length - LISTED_VALID_CODES;
  return ` (valid: ${shown}${more > 0 ? ` and ${more} more` : ''})`;
}

export const actionFailures = {
  notSupported: (actionType: ActionType) =>
    failure('ACTION_NOT_SUPPORTED', `marketplace actions ${actionType} are not present`),
  notAllowedInStatus: (actionType: ActionType, status: string | null) =>
    failure(
      'ACTION_NOT_ALLOWED_IN_STATUS',
      `${actionType} action not available for this order_state: ${status === null ? 'unknown' : quoted(status)}`,
    ),
  argumentRequired: (argument: string) => failure('ARGUMENT_REQUIRED', `can't send action: ${argument} is required`),
  /** Names the valid codes, so that the merchant can fix the value without the definition at hand (a few only). */
  invalidValue: (argument: string, value: string, validCodes: readonly string[] = []) =>
    failure(
      'INVALID_ARGUMENT_VALUE',
      `can't send action: ${quoted(value)} is not a valid value for ${argument}${validList(validCodes)}`,
    ),
  noDeliveryCountry: () => failure('NO_DELIVERY_COUNTRY', "can't find the delivery country in the order"),
  lineRequired: () => failure('ORDER_LINE_REQUIRED', 'order line is required but cannot be not found in order'),
  /** Not a plugin text: the plugins send the order-level action here, which acts on the whole order. */
  wholeOrderOnly: (marketplace: string, actionType: ActionType) => {
    const [does, an, doIt] = ACTION_WORDING[actionType];
    return failure(
      'WHOLE_ORDER_ONLY',
      `${quoted(marketplace)} ${does} whole orders only: ${an} of some lines cannot be sent; ${doIt} them in the marketplace's back office`,
    );
  },
  /**
   * Not a plugin text: the plugins send the line without quantity here, which the marketplace reads as the whole line.
   * `ordered` is null when the line's ordered quantity is not known.
   */
  wholeLineOnly: (
    marketplace: string,
    actionType: ActionType,
    line: string,
    quantity: number,
    ordered: number | null,
  ) => {
    const [does, an, doIt] = ACTION_WORDING[actionType];
    const part = ordered === null ? `${quantity} item(s)` : `${quantity} of the ${ordered} item(s)`;
    return failure(
      'WHOLE_LINE_ONLY',
      `${quoted(marketplace)} ${does} whole lines only: ${an} of ${part} of line ${quoted(line)} cannot be sent; ${doIt} them in the marketplace's back office`,
    );
  },
  refused: (message: string) => failure('LENGOW_REFUSED', lengowText(message)),
  /** `message` may carry Lengow's answer to the call. */
  sendFailed: (message: string) => failure('SEND_FAILED', lengowText(message)),
  unavailable: () => failure('LENGOW_UNAVAILABLE', LENGOW_UNAVAILABLE_MESSAGE),
  timedOut: () => failure('TIMED_OUT', ACTION_TOO_OLD_MESSAGE),
};
