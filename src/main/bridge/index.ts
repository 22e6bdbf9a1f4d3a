/** The HTTP bridge: the shared API, progress events and the built renderer over HTTP on 127.0.0.1. */
export { DEFAULT_MAX_BODY_BYTES, DEFAULT_RENDERER_DIR, startHttpBridge, type HttpBridge, type HttpBridgeOptions } from './http-server.ts'
export { RENDERER_CSP, SECURITY_HEADERS, newToken } from './security.ts'
export { contentType, resolveStatic } from './static-files.ts'
