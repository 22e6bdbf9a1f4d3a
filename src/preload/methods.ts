/**
 * Builds the named functions of the bridge from the contract: one per channel, each sending only
 * its own channel. Pure (no Electron import), so a Node test can check the exposed surface.
 */
import { API_CHANNELS, API_METHODS, type ApiChannel, type ApiResult, type EpsinasMethods } from '../shared/api.ts'

/** Sends one request on a fixed channel; errors come back as data. */
export type ChannelInvoker = (channel: ApiChannel, request: unknown) => Promise<ApiResult<unknown>>

/** One function per contract channel, named as API_METHODS says, frozen. */
export function buildBridgeMethods(invoke: ChannelInvoker): EpsinasMethods {
  const methods: Record<string, (request: unknown) => Promise<ApiResult<unknown>>> = {}
  for (const channel of API_CHANNELS) {
    // The channel is captured here, never taken from the page: the page cannot pick another one.
    methods[API_METHODS[channel]] = (request: unknown) => invoke(channel, request)
  }
  // The record is built from API_METHODS over every channel, which is exactly EpsinasMethods' shape.
  return Object.freeze(methods) as unknown as EpsinasMethods
}
