// biome-ignore-all lint/suspicious/noTemplateCurlyInString: OSS callback placeholders are what these tests are about.
import { describe, expect, it } from 'vitest';
import { callbackBodyProblem, renderCallbackBody } from './callback-body.ts';

const values = (name: string) =>
  ({ object: 'photos/a b.jpg', size: '123', mimeType: 'image/jpeg' })[name] ?? '';

describe('callback body', () => {
  it('renders JSON values JSON-encoded (numbers bare) and form values URL-encoded', () => {
    const custom = new Map([['x:user', 'ann "a"']]);
    expect(
      renderCallbackBody(
        '{"mimeType":${mimeType},"size":${size},"u":${x:user},"h":${imageInfo.height}}',
        'application/json',
        values,
        custom,
      ),
    ).toBe('{"mimeType":"image/jpeg","size":123,"u":"ann \\"a\\"","h":""}');
    expect(
      renderCallbackBody(
        'object=${object}&size=${size}&u=${x:user}&n=${x:none}&q=${nope}',
        'application/x-www-form-urlencoded',
        values,
        custom,
      ),
    ).toBe('object=photos%2Fa%20b.jpg&size=123&u=ann%20%22a%22&n=&q=${nope}');
  });

  it('accepts what OSS renders well and says what is wrong otherwise', () => {
    expect(
      callbackBodyProblem('{"mimeType":${mimeType},"size":${size}}', 'application/json'),
    ).toBeUndefined();
    expect(callbackBodyProblem('{"key":"${object}"}', 'application/json')).toMatch(/not valid JSON/);
    expect(callbackBodyProblem('a=${Object}', 'application/x-www-form-urlencoded')).toMatch(/not a variable/);
    expect(callbackBodyProblem('a=${x:Upper}', 'application/x-www-form-urlencoded')).toMatch(
      /not a variable/,
    );
    expect(callbackBodyProblem('a=${object', 'application/x-www-form-urlencoded')).toMatch(/not closed/);
  });
});
