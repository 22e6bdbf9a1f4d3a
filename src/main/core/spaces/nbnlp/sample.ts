import { SeededRandom } from '../../random.ts'
import { formatRecepie, parseRecepie, type Recepie, type RecepieOp } from './recepie.ts'

/**
 * Seeded random recepies drawn the way the benchmark drew its search space (search_space.py
 * RecepieGenerator with its defaults: 2 hidden states, 7 intermediate vertices, main ops linear /
 * blend / elementwise_prod / elementwise_sum weighted 3:1:1:1, every linear followed by a random
 * activation, linear fan-in 2 or 3 weighted 4:1, x read by linear nodes only; dead nodes removed;
 * rejected unless x and every h_prev_k are used and no h_new_k reads an h_prev_k directly).
 * Our stream is sfc32, not numpy's, so the recepies are the benchmark's kind, not its exact list.
 */

const HIDDEN = 2
const INTERMEDIATE = 7
const MAIN: readonly [RecepieOp, number][] = [
  ['linear', 3],
  ['blend', 1],
  ['elementwise_prod', 1],
  ['elementwise_sum', 1],
]
const ACTIVATIONS: readonly RecepieOp[] = ['activation_tanh', 'activation_sigm', 'activation_leaky_relu']

type Draft = Record<string, { op: RecepieOp; input: string[] }>

function weightedChoice<T>(random: SeededRandom, options: readonly [T, number][]): T {
  const total = options.reduce((sum, [, weight]) => sum + weight, 0)
  let u = random.nextFloat() * total
  for (const [value, weight] of options) {
    if ((u -= weight) < 0) return value
  }
  return options[options.length - 1][0]
}

function pick(random: SeededRandom, candidates: readonly string[], count: number): string[] {
  return random.sampleWithoutReplacement(candidates.length, Math.min(count, candidates.length)).map((i) => candidates[i])
}

function draft(random: SeededRandom): Draft | null {
  const hiddenInputs = Array.from({ length: HIDDEN }, (_, k) => `h_prev_${k}`)
  const base = ['x', ...hiddenInputs]
  const recepie: Draft = {}
  const activations: string[] = []
  let i = 0
  while (i < HIDDEN + INTERMEDIATE) {
    const op = weightedChoice(random, MAIN)
    if (op === 'linear') {
      const fanIn = weightedChoice<number>(random, [[2, 4], [3, 1]])
      recepie[`node_${i}`] = { op, input: pick(random, [...base, ...activations], fanIn) }
      i++
      recepie[`node_${i}`] = { op: ACTIVATIONS[random.nextInt(ACTIVATIONS.length)], input: [`node_${i - 1}`] }
      activations.push(`node_${i}`)
      i++
    } else {
      const fanIn = op === 'blend' ? 3 : 2
      const candidates = [...hiddenInputs, ...Object.keys(recepie)]
      if (fanIn <= candidates.length) {
        recepie[`node_${i}`] = { op, input: pick(random, candidates, fanIn) }
        i++
      }
    }
  }
  // Two distinct nodes become the outputs.
  const names = Object.keys(recepie)
  const renamed = new Map(pick(random, names, HIDDEN).map((name, k) => [name, `h_new_${k}`]))
  const out: Draft = {}
  for (const name of names) {
    out[renamed.get(name) ?? name] = { op: recepie[name].op, input: recepie[name].input.map((n) => renamed.get(n) ?? n) }
  }
  // Keep the outputs' ancestors only.
  const live = new Set<string>()
  const stack = Array.from({ length: HIDDEN }, (_, k) => `h_new_${k}`)
  while (stack.length > 0) {
    const name = stack.pop() as string
    if (live.has(name)) continue
    live.add(name)
    if (out[name]) stack.push(...out[name].input)
  }
  for (const name of Object.keys(out)) if (!live.has(name)) delete out[name]
  if (!base.every((name) => live.has(name))) return null
  for (let k = 0; k < HIDDEN; k++) if (out[`h_new_${k}`].input.some((n) => hiddenInputs.includes(n))) return null
  return out
}

/** A valid random recepie from `seed` (redrawn until it passes the benchmark's sanity checks). */
export function randomRecepie(seed: number): Recepie {
  const random = new SeededRandom(seed)
  for (;;) {
    const recepie = draft(random)
    if (recepie) return parseRecepie(recepie)
  }
}

/** `count` distinct random recepies as canonical JSON text, from `seed`. */
export function sampleRecepies(count: number, seed: number): string[] {
  const random = new SeededRandom(seed)
  const seen = new Set<string>()
  while (seen.size < count) seen.add(JSON.stringify(formatRecepie(randomRecepie(random.nextUint32()))))
  return [...seen]
}
