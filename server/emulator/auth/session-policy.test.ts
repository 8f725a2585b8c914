import { describe, expect, it } from 'vitest';
import { OssError } from '../errors.ts';
import type { OssAction, Principal, RequestConditions } from './auth-types.ts';
import {
  authorize,
  PolicyGrammarError,
  parseSessionPolicy,
  requestConditions,
  resourceArn,
} from './session-policy.ts';

const sts = (policy: object): Principal => ({
  accessKeyId: 'STS.test',
  kind: 'sts',
  policy: parseSessionPolicy(JSON.stringify(policy)),
  roleArn: 'acs:ram::1:role/uploader',
  sessionName: 'alice',
});
const allow = (Action: string | string[], Resource: string | string[]) => ({
  Effect: 'Allow',
  Action,
  Resource,
});
const deny = (Action: string | string[], Resource: string | string[]) => ({
  Effect: 'Deny',
  Action,
  Resource,
});

function decision(
  principal: Principal,
  action: OssAction,
  bucket: string,
  key: string,
  conditions?: RequestConditions,
): 'allow' | string {
  try {
    authorize(principal, action, bucket, key, conditions);
    return 'allow';
  } catch (err) {
    if (!(err instanceof OssError)) throw err;
    expect([err.status, err.code]).toEqual([403, 'AccessDenied']);
    return err.message;
  }
}

describe('authorize', () => {
  const uploader = sts({
    Version: '1',
    Statement: [
      allow(
        ['oss:PutObject', 'oss:AbortMultipartUpload', 'oss:ListParts'],
        'acs:oss:*:*:skylift-dev/uploads/*',
      ),
      allow('oss:ListMultipartUploads', 'acs:oss:*:*:skylift-dev'),
    ],
  });

  it('lets root and policy-less STS sessions do anything', () => {
    expect(decision({ accessKeyId: 'LTAI', kind: 'root' }, 'oss:DeleteObject', 'b', 'k')).toBe('allow');
    expect(decision({ accessKeyId: 'STS.x', kind: 'sts' }, 'oss:DeleteObject', 'b', 'k')).toBe('allow');
  });

  it('allows the granted prefix and denies other prefixes, buckets and actions', () => {
    expect(decision(uploader, 'oss:PutObject', 'skylift-dev', 'uploads/a/b.bin')).toBe('allow');
    expect(decision(uploader, 'oss:ListParts', 'skylift-dev', 'uploads/x')).toBe('allow');
    expect(decision(uploader, 'oss:PutObject', 'skylift-dev', 'other/b.bin')).toContain(
      'oss:PutObject on acs:oss:*:*:skylift-dev/other/b.bin',
    );
    expect(decision(uploader, 'oss:PutObject', 'skylift-prod', 'uploads/b.bin')).not.toBe('allow');
    expect(decision(uploader, 'oss:GetObject', 'skylift-dev', 'uploads/b.bin')).not.toBe('allow');
  });

  it('checks bucket-level actions against the bucket resource, not bucket/*', () => {
    expect(decision(uploader, 'oss:ListMultipartUploads', 'skylift-dev', '')).toBe('allow');
    expect(resourceArn('oss:ListObjects', 'skylift-dev', '')).toBe('acs:oss:*:*:skylift-dev');
    const objectsOnly = sts({ Version: '1', Statement: [allow('oss:*', 'acs:oss:*:*:skylift-dev/*')] });
    expect(decision(objectsOnly, 'oss:ListObjects', 'skylift-dev', '')).not.toBe('allow');
    expect(decision(objectsOnly, 'oss:PutBucketCors', 'skylift-dev', '')).not.toBe('allow');
  });

  it('names the action, resource and session in an actionable message', () => {
    const message = decision(uploader, 'oss:DeleteObject', 'skylift-dev', 'uploads/a');
    expect(message).toContain('oss:DeleteObject');
    expect(message).toContain('acs:oss:*:*:skylift-dev/uploads/a');
    expect(message).toContain('STS.test');
    expect(message).toContain('AssumeRole');
  });

  it('lets an explicit Deny win over any Allow', () => {
    const p = sts({
      Version: '1',
      Statement: [allow('oss:*', '*'), deny('oss:Delete*', 'acs:oss:*:*:skylift-dev/keep/*')],
    });
    expect(decision(p, 'oss:DeleteObject', 'skylift-dev', 'tmp/a')).toBe('allow');
    expect(decision(p, 'oss:DeleteObject', 'skylift-dev', 'keep/a')).toContain('explicitly denied');
    expect(decision(p, 'oss:GetObject', 'skylift-dev', 'keep/a')).toBe('allow');
  });

  it('matches action wildcards and action names case-insensitively', () => {
    const puts = sts({ Version: '1', Statement: [allow('oss:Put*', 'acs:oss:*:*:b/*')] });
    expect(decision(puts, 'oss:PutObject', 'b', 'k')).toBe('allow');
    expect(decision(puts, 'oss:PutBucketCors', 'b', '')).not.toBe('allow'); // resource is the bucket
    expect(decision(puts, 'oss:GetObject', 'b', 'k')).not.toBe('allow');
    const lower = sts({ Version: '1', Statement: [allow('OSS:putobject', 'acs:oss:*:*:b/*')] });
    expect(decision(lower, 'oss:PutObject', 'b', 'k')).toBe('allow');
  });

  it('matches resource wildcards * and ? (case-sensitively), ignoring region and account', () => {
    const p = sts({
      Version: '1',
      Statement: [allow('oss:GetObject', ['acs:oss:cn-hangzhou:123:b/day-??/*', 'acs:oss:*:*:b/exact.txt'])],
    });
    expect(decision(p, 'oss:GetObject', 'b', 'day-01/x/y')).toBe('allow');
    expect(decision(p, 'oss:GetObject', 'b', 'day-001/x')).not.toBe('allow');
    expect(decision(p, 'oss:GetObject', 'b', 'exact.txt')).toBe('allow');
    expect(decision(p, 'oss:GetObject', 'b', 'EXACT.txt')).not.toBe('allow');
    expect(decision(p, 'oss:GetObject', 'b', 'exact.txt.bak')).not.toBe('allow');
    // Regex metacharacters in a key are literal.
    const dots = sts({ Version: '1', Statement: [allow('oss:GetObject', 'acs:oss:*:*:b/a.c')] });
    expect(decision(dots, 'oss:GetObject', 'b', 'abc')).not.toBe('allow');
  });
});

