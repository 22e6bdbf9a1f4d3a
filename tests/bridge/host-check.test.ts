import { describe, expect, test } from 'vitest'
import { hostAllowed } from '../../src/main/bridge/security.ts'

describe('hostAllowed (the Host check against DNS rebinding)', () => {
  test('should accept exactly the loopback names and the configured host, with the port', () => {
    for (const host of ['127.0.0.1:7411', 'localhost:7411', 'LOCALHOST:7411', '[::1]:7411']) expect(hostAllowed(host, '127.0.0.1', 7411)).toBe(true)
    expect(hostAllowed('192.168.1.5:7411', '192.168.1.5', 7411)).toBe(true)
    expect(hostAllowed('localhost:7411', '192.168.1.5', 7411)).toBe(true)
    expect(hostAllowed('[::1]:7411', '::1', 7411)).toBe(true)
    // Port 80 is the one a browser leaves out.
    expect(hostAllowed('localhost', '127.0.0.1', 80)).toBe(true)
  })

  test('should refuse look-alike names, other loopback addresses, other ports and no Host', () => {
    const refused = ['127.0.0.1.evil.example:7411', '127.evil.example:7411', 'localhost.evil.example:7411', '127.0.0.2:7411', '127.0.0.1:7412', '127.0.0.1', 'localhost:80', 'evil.example:7411', '192.168.1.5:7411', '']
    for (const host of refused) expect({ host, allowed: hostAllowed(host, '127.0.0.1', 7411) }).toEqual({ host, allowed: false })
    expect(hostAllowed(undefined, '127.0.0.1', 7411)).toBe(false)
    expect(hostAllowed('evil.example:7411', '192.168.1.5', 7411)).toBe(false)
  })

  test('should not check names on a wildcard bind, whose clients may use any of the machine names (the token still guards the API)', () => {
    expect(hostAllowed('gpu-box.lan:7411', '0.0.0.0', 7411)).toBe(true)
    expect(hostAllowed('gpu-box.lan:7411', '::', 7411)).toBe(true)
  })
})
