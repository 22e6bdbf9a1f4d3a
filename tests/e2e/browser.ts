/** Debian's Chromium driven by playwright-core; missing Chromium is an error, never a silent skip (CI installs it). */
import { existsSync } from 'node:fs'
import { chromium, type Browser } from 'playwright-core'

/** Where Chromium is: $CHROMIUM_PATH, else Debian's /usr/bin/chromium. */
export function chromiumPath(): string {
  const path = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
  if (!existsSync(path)) {
    throw new Error(`Chromium is not installed at ${path}: the end-to-end tests need it (apt-get install -y chromium, or set CHROMIUM_PATH).`)
  }
  return path
}

/** A headless Chromium without sandbox (containers), GPU or background traffic. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-dev-shm-usage'],
  })
}
