import { resolve } from 'node:path'
import { defineConfig, externalizeDepsPlugin } from 'electron-vite'
import { svelte } from '@sveltejs/vite-plugin-svelte'
import type { Plugin } from 'vite'
import { RENDERER_CSP, RENDERER_CSP_DEV } from './src/main/renderer-csp.ts'

/**
 * Dev server only (`electron-vite dev`): Vite delivers CSS as <style> elements for hot reload, which
 * the strict policy of index.html blocks, so the served page gets the dev policy. Builds keep the strict one.
 */
function devStylePolicy(): Plugin {
  return {
    name: 'epsinas-dev-style-policy',
    apply: 'serve',
    transformIndexHtml: (html) => html.replace(RENDERER_CSP, RENDERER_CSP_DEV),
  }
}

// Three bundles: the main process (compute, storage, downloads), the preload bridge and the renderer.
export default defineConfig({
  main: {
    plugins: [externalizeDepsPlugin()],
    build: {
      rollupOptions: {
        input: {
          index: resolve(__dirname, 'src/main/index.ts'),
          'score-worker': resolve(__dirname, 'src/main/jobs/score-worker.ts'),
        },
      },
    },
  },
  preload: {
    plugins: [externalizeDepsPlugin()],
    build: {
      rollupOptions: {
        input: { index: resolve(__dirname, 'src/preload/index.ts') },
        // Sandboxed preload scripts cannot be ES modules; .cjs keeps Node from reading it as ESM ("type": "module").
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(__dirname, 'src/renderer'),
    build: { rollupOptions: { input: { index: resolve(__dirname, 'src/renderer/index.html') } } },
    plugins: [svelte(), devStylePolicy()],
  },
})
