/**
 * Mutation neighbours over a finite set of archs written as token lists (each space's
 * mutationTokens: an NB201 cell's six edge ops, a size-space arch's five channel counts, NB101's
 * padded matrix bits and ops, an NB-NLP recepie's nodes). The reference mutates one NB201
 * edge to another op: a uniform pick among the 24 archs at edit distance 1. Where only some archs
 * have accuracies (Suite-Zero's 725 of 15,625), most of those neighbours cannot be trained, so a
 * mutation steps to the installed archs at the smallest edit distance instead: distance 1 where
 * any is installed (the reference's rule on the full benchmark), else the nearest ones.
 */
export function editDistanceNeighbours(archs: readonly string[], tokens: (arch: string) => readonly string[]): (i: number) => readonly number[] {
  const lists = archs.map(tokens)
  const indexOf = new Map(lists.map((list, i) => [list.join('\u0000'), i]))
  const alphabets = alphabetPerPosition(lists)
  const memo = new Map<number, readonly number[]>()
  return (i) => {
    let found = memo.get(i)
    if (found === undefined) {
      found = distanceOne(lists[i], alphabets, indexOf)
      if (found.length === 0) found = nearest(i, lists)
      memo.set(i, found)
    }
    return found
  }
}

/** Every token seen at each position: what a one-token change may write there. */
function alphabetPerPosition(lists: ReadonlyArray<readonly string[]>): string[][] {
  const sets: Array<Set<string>> = []
  for (const list of lists) list.forEach((token, position) => (sets[position] ??= new Set()).add(token))
  return sets.map((set) => [...set].sort())
}

/** Installed archs differing from `list` in exactly one position, in position then token order. */
function distanceOne(list: readonly string[], alphabets: readonly string[][], indexOf: ReadonlyMap<string, number>): number[] {
  const out: number[] = []
  list.forEach((token, position) => {
    for (const other of alphabets[position]) {
      if (other === token) continue
      const changed = [...list]
      changed[position] = other
      const found = indexOf.get(changed.join('\u0000'))
      if (found !== undefined) out.push(found)
    }
  })
  return out
}

/** The other archs at the smallest edit distance from arch `i` (a scan: only archs without a distance-1 neighbour get here). */
function nearest(i: number, lists: ReadonlyArray<readonly string[]>): number[] {
  return nearestTo(lists[i], lists, i)
}

/** The archs of `lists` (but `skip`) at the smallest nonzero edit distance from `target`, in index order. */
export function nearestTo(target: readonly string[], lists: ReadonlyArray<readonly string[]>, skip = -1): number[] {
  let best = Number.POSITIVE_INFINITY
  let out: number[] = []
  lists.forEach((list, j) => {
    if (j === skip) return
    const distance = editDistance(target, list)
    if (distance === 0) return
    if (distance < best) {
      best = distance
      out = [j]
    } else if (distance === best) out.push(j)
  })
  return out
}

/** Positions that differ (lists of one length); a longer list's extra tokens count too. */
function editDistance(a: readonly string[], b: readonly string[]): number {
  let distance = Math.abs(a.length - b.length)
  for (let k = 0; k < Math.min(a.length, b.length); k++) if (a[k] !== b[k]) distance += 1
  return distance
}
