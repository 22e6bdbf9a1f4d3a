/**
 * The packaging config (electron-builder.json): the Electron fuses the shipped binary is built with
 * and the asar archive they rely on. Read as the file electron-builder reads; nothing is packaged here.
 */
import { readFileSync } from 'node:fs'
import { describe, expect, test } from 'vitest'

interface BuilderConfig {
  asar?: boolean
  files?: string[]
  electronFuses?: Record<string, boolean>
}

const config = JSON.parse(readFileSync(new URL('../../electron-builder.json', import.meta.url), 'utf8')) as BuilderConfig

describe('electron-builder.json', () => {
  test('should switch off running the binary as plain Node, NODE_OPTIONS and the --inspect flags', () => {
    expect(config.electronFuses?.runAsNode).toBe(false)
    expect(config.electronFuses?.enableNodeOptionsEnvironmentVariable).toBe(false)
    expect(config.electronFuses?.enableNodeCliInspectArguments).toBe(false)
  })

  test('should load the app only from an asar archive whose integrity is checked', () => {
    expect(config.asar).toBe(true)
    expect(config.electronFuses?.enableEmbeddedAsarIntegrityValidation).toBe(true)
    expect(config.electronFuses?.onlyLoadAppFromAsar).toBe(true)
  })

  test('should give file: no extra privileges (the renderer is served over app://)', () => {
    expect(config.electronFuses?.grantFileProtocolExtraPrivileges).toBe(false)
  })

  test('should package the built app only, not the sources or tests', () => {
    expect(config.files).toEqual(['out/**', 'package.json'])
  })
})
