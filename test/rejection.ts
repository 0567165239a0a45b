/** The error a promise rejects with; a promise that resolves yields an error saying so, failing the assertion that follows. */
export function rejection(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    () => new Error('resolved unexpectedly'),
    (err: unknown) => err as Error,
  );
}
