/**
 * `load` run at the first call, its answer shared by every call after it. A failed load is
 * not kept: the next call runs `load` again (a file that could not be read is read again; a
 * module whose own code threw fails the same way, since the module cache keeps its error).
 */
export function onFirstUse<T>(load: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | null = null;
  return () => {
    loading ??= load().catch((error: unknown) => {
      loading = null;
      throw error;
    });
    return loading;
  };
}
