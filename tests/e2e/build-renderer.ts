/**
 * Makes sure out/renderer holds a build of the current renderer sources: rebuilt (renderer only,
 * through Vite with the same plugin as electron.vite.config.ts) when missing or older than any
 * source file of src/renderer or src/shared.
 */
import { readdirSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { svelte } from '@sveltejs/vite-plugin-svelte'
import { build } from 'vite'

const ROOT = resolve(import.meta.dirname, '../..')
/** Where the bridge serves the renderer from (electron-vite's output folder). */
export const RENDERER_OUT = join(ROOT, 'out/renderer')
const SOURCES = [join(ROOT, 'src/renderer'), join(ROOT, 'src/shared')]

function newestMtime(dir: string): number {
  let newest = 0
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs)
  }
  return newest
}

function builtAt(): number | null {
  try {
    return statSync(join(RENDERER_OUT, 'index.html')).mtimeMs
  } catch {
    return null
  }
}

/** Whether the build is missing or older than the sources. */
export function rendererIsStale(): boolean {
  const built = builtAt()
  return built === null || Math.max(...SOURCES.map(newestMtime)) > built
}

/** Builds the renderer when stale; returns whether it built. */
export async function ensureRendererBuilt(): Promise<boolean> {
  if (!rendererIsStale()) return false
  await build({
    configFile: false,
    root: join(ROOT, 'src/renderer'),
    base: './',
    logLevel: 'warn',
    plugins: [svelte()],
    build: { outDir: RENDERER_OUT, emptyOutDir: true, rollupOptions: { input: { index: join(ROOT, 'src/renderer/index.html') } } },
  })
  return true
}
