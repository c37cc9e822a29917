import { describe, expect, it } from 'vitest'
import { normaliseAddress } from '../../../../src-shared/comfy/address'

describe('normaliseAddress', () => {
  it.each([
    ['gpu1', 'http://gpu1:8188'],
    ['  GPU1.Local  ', 'http://gpu1.local:8188'],
    ['gpu1:8189', 'http://gpu1:8189'],
    ['10.0.0.5', 'http://10.0.0.5:8188'],
    ['http://10.0.0.5:8188/', 'http://10.0.0.5:8188'],
    ['http://gpu1', 'http://gpu1:8188'],
    ['http://gpu1:80', 'http://gpu1:80'],
    ['https://comfy.example.com', 'https://comfy.example.com:443'],
    ['https://comfy.example.com:8443', 'https://comfy.example.com:8443'],
    ['HTTP://Gpu1:8188', 'http://gpu1:8188'],
    ['[::1]', 'http://[::1]:8188'],
    ['http://[::1]:9000', 'http://[::1]:9000'],
  ])('%s → %s', (input, expected) => {
    expect(normaliseAddress(input)).toEqual({ ok: true, value: expected })
  })

  it.each([
    ['', /empty/],
    ['   ', /empty/],
    ['ftp://gpu1:21', /scheme "ftp" is not supported/],
    ['ws://gpu1:8188', /scheme "ws" is not supported/],
    ['file:///etc/passwd', /scheme "file" is not supported/],
    ['http://user:pw@gpu1:8188', /user name or password/],
    ['admin@gpu1', /user name or password/],
    ['http://gpu1:8188/comfy', /has a path/],
    ['gpu1:8188/api', /has a path/],
    ['http://gpu1:8188/?x=1', /query or fragment/],
    ['gpu1:', /ends with ":"/],
    ['gpu1:0', /out of range/],
    ['gpu1:70000', /not a valid address/],
    ['gpu 1', /not a valid address/],
    ['http://', /not a valid address|no host/],
  ])('rejects %j', (input, message) => {
    const result = normaliseAddress(input)
    expect(result.ok).toBe(false)
    if (!result.ok) {
      expect(result.error.code).toBe('servers/bad-address')
      expect(result.error.message).toMatch(message)
    }
  })
})
