/**
 * Values computed from a seed and a row number alone, with no random stream: a row's uuid must be
 * recomputable by a child table that only knows its parent's row number, and a row's being null must
 * not shift the column's stream.
 */

/** murmur3's 32-bit finaliser: a bijection on 32 bits that spreads every input bit over the output. */
export function mix32(x: number): number {
  let h = x >>> 0
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  h ^= h >>> 16
  return h >>> 0
}

/** A float in [0, 1) from a seed and an index. */
export function hashFraction(seed: number, index: number): number {
  return mix32(mix32(index >>> 0) ^ Math.floor(index / 0x1_0000_0000) ^ seed) / 0x1_0000_0000
}

const hex8 = (n: number): string => n.toString(16).padStart(8, '0')

/**
 * A version-4-shaped uuid (`xxxxxxxx-xxxx-4xxx-[89ab]xxx-xxxxxxxxxxxx`) from a column's seed and a row
 * number. The first 8 hex digits are a bijection of the low 32 bits of the index for a given seed, so
 * the uuids of up to 2^32 rows are all different.
 */
export function uuidAt(seed: number, index: number): string {
  const low = index >>> 0
  const a = mix32(low ^ seed)
  const b = mix32(a ^ Math.floor(index / 0x1_0000_0000) ^ 0x9e3779b9)
  const c = mix32(b ^ seed ^ 0x7f4a7c15)
  const d = mix32(c ^ low)
  const bs = hex8(b)
  const cs = hex8(((c & 0x3fffffff) | 0x80000000) >>> 0)
  return `${hex8(a)}-${bs.slice(0, 4)}-4${bs.slice(5, 8)}-${cs.slice(0, 4)}-${cs.slice(4, 8)}${hex8(d)}`
}
