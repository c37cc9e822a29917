import { describe, expect, it } from 'vitest'
import { parsePyJson, pyDumps, PyFloat } from '../index'
import { pyFloatRepr } from '../py/py-json'

describe('Python json.dumps / json.loads compatibility', () => {
  it('writes floats, ints and strings as Python does', () => {
    expect(
      pyDumps({ a: 1, b: new PyFloat(8), c: 0.1, d: [1e16, 1.5e-7, -0.0], e: 'é☃😀"\\\n\u0001', f: null, g: true })
    ).toBe(
      '{"a": 1, "b": 8.0, "c": 0.1, "d": [10000000000000000, 1.5e-07, 0], "e": "\\u00e9\\u2603\\ud83d\\ude00\\"\\\\\\n\\u0001", "f": null, "g": true}'
    )
    expect([1e16, 1e-5, 123.456, 1e22, 0.001, 2.5e15].map(pyFloatRepr)).toEqual([
      '1e+16',
      '1e-05',
      '123.456',
      '1e+22',
      '0.001',
      '2500000000000000.0',
    ])
    expect(
      pyDumps(
        new Map([
          ['10', 1],
          ['9', 2],
        ])
      )
    ).toBe('{"10": 1, "9": 2}')
    expect(pyDumps([])).toBe('[]')
    expect(pyDumps({})).toBe('{}')
  })

  it('parses keeping key order, integral floats and big integers', () => {
    const text = '{"10": {"x": 1.0, "y": 18446744073709551615, "z": [2.50, -3]}, "9": "\\u00e9"}'
    const v = parsePyJson(text)
    expect(pyDumps(v)).toBe('{"10": {"x": 1.0, "y": 18446744073709551615, "z": [2.5, -3]}, "9": "\\u00e9"}')
    expect(() => parsePyJson('{"a": }')).toThrow()
    expect(() => parsePyJson('[1] x')).toThrow()
  })
})
