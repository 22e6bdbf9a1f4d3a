import { EpsinasError } from '../../shared/errors.ts'
import { fisherProxy } from './fisher.ts'
import { flopsProxy } from './flops.ts'
import { gradNormProxy } from './grad-norm.ts'
import { graspProxy } from './grasp.ts'
import { jacovProxy } from './jacov.ts'
import { mecoProxy } from './meco.ts'
import { nwotProxy } from './nwot.ts'
import { paramsProxy } from './params.ts'
import type { Proxy } from './proxy.ts'
import { snipProxy } from './snip.ts'
import { swapProxy } from './swap.ts'
import { synflowProxy } from './synflow.ts'
import { zenProxy } from './zen.ts'

/** Every native proxy, one line each; a new proxy is its file and a line here (docs/proxies.md). */
const PROXIES: readonly Proxy[] = [paramsProxy, flopsProxy, nwotProxy, synflowProxy, gradNormProxy, snipProxy, jacovProxy, fisherProxy, graspProxy, zenProxy, swapProxy, mecoProxy]

/** The ids of every native proxy, in registry order. */
export function proxyIds(): string[] {
  return PROXIES.map((proxy) => proxy.id)
}

/** The proxy with this id, if there is one. */
export function findProxy(id: string): Proxy | undefined {
  return PROXIES.find((p) => p.id === id)
}

/** The proxy with this id, or BAD_ARGUMENT listing the known ones. */
export function getProxy(id: string): Proxy {
  const proxy = findProxy(id)
  if (!proxy) throw new EpsinasError('BAD_ARGUMENT', `unknown proxy '${id}' (expected one of ${proxyIds().join(', ')})`)
  return proxy
}
