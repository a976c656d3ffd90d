/**
 * The payload `build` makes of the app's values. When reading them throws (a getter, a Proxy whose
 * traps throw), a payload that throws the same error when the recorder reads it: the recorder then
 * refuses and reports it as it does any unreadable payload (`invalid_event_data`, the error as
 * `cause`; thrown only under `strict: true`), and the hook's callback never throws.
 */
export function payload<T>(build: () => T): T {
  try {
    return build()
  } catch (error) {
    return {
      get unreadable(): never {
        throw error
      },
    } as T
  }
}
