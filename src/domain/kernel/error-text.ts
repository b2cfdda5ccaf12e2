/** An error's name and message only, for logs: adapters' errors carry no secrets, but stacks are noise. */
export function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
