/**
 * Every environment variable the service reads, with its default and what it does (the
 * rows are in variables-access.ts and variables-runtime.ts, put together in
 * variable-catalogue.ts): the source of docs/configuration.md (`npm run docs` writes it; test/drift/docs.test.ts fails
 * when the page differs, or when a variable read in src/config/ is missing here or one
 * listed here is no longer read). The rules themselves (parsing, ranges, the checks between
 * variables) live in the readers beside this file; this says them in words.
 */

/** One row of the page: the variables it documents (shown together), their default, and what they do (Markdown). */
export interface VariableDoc {
  readonly names: readonly string[];
  /** Variables the description names that are read too (the original service's names, the rest of a family). */
  readonly alsoReads?: readonly string[];
  /** The first column as shown, when it says more than the names. */
  readonly label?: string;
  readonly default: string;
  readonly description: string;
}

export interface VariableSection {
  readonly title: string;
  readonly variables: readonly VariableDoc[];
}

export function section(title: string, variables: readonly VariableDoc[]): VariableSection {
  return { title, variables };
}
