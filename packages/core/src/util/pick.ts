/** The named keys of `object` that are set (not `undefined`). */
export function pick<T extends object, K extends keyof T>(object: T, ...keys: K[]): Pick<T, K> {
  const out = {} as Pick<T, K>
  for (const key of keys) if (object[key] !== undefined) out[key] = object[key]
  return out
}
