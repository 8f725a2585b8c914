import { describe, expect, it } from 'vitest';
import { parseOssErrorXml } from './errors.ts';

describe('parseOssErrorXml', () => {
  it('reads the documented RequestTimeTooSkewed sample (OSS API reference: "Error codes") with its extra elements', () => {
    const info = parseOssErrorXml(`<?xml version="1.0" encoding="UTF-8"?>
<Error>
  <Code>RequestTimeTooSkewed</Code>
  <Message>The difference between the request time and the current time is too large.</Message>
  <RequestId>66F10B88708A5D313649AD20</RequestId>
  <HostId>pixcheese-dev.pixcheese.com</HostId>
  <MaxAllowedSkewMilliseconds>900000</MaxAllowedSkewMilliseconds>
  <RequestTime>2024-09-22T06:32:38.000Z</RequestTime>
  <ServerTime>2024-09-23T06:32:40.000Z</ServerTime>
  <EC>0002-00000504</EC>
  <RecommendDoc>https://api.aliyun.com/troubleshoot?q=0002-00000504</RecommendDoc>
</Error>
`);
    expect(info).toEqual({
      code: 'RequestTimeTooSkewed',
      message: 'The difference between the request time and the current time is too large.',
      requestId: '66F10B88708A5D313649AD20',
      hostId: 'pixcheese-dev.pixcheese.com',
      ec: '0002-00000504',
      details: {
        MaxAllowedSkewMilliseconds: '900000',
        RequestTime: '2024-09-22T06:32:38.000Z',
        ServerTime: '2024-09-23T06:32:40.000Z',
        RecommendDoc: 'https://api.aliyun.com/troubleshoot?q=0002-00000504',
      },
    });
  });

  it('reads the single-line InvalidPart capture, which has no EC', () => {
    const info = parseOssErrorXml(
      '<?xml version="1.0" encoding="UTF-8"?> <Error> <Code>InvalidPart</Code> <Message>One or more of the specified parts could not be found or the specified entity tag might not have matched the part\'s entity tag.</Message> <RequestId>5F09E53B25D95C3235741737</RequestId> <HostId>xking.oss-cn-hangzhou.aliyuncs.com</HostId> <ETag>undefined</ETag> <PartNumber>1</PartNumber> <UploadId>299AEA32DDE14A828E023EF962E947BA</UploadId> </Error>',
    );
    expect(info?.code).toBe('InvalidPart');
    expect(info?.ec).toBe('');
    expect(info?.details).toEqual({
      ETag: 'undefined',
      PartNumber: '1',
      UploadId: '299AEA32DDE14A828E023EF962E947BA',
    });
  });

  it.each([
    ['an empty body', ''],
    ['HTML from a proxy', '<html><body>502 Bad Gateway</body></html>'],
    [
      'a success document',
      '<InitiateMultipartUploadResult><Bucket>b</Bucket></InitiateMultipartUploadResult>',
    ],
    ['broken XML', '<Error><Code>X</Error>'],
  ])('returns undefined for %s', (_label, text) => {
    expect(parseOssErrorXml(text)).toBeUndefined();
  });
});
