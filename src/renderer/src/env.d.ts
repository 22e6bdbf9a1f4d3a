/// <reference types="svelte" />
/// <reference types="vite/client" />
import type { EpsinasBridge } from '../../shared/api.ts'

declare global {
  interface Window {
    /** Set by the preload script in the desktop app; absent in a plain browser. */
    readonly epsinas?: EpsinasBridge
  }
}

export {}
