import { describe, expect, it } from '@jest/globals';
import { canonicalJson } from './canonical-json';

// The examples of RFC 8785 (JSON Canonicalization Scheme), so a change of the canonicalize
// package that altered the signed bytes fails here first.
describe('canonical JSON (RFC 8785)', () => {
  it('serializes numbers, strings and literals as section 3.2.2 shows', () => {
    const input = '{"numbers":[333333333.33333329,1E30,4.50,2e-3,0.000000000000000000000000001],"string":"\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/","literals":[null,true,false]}';
    expect(canonicalJson(JSON.parse(input))).toBe('{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}');
  });

  it('sorts keys by UTF-16 code units as section 3.2.3 shows, at every depth', () => {
    const input = '{"\\u20ac":"Euro Sign","\\r":"Carriage Return","\\ufb33":"Hebrew Letter Dalet With Dagesh","1":"One","\\ud83d\\ude00":"Emoji: Grinning Face","\\u0080":"Control","\\u00f6":"Latin Small Letter O With Diaeresis"}';
    const values = ['Carriage Return', 'One', 'Control', 'Latin Small Letter O With Diaeresis', 'Euro Sign', 'Emoji: Grinning Face', 'Hebrew Letter Dalet With Dagesh'];
    const canonical = canonicalJson(JSON.parse(input));
    const order = values.map((value) => canonical.indexOf(`"${value}"`));
    expect(order).toEqual([...order].sort((x, y) => x - y));
    expect(canonical.startsWith('{"\\r":"Carriage Return","1":"One","\u0080":"Control"')).toBe(true);
    expect(canonicalJson({ b: { y: 1, x: [{ d: 1, c: 2 }] }, a: null })).toBe('{"a":null,"b":{"x":[{"c":2,"d":1}],"y":1}}');
  });

  it('refuses values without a JSON form', () => {
    expect(() => canonicalJson(undefined)).toThrow('no JSON form');
    expect(() => canonicalJson({ n: Number.NaN })).toThrow();
  });
});
