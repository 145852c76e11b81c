import { expect } from 'chai';

/** The message of the error `promise` rejects with, checked to be a single line. */
export async function oneLineErrorOf(promise: Promise<unknown>): Promise<string> {
  const err = await promise.then(() => undefined, (e: Error) => e);
  expect(err, 'expected an error').to.be.instanceOf(Error);
  expect(err!.message).to.not.include('\n');
  return err!.message;
}