describe('authorize with conditions (oss:Prefix, oss:Delimiter)', () => {
  const listing = (prefix?: string, delimiter?: string) =>
    requestConditions(
      'oss:ListMultipartUploads',
      new Map([
        ...(prefix === undefined ? [] : [['prefix', prefix] as const]),
        ...(delimiter === undefined ? [] : [['delimiter', delimiter] as const]),
      ]),
    );
  const alice = sts({
    Version: '1',
    Statement: [
      {
        ...allow('oss:ListMultipartUploads', 'acs:oss:*:*:b'),
        Condition: { StringLike: { 'oss:Prefix': 'uploads/alice/*' } },
      },
    ],
  });

  it('carries the listing parameters for listings only, a missing prefix as ""', () => {
    expect(listing()).toEqual({ 'oss:Prefix': '', 'oss:Delimiter': '' });
    expect(listing('uploads/', '/')).toEqual({ 'oss:Prefix': 'uploads/', 'oss:Delimiter': '/' });
    expect(requestConditions('oss:ListObjects', new Map([['prefix', 'p/']]))).toMatchObject({
      'oss:Prefix': 'p/',
    });
    expect(requestConditions('oss:PutObject', new Map([['prefix', 'p/']]))).toEqual({});
  });

  it('StringLike: allows listing inside the pattern, refuses other prefixes and no prefix at all', () => {
    const at = (prefix?: string) => decision(alice, 'oss:ListMultipartUploads', 'b', '', listing(prefix));
    expect(at('uploads/alice/')).toBe('allow');
    expect(at('uploads/alice/holiday/x.bin')).toBe('allow');
    expect(at('uploads/bob/')).toContain('whose conditions match oss:Prefix="uploads/bob/"');
    expect(at('uploads/')).not.toBe('allow');
    expect(at('uploads/alice')).not.toBe('allow'); // would also list uploads/alice2/
    expect(at()).toContain('oss:Prefix=""');
    // A listing carries the key; a request that carries none does not satisfy the condition.
    expect(decision(alice, 'oss:ListMultipartUploads', 'b', '')).not.toBe('allow');
  });

  it('StringEquals and "" match exactly; values of one key are alternatives, keys and operators all apply', () => {
    const root = sts({
      Version: '1',
      Statement: [
        {
          ...allow('oss:ListObjects', 'acs:oss:*:*:b'),
          Condition: { StringEquals: { 'oss:Prefix': ['', 'docs/'], 'oss:Delimiter': '/' } },
        },
      ],
    });
    const list = (prefix?: string, delimiter?: string) =>
      decision(root, 'oss:ListObjects', 'b', '', listing(prefix, delimiter));
    expect(list(undefined, '/')).toBe('allow');
    expect(list('docs/', '/')).toBe('allow');
    expect(list('docs/a', '/')).not.toBe('allow');
    expect(list('docs/')).not.toBe('allow'); // no delimiter: "" is not "/"
    const caseless = sts({
      Version: '1',
      Statement: [
        {
          ...allow('oss:ListObjects', 'acs:oss:*:*:b'),
          Condition: { stringequalsignorecase: { 'OSS:prefix': 'Docs/' } },
        },
      ],
    });
    expect(decision(caseless, 'oss:ListObjects', 'b', '', listing('docs/'))).toBe('allow');
  });

  it('negated operators hold when the request does not carry the key, and a conditional Deny wins', () => {
    const p = sts({
      Version: '1',
      Statement: [
        allow(['oss:ListObjects', 'oss:PutObject'], ['acs:oss:*:*:b', 'acs:oss:*:*:b/*']),
        {
          ...deny('oss:ListObjects', 'acs:oss:*:*:b'),
          Condition: { StringNotLike: { 'oss:Prefix': 'public/*' } },
        },
      ],
    });
    expect(decision(p, 'oss:ListObjects', 'b', '', listing('public/a'))).toBe('allow');
    expect(decision(p, 'oss:ListObjects', 'b', '', listing('private/'))).toContain('explicitly denied');
    expect(decision(p, 'oss:ListObjects', 'b', '', listing())).toContain('explicitly denied');
    const notEquals = sts({
      Version: '1',
      Statement: [
        {
          ...allow('oss:PutObject', 'acs:oss:*:*:b/*'),
          Condition: { StringNotEquals: { 'oss:Prefix': 'x' } },
        },
      ],
    });
    expect(decision(notEquals, 'oss:PutObject', 'b', 'k', {})).toBe('allow');
  });

  it('survives the STS token: the parsed conditions are what authorize evaluates', () => {
    expect(alice.policy?.[0]?.conditions).toEqual([
      { operator: 'StringLike', key: 'oss:Prefix', values: ['uploads/alice/*'] },
    ]);
  });
});

