import { stringToSignBytesV1 } from '../../lib/oss/sign-v1.ts';
import { MAX_SKEW_MS } from './auth/clock.ts';

// Every error the emulator answers with comes from this one factory, so codes, statuses,
// messages and EC numbers are written once (texts from the OSS API reference, "Error codes").

/** Extra XML elements that follow <HostId> in the error body, in order. */
export type ErrorDetails = [name: string, value: string][];

export class OssError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: ErrorDetails = [],
    readonly ec?: string,
  ) {
    super(message);
  }
}

const iso = (d: Date) => `${d.toISOString().slice(0, 19)}.000Z`;

/**
 * A bad upload callback configuration (OSS API reference: "Callback"): 400 InvalidArgument naming the parameter it came in
 * (`callback` / `callback-var`, header or query alike). ECs from the 0007 family of OSS's EC pages.
 */
const invalidCallback = (message: string, argument: CallbackArgument, value: string, ec?: string) =>
  new OssError(
    400,
    'InvalidArgument',
    message,
    [
      ['ArgumentName', argument],
      ['ArgumentValue', value],
    ],
    ec,
  );
export type CallbackArgument = 'callback' | 'callback-var';

/** The callback was sent but did not succeed (OSS API reference: "Callback", and its 203 page): the object is stored all the same. */
const callbackFailed = (message: string, ec: '0007-00000203' | '0007-00000205' = '0007-00000203') =>
  new OssError(203, 'CallbackFailed', message, [], ec);

