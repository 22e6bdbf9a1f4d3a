/**
 * The renderer's Content-Security-Policy, in one place: the meta tag of src/renderer/index.html, the
 * app:// protocol of the desktop app and the HTTP bridge all use it (tests keep them equal).
 *
 * Styles are 'self' only, without 'unsafe-inline'. Checked in Chromium (tests/e2e fails on any CSP
 * violation in the console): the built renderer's CSS is one external file (Svelte compiles component
 * <style> blocks into it, nothing is injected at runtime), and Svelte 5's `style:` directives and
 * ECharts' canvas set element.style through the CSSOM, which a CSP does not govern. What a strict
 * style-src does block is markup with style attributes (innerHTML, setAttribute('style')) and <style>
 * elements: ECharts' HTML tooltip is such markup, so the charts draw tooltips in the canvas instead
 * (lib/charts/options.ts).
 */

/** The policy a meta tag can carry (frame-ancestors cannot be set from a meta tag). */
export const RENDERER_CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'"

/** The policy as a response header: the meta policy plus no framing, no <base> and no form posts. */
export const RENDERER_CSP_HEADER = `${RENDERER_CSP}; frame-ancestors 'none'; base-uri 'none'; form-action 'none'`

/**
 * Under the Vite dev server (`electron-vite dev`) only: Vite serves CSS as modules that insert
 * <style> elements (hot reload), which the strict policy would block. Never used by a build.
 */
export const RENDERER_CSP_DEV = RENDERER_CSP.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