describe('parseSessionPolicy', () => {
  it('normalises single strings to lists', () => {
    expect(parseSessionPolicy(JSON.stringify({ Version: '1', Statement: [allow('oss:*', '*')] }))).toEqual([
      { effect: 'Allow', actions: ['oss:*'], resources: ['*'] },
    ]);
  });

  it.each([
    ['not JSON', '{'],
    ['wrong Version', JSON.stringify({ Version: '2', Statement: [allow('oss:*', '*')] })],
    ['empty Statement', JSON.stringify({ Version: '1', Statement: [] })],
    [
      'bad Effect',
      JSON.stringify({ Version: '1', Statement: [{ Effect: 'allow', Action: 'oss:*', Resource: '*' }] }),
    ],
    ['missing Action', JSON.stringify({ Version: '1', Statement: [{ Effect: 'Allow', Resource: '*' }] })],
    ['empty Resource list', JSON.stringify({ Version: '1', Statement: [allow('oss:*', [])] })],
    [
      'a condition key the emulator does not evaluate (refused rather than ignored)',
      JSON.stringify({
        Version: '1',
        Statement: [{ ...allow('oss:*', '*'), Condition: { IpAddress: { 'acs:SourceIp': '10.0.0.0/8' } } }],
      }),
    ],
    [
      'an unknown key under a known operator',
      JSON.stringify({
        Version: '1',
        Statement: [{ ...allow('oss:*', '*'), Condition: { StringLike: { 'acs:UserAgent': '*' } } }],
      }),
    ],
    [
      'a Condition that is not an object of operators',
      JSON.stringify({ Version: '1', Statement: [{ ...allow('oss:*', '*'), Condition: ['x'] }] }),
    ],
    [
      'a condition value that is not a string',
      JSON.stringify({
        Version: '1',
        Statement: [{ ...allow('oss:*', '*'), Condition: { StringLike: { 'oss:Prefix': [1] } } }],
      }),
    ],
    ['NotAction', JSON.stringify({ Version: '1', Statement: [{ ...allow('oss:*', '*'), NotAction: 'x' }] })],
    [
      'longer than 2048 characters',
      JSON.stringify({ Version: '1', Statement: [allow('oss:*', 'x'.repeat(2100))] }),
    ],
  ])('refuses %s', (_, text) => {
    expect(() => parseSessionPolicy(text)).toThrow(PolicyGrammarError);
  });
});
