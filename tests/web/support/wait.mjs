// Waiting in browser tests.

export const sleep = (ms) =>
  new Promise((resolve) => {
    setTimeout(resolve, ms);
  });

// Retries `check` (which throws on failure) until it passes or `timeoutMs` runs out,
// then rethrows its last error with what was being waited for.
export async function eventually(what, check, { timeoutMs = 10_000, intervalMs = 250 } = {}) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() >= deadline) {
        error.message = `timed out after ${timeoutMs / 1000} s waiting for ${what}: ${error.message}`;
        throw error;
      }
    }
    await sleep(intervalMs);
  }
}
