import { InvalidArgumentError } from 'commander';

/** A commander argument parser for a whole number in [min, max]; anything else is a usage error. */
export function integerIn(min: number, max: number): (value: string) => number {
  return (value: string) => {
    const text = value.trim();
    if (!/^-?\d+$/.test(text)) throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}`);
    const number = Number(text);
    if (!Number.isSafeInteger(number) || number < min || number > max) {
      throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}`);
    }
    return number;
  };
}
