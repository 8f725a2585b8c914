import { describe, expect, it } from 'vitest';
import { buildXml, parseXml } from './xml.ts';

const bytes = (s: string) => new TextEncoder().encode(s).length;

describe('buildXml', () => {
  it('reproduces a captured InitiateMultipartUpload answer byte for byte (Content-Length 232)', () => {
    const xml = buildXml('InitiateMultipartUploadResult', {
      Bucket: 'ming-oss-share',
      Key: 'uosvelpvgjwtxaciqtxoplnx',
      UploadId: '97BD544A65DB46F9A8735C93917A960F',
    });
    expect(xml).toBe(
      '<?xml version="1.0" encoding="UTF-8"?>\n' +
        '<InitiateMultipartUploadResult>\n' +
        '  <Bucket>ming-oss-share</Bucket>\n' +
        '  <Key>uosvelpvgjwtxaciqtxoplnx</Key>\n' +
        '  <UploadId>97BD544A65DB46F9A8735C93917A960F</UploadId>\n' +
        '</InitiateMultipartUploadResult>\n',
    );
    expect(bytes(xml)).toBe(232);
  });

  it('reproduces a captured CompleteMultipartUpload body (Content-Length 327, quotes left literal)', () => {
    const xml = buildXml('CompleteMultipartUploadResult', {
      Location: 'http://ming-oss-share.oss-cn-hangzhou.aliyuncs.com/pasncdoyuvuvuiyewfsobdwn',
      Bucket: 'ming-oss-share',
      Key: 'pasncdoyuvuvuiyewfsobdwn',
      ETag: '"1C787C506EABFB9B45EAAA8DB039F4B2-2"',
    });
    expect(xml).toBe(
      '<?xml version="1.0" encoding="UTF-8"?>\n' +
        '<CompleteMultipartUploadResult>\n' +
        '  <Location>http://ming-oss-share.oss-cn-hangzhou.aliyuncs.com/pasncdoyuvuvuiyewfsobdwn</Location>\n' +
        '  <Bucket>ming-oss-share</Bucket>\n' +
        '  <Key>pasncdoyuvuvuiyewfsobdwn</Key>\n' +
        '  <ETag>"1C787C506EABFB9B45EAAA8DB039F4B2-2"</ETag>\n' +
        '</CompleteMultipartUploadResult>\n',
    );
    expect(bytes(xml)).toBe(327);
  });

  it('reproduces the documented NoSuchKey error sample (OSS API reference: "Error codes")', () => {
    const xml = buildXml('Error', {
      Code: 'NoSuchKey',
      Message: 'The specified key does not exist.',
      RequestId: '6556E3AED11E553933CCDEDF',
      HostId: 'demo-walker-6961.oss-cn-hangzhou.aliyuncs.com',
      Key: 'walker2asdasdasd.txt',
      EC: '0026-00000001',
      RecommendDoc: 'https://api.aliyun.com/troubleshoot?q=0026-00000001',
    });
    expect(xml).toBe(`<?xml version="1.0" encoding="UTF-8"?>
<Error>
  <Code>NoSuchKey</Code>
  <Message>The specified key does not exist.</Message>
  <RequestId>6556E3AED11E553933CCDEDF</RequestId>
  <HostId>demo-walker-6961.oss-cn-hangzhou.aliyuncs.com</HostId>
  <Key>walker2asdasdasd.txt</Key>
  <EC>0026-00000001</EC>
  <RecommendDoc>https://api.aliyun.com/troubleshoot?q=0026-00000001</RecommendDoc>
</Error>
`);
  });

  it('writes empty values as open/close pairs, repeats arrays, nests with 2-space steps', () => {
    const xml = buildXml('ListMultipartUploadsResult', {
      Bucket: 'oss-example',
      KeyMarker: '',
      Delimiter: '',
      MaxUploads: 1000,
      IsTruncated: false,
      Skipped: undefined,
      Upload: [
        { Key: 'a', UploadId: '0004B999EF518A1FE585B0C9360DC4C8' },
        { Key: 'b', UploadId: '0004B999EF5A239BB9138C6227D69F95' },
      ],
    });
    expect(xml).toBe(`<?xml version="1.0" encoding="UTF-8"?>
<ListMultipartUploadsResult>
  <Bucket>oss-example</Bucket>
  <KeyMarker></KeyMarker>
  <Delimiter></Delimiter>
  <MaxUploads>1000</MaxUploads>
  <IsTruncated>false</IsTruncated>
  <Upload>
    <Key>a</Key>
    <UploadId>0004B999EF518A1FE585B0C9360DC4C8</UploadId>
  </Upload>
  <Upload>
    <Key>b</Key>
    <UploadId>0004B999EF5A239BB9138C6227D69F95</UploadId>
  </Upload>
</ListMultipartUploadsResult>
`);
  });

  it('escapes markup characters in text and round-trips through parseXml', () => {
    const key = `a&b <c> "d" 'e' 环境 \u00a0`;
    const xml = buildXml('R', { Key: key, Size: 12345678901234567890n });
    expect(xml).toContain(`<Key>a&amp;b &lt;c&gt; "d" 'e' 环境 \u00a0</Key>`);
    expect(parseXml(xml)).toEqual({ R: { Key: key, Size: '12345678901234567890' } });
  });
});

describe('parseXml', () => {
  it('keeps text as strings, including numeric-looking ids and ETags', () => {
    const doc = parseXml(
      '<?xml version="1.0" encoding="UTF-8"?>\n<ListPartsResult><UploadId>0004B999EF5A239BB9138C6227D69F95</UploadId>' +
        '<MaxParts>1000</MaxParts><Part><PartNumber>01</PartNumber><ETag>"1E10"</ETag></Part></ListPartsResult>',
    );
    expect(doc).toEqual({
      ListPartsResult: {
        UploadId: '0004B999EF5A239BB9138C6227D69F95',
        MaxParts: '1000',
        Part: { PartNumber: '01', ETag: '"1E10"' },
      },
    });
  });

  it('returns elements named in `arrays` as arrays even when single, and decodes entities', () => {
    const xml =
      '<CompleteMultipartUpload xmlns="http://doc.oss-cn-hangzhou.aliyuncs.com">\n<Part>\n<PartNumber>1</PartNumber>\n' +
      '<ETag>&quot;7265F4D211B56873A381D321F586ABCD&quot;</ETag>\n</Part>\n</CompleteMultipartUpload>';
    expect(parseXml(xml, { arrays: ['Part'] })).toEqual({
      CompleteMultipartUpload: { Part: [{ PartNumber: '1', ETag: '"7265F4D211B56873A381D321F586ABCD"' }] },
    });
    expect(parseXml(xml).CompleteMultipartUpload).toEqual({
      Part: { PartNumber: '1', ETag: '"7265F4D211B56873A381D321F586ABCD"' },
    });
  });

  it('gives empty elements as empty strings and keeps significant spaces in values', () => {
    expect(parseXml('<R><A/><B></B><Key> spaced </Key></R>')).toEqual({
      R: { A: '', B: '', Key: ' spaced ' },
    });
  });

  it('strips namespace prefixes', () => {
    expect(parseXml('<x:R xmlns:x="urn:x"><x:A>1</x:A></x:R>')).toEqual({ R: { A: '1' } });
  });

  it.each([
    ['unclosed element', '<CompleteMultipartUpload><Part></CompleteMultipartUpload>'],
    ['two roots', '<A></A><B></B>'],
    ['plain text', 'not xml'],
  ])('throws on malformed input (%s)', (_label, xml) => {
    expect(() => parseXml(xml)).toThrow(/Malformed XML/);
  });
});
