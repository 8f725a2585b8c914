import { describe, expect, it } from 'vitest';
import { OssError } from '../errors.ts';
import type { OssAction, Principal } from './auth-types.ts';
import { authorize, PolicyGrammarError, parseSessionPolicy, resourceArn } from './session-policy.ts';

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

function decision(principal: Principal, action: OssAction, bucket: string, key: string): 'allow' | string {
  try {
    authorize(principal, action, bucket, key);
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
      'Condition (unsupported, refused rather than ignored)',
      JSON.stringify({ Version: '1', Statement: [{ ...allow('oss:*', '*'), Condition: {} }] }),
    ],
    [
      'longer than 2048 characters',
      JSON.stringify({ Version: '1', Statement: [allow('oss:*', 'x'.repeat(2100))] }),
    ],
  ])('refuses %s', (_, text) => {
    expect(() => parseSessionPolicy(text)).toThrow(PolicyGrammarError);
  });
});
