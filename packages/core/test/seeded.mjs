// The one seeded random source of the tests and benches (mulberry32): the same numbers from the
// same seed, so a failing random run can be replayed. Plain JavaScript with its types beside it
// (seeded.d.mts), so the benches' Node scripts import it as the TypeScript tests do.

/** Numbers in [0, 1), the same sequence for the same seed. */
export function seeded(seed) {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