export const ossError = {
  accessDenied: (message = 'You have no right to access this resource.') =>
    new OssError(403, 'AccessDenied', message, [], '0003-00000001'),
  /** A presigned URL past its expiry: EC 0002-00000069 for V1, 0002-00000236 for V4 (OSS documentation: signed URLs, V1 and V4). */
  requestExpired: (expires: Date, serverTime: Date, ec?: '0002-00000069' | '0002-00000236') =>
    new OssError(
      403,
      'AccessDenied',
      'Request has expired.',
      [
        ['Expires', iso(expires)],
        ['ServerTime', iso(serverTime)],
      ],
      ec,
    ),
  /** A V4 presigned URL whose x-oss-date is more than 15 minutes ahead of the server (OSS documentation: "Signature Version 4 (recommended)", signed URLs). */
  requestNotYetValid: (requestTime: Date, serverTime: Date) =>
    new OssError(
      403,
      'AccessDenied',
      'The request time must be no earlier than 15 minutes before the time specified by x-oss-date.',
      [
        ['RequestTime', iso(requestTime)],
        ['ServerTime', iso(serverTime)],
      ],
      '0002-00000235',
    ),
  accessForbiddenCors: () =>
    new OssError(
      403,
      'AccessForbidden',
      "CORSResponse: This CORS request is not allowed. This is usually because the evalution of Origin, request method / Access-Control-Request-Method or Access-Control-Requet-Headers are not whitelisted by the resource's CORS spec.",
    ),
  badRequest: (message: string) => new OssError(400, 'BadRequest', message),
  invalidAccessKeyId: (accessKeyId: string, stsStyleWithoutToken = false) =>
    new OssError(
      403,
      'InvalidAccessKeyId',
      stsStyleWithoutToken
        ? 'The OSS Access Key Id you provided does not exist in our records. The Security Token may be lost to specify that it is a STS Access Id.'
        : 'The OSS Access Key Id you provided does not exist in our records.',
      [['OSSAccessKeyId', accessKeyId]],
      stsStyleWithoutToken ? '0002-00000003' : '0002-00000002',
    ),
  invalidSecurityToken: () =>
    new OssError(
      403,
      'InvalidSecurityToken',
      'The security token you provided is invalid.',
      [],
      '0002-00000006',
    ),
  securityTokenExpired: (token: string) =>
    new OssError(
      403,
      'SecurityTokenExpired',
      'The security token you provided has expired.',
      [['SecurityToken', token]],
      '0002-00000007',
    ),
  requestTimeTooSkewed: (requestTime: Date, serverTime: Date) =>
    new OssError(
      403,
      'RequestTimeTooSkewed',
      'The difference between the request time and the current time is too large.',
      [
        ['MaxAllowedSkewMilliseconds', String(MAX_SKEW_MS)],
        ['RequestTime', iso(requestTime)],
        ['ServerTime', iso(serverTime)],
      ],
      '0002-00000504',
    ),
  signatureDoesNotMatchV1: (accessKeyId: string, provided: string, stringToSign: string) =>
    new OssError(
      403,
      'SignatureDoesNotMatch',
      'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
      [
        ['OSSAccessKeyId', accessKeyId],
        ['SignatureProvided', provided],
        ['StringToSign', stringToSign],
        ['StringToSignBytes', stringToSignBytesV1(stringToSign)],
      ],
      '0002-00000040',
    ),
  signatureDoesNotMatchV4: (
    accessKeyId: string,
    provided: string,
    stringToSign: string,
    canonicalRequest: string,
  ) =>
    new OssError(
      403,
      'SignatureDoesNotMatch',
      'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
      [
        ['OSSAccessKeyId', accessKeyId],
        ['SignatureProvided', provided],
        ['StringToSign', stringToSign],
        ['CanonicalRequest', canonicalRequest],
      ],
      '0002-00000201',
    ),
  invalidArgument: (message: string, argumentName?: string, argumentValue?: string, ec?: string) =>
    new OssError(
      400,
      'InvalidArgument',
      message,
      argumentName === undefined
        ? []
        : [
            ['ArgumentName', argumentName],
            ['ArgumentValue', argumentValue ?? ''],
          ],
      ec,
    ),
  malformedXml: () =>
    new OssError(
      400,
      'MalformedXML',
      'The XML you provided was not well-formed or did not validate against our published schema.',
      [],
      '0042-00000205',
    ),
  noSuchBucket: (bucket: string) =>
    new OssError(
      404,
      'NoSuchBucket',
      'The specified bucket does not exist.',
      [['BucketName', bucket]],
      '0015-00000101',
    ),
  noSuchKey: (key: string) =>
    new OssError(404, 'NoSuchKey', 'The specified key does not exist.', [['Key', key]], '0026-00000001'),
  noSuchUpload: (uploadId: string) =>
    new OssError(
      404,
      'NoSuchUpload',
      'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.',
      [['UploadId', uploadId]],
      '0017-00000244',
    ),
  noSuchCorsConfiguration: (bucket: string) =>
    new OssError(404, 'NoSuchCORSConfiguration', 'The CORS Configuration does not exist.', [
      ['BucketName', bucket],
    ]),
  noSuchLifecycle: (bucket: string) =>
    new OssError(404, 'NoSuchLifecycle', 'No Row found in Lifecycle Table.', [['BucketName', bucket]]),
  invalidPart: (uploadId: string, partNumber: number, etag: string) =>
    new OssError(
      400,
      'InvalidPart',
      "One or more of the specified parts could not be found or the specified entity tag might not have matched the part's entity tag.",
      [
        ['ETag', etag],
        ['PartNumber', String(partNumber)],
        ['UploadId', uploadId],
      ],
      '0042-00000208',
    ),
  invalidPartOrder: () =>
    new OssError(
      400,
      'InvalidPartOrder',
      'The list of parts was not in ascending order. Parts list must specified in order by part number.',
      [],
      '0042-00000209',
    ),
  entityTooSmall: () =>
    new OssError(
      400,
      'EntityTooSmall',
      'Your proposed upload smaller than the minimum allowed size.',
      [],
      '0042-00000213',
    ),
  entityTooLarge: () =>
    new OssError(400, 'EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size.'),
  fileAlreadyExists: (ec: '0026-00000201' | '0042-00000214') =>
    new OssError(
      409,
      'FileAlreadyExists',
      'The object you specified already exists and can not be overwritten.',
      [],
      ec,
    ),
  invalidObjectName: () => new OssError(400, 'InvalidObjectName', 'The specified object is not valid.'),
  invalidDigest: () => new OssError(400, 'InvalidDigest', 'The Content-MD5 you specified was invalid.'),
  missingContentLength: () =>
    new OssError(411, 'MissingContentLength', 'You must provide the Content-Length HTTP header.'),
  operationNotSupported: (detail: string) =>
    new OssError(400, 'OperationNotSupported', 'The operation is not supported for this resource', [
      ['Detail', detail],
    ]),
  callbackFailed,
  callbackErrorStatus: (status: number) => callbackFailed(`Error status : ${status}.`),
  callbackResponseNotJson: () => callbackFailed('Response body is not valid json format.', '0007-00000205'),
  callbackTimedOut: () => callbackFailed('Cost too long time'),
  callbackUnreachable: () =>
    callbackFailed('Error Status : -1.OSS can not connect to your callbackUrl, please check it'),
  callbackResponseTooLarge: () =>
    callbackFailed('Error Status : 400.User server return too long content-length value'),
  callbackInTwoPlaces: (argument: CallbackArgument, value: string) =>
    invalidCallback(
      'The callback can be given in only one way: the x-oss-callback header or the callback query parameter.',
      argument,
      value,
    ),
  callbackNotBase64: (argument: CallbackArgument, value: string) =>
    invalidCallback(`The ${argument} configuration is not base64 encoded.`, argument, value, '0007-00000002'),
  callbackNotJson: (argument: CallbackArgument, value: string) =>
    invalidCallback(`The ${argument} configuration is not json format.`, argument, value, '0007-00000003'),
  callbackTooLong: (argument: CallbackArgument, value: string, maxBytes: number) =>
    invalidCallback(`The ${argument} configuration exceeds ${maxBytes} bytes.`, argument, value),
  callbackTooManyUrls: (value: string) =>
    invalidCallback('The callbackUrl contains more than 5 urls.', 'callback', value, '0007-00000005'),
  callbackUrlInvalid: (url: string, value: string) =>
    invalidCallback(`The callbackUrl is invalid: ${url}`, 'callback', value, '0007-00000004'),
  callbackTargetRefused: (url: string, reason: string, value: string) =>
    invalidCallback(`The callbackUrl ${url} is not allowed: ${reason}.`, 'callback', value, '0007-00000004'),
  callbackTargetUnreachable: (reason: string) =>
    callbackFailed(`Error Status : -1.OSS can not connect to your callbackUrl: ${reason}.`),
  callbackBodyEmpty: (value: string) =>
    invalidCallback('The callbackBody is empty.', 'callback', value, '0007-00000011'),
  callbackBodyTypeInvalid: (value: string) =>
    invalidCallback(
      'The callbackBodyType is invalid, it must be application/x-www-form-urlencoded or application/json.',
      'callback',
      value,
      '0007-00000012',
    ),
  callbackBodyMalformed: (detail: string, value: string) =>
    invalidCallback(`The callbackBody is malformed: ${detail}`, 'callback', value),
  callbackFieldInvalid: (field: string, value: string, requirement?: string) =>
    invalidCallback(
      `The ${field} in the callback configuration is invalid${requirement ? `: ${requirement}` : ''}.`,
      'callback',
      value,
    ),
  callbackVarInvalid: (key: string, value: string) =>
    invalidCallback(
      `The callback-var key ${JSON.stringify(key)} is invalid: keys must start with "x:", be lowercase and have string values.`,
      'callback-var',
      value,
    ),
  slowDown: () => new OssError(503, 'SlowDown', 'Please reduce your request rate.'),
  internalError: () =>
    new OssError(500, 'InternalError', 'We encountered an internal error. Please try again.'),
  invalidUri: () => new OssError(400, 'InvalidURI', "Couldn't parse the specified URI."),
  invalidBucketName: (bucket: string) =>
    new OssError(400, 'InvalidBucketName', 'The specified bucket is not valid.', [['BucketName', bucket]]),
  methodNotAllowed: (method: string, resourceType: string) =>
    new OssError(405, 'MethodNotAllowed', 'The specified method is not allowed against this resource.', [
      ['Method', method],
      ['ResourceType', resourceType],
    ]),
  invalidRange: () => new OssError(416, 'InvalidRange', 'The requested range cannot be satisfied'),
  preconditionFailed: (condition: string) =>
    new OssError(412, 'PreconditionFailed', 'At least one of the pre-conditions you specified did not hold', [
      ['Condition', condition],
    ]),
  requestHeaderTooLarge: () =>
    new OssError(400, 'RequestHeaderTooLarge', 'Your request header fields too large.'),
  /** A sub-resource or header selecting an OSS operation the emulator does not implement. */
  notImplemented: (method: string, subresource: string) =>
    new OssError(
      501,
      'NotImplemented',
      'A header or query parameter you provided implies functionality that is not implemented.',
      [
        ['Method', method],
        ['Subresource', subresource],
      ],
    ),
  missingArgument: (argumentName: string, message: string, ec?: string) =>
    new OssError(400, 'MissingArgument', message, [['ArgumentName', argumentName]], ec),
  // PostObject (OSS API reference: PostObject, and its common-errors FAQ).
  malformedPostRequest: (detail: string) =>
    new OssError(
      400,
      'MalformedPOSTRequest',
      'The body of your POST request is not well-formed multipart/form-data.',
      [['Detail', detail]],
    ),
  invalidPolicyDocument: (message: string, ec?: string) =>
    new OssError(400, 'InvalidPolicyDocument', `Invalid Policy: ${message}`, [], ec),
  policyExpired: () =>
    new OssError(403, 'AccessDenied', 'Invalid according to Policy: Policy expired.', [], '0006-00000213'),
  policyConditionFailed: (condition: string) =>
    new OssError(
      403,
      'AccessDenied',
      `Invalid according to Policy: Policy Condition failed: ${condition}`,
      [],
      '0006-00000227',
    ),
  postSignatureDoesNotMatch: (accessKeyId: string, provided: string) =>
    new OssError(
      403,
      'SignatureDoesNotMatch',
      'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
      [
        ['OSSAccessKeyId', accessKeyId],
        ['SignatureProvided', provided],
      ],
      '0002-00000705',
    ),
  fieldItemTooLong: (field: string) =>
    new OssError(
      400,
      'FieldItemTooLong',
      'Your POST request fields preceding the upload file were too large.',
      [['FieldName', field]],
    ),
  incorrectNumberOfFiles: (detail: string) =>
    new OssError(
      400,
      'IncorrectNumberOfFilesInPOSTRequest',
      'POST requires exactly one file upload per request.',
      [['Detail', detail]],
    ),
  entityTooSmallForPolicy: () =>
    new OssError(
      400,
      'EntityTooSmall',
      'Your proposed upload is smaller than the minimum allowed size.',
      [],
      '0006-00000004',
    ),
  entityTooLargeForPolicy: () =>
    new OssError(
      400,
      'EntityTooLarge',
      'Your proposed upload exceeds the maximum allowed size.',
      [],
      '0006-00000003',
    ),
};
