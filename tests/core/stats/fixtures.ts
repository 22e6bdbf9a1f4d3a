/**
 * Fixed arrays shared by the stats tests. They are built from integer formulas so that the same
 * arrays can be rebuilt in Python (numpy/scipy from Debian's python3-scipy 1.17.1, numpy 2.4.6),
 * where the expected values hard-coded in the tests were computed offline.
 */

/** n = 200 scores with many ties; null at i % 17 == 5. Python: `np.nan if i%17==5 else ((i*37)%101)/10`. */
export function scores200(): (number | null)[] {
  return Array.from({ length: 200 }, (_, i) => (i % 17 === 5 ? null : ((i * 37) % 101) / 10))
}

/** n = 200 accuracies correlated with scores200, many ties; null at i % 23 == 7. Python: `np.nan if i%23==7 else 80+((i*37)%101)//10+((i*i)%7)/2`. */
export function accuracies200(): (number | null)[] {
  return Array.from({ length: 200 }, (_, i) =>
    i % 23 === 7 ? null : 80 + Math.floor(((i * 37) % 101) / 10) + ((i * i) % 7) / 2,
  )
}

/** n = 200 integers in 0..10 (heavy ties). Python: `np.array([(i*37)%11 for i in range(200)], float)`. */
export function tiedX200(): number[] {
  return Array.from({ length: 200 }, (_, i) => (i * 37) % 11)
}

/** n = 200 integers in 0..12 (heavy ties). Python: `np.array([(i*53+(i*i)%7)%13 for i in range(200)], float)`. */
export function tiedY200(): number[] {
  return Array.from({ length: 200 }, (_, i) => (i * 53 + ((i * i) % 7)) % 13)
}

/** Ten values with ties. */
export const smallX = [0.3, 0.1, 0.4, 0.1, 0.5, 0.9, 0.2, 0.6, 0.5, 0.3]
/** Ten values with heavier ties. */
export const smallY = [2, 7, 1, 8, 2, 8, 1, 8, 2, 8]
