/**
 * @module simulator/directory/apportion
 * Largest-remainder (Hamilton) apportionment: split an integer total over
 * weights so the parts sum exactly to the total. No randomness; ties go to the
 * earlier index, so the result depends only on the inputs.
 */

/** Integer parts of `total` proportional to `weights` (non-negative), summing to `total`. */
export function apportion (total: number, weights: readonly number[]): number[] {
  if (!Number.isInteger(total) || total < 0) throw new RangeError(`apportion needs a non-negative integer total, got ${total}`)
  let sum = 0
  for (const w of weights) {
    if (!(w >= 0)) throw new RangeError('apportion weights must be non-negative numbers')
    sum += w
  }
  if (total === 0) return weights.map(() => 0)
  if (!(sum > 0)) throw new RangeError('apportion weights must have a positive sum')
  const quotas = weights.map((w) => (w * total) / sum)
  const parts = quotas.map((q) => Math.floor(q))
  let left = total - parts.reduce((a, b) => a + b, 0)
  const order = quotas
    .map((q, i) => ({ i, r: q - Math.floor(q) }))
    .filter((x) => weights[x.i]! > 0)
    .toSorted((a, b) => b.r - a.r || a.i - b.i)
  for (let k = 0; left > 0; k = (k + 1) % order.length, left--) parts[order[k]!.i]! += 1
  return parts
}
