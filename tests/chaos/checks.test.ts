// The judgement calls of the checks, on hand-made inputs.
import { describe, expect, it } from 'vitest';
import { actionable, resentBytesByKey } from '../../chaos/checks.ts';
import type { RequestLogLine } from '../../server/emulator/faults/request-log.ts';

function part(
  partNumber: number,
  receivedAt: number,
  settledAt: number,
  status: number,
  extra: Partial<RequestLogLine> = {},
): RequestLogLine {
  return {
    receivedAt,
    settledAt,
    operation: 'UploadPart',
    method: 'PUT',
    key: 'k',
    uploadId: 'U',
    partNumber,
    status,
    answerLost: false,
    bytes: 100,
    ...extra,
  };
}

describe('resentBytesByKey', () => {
  it('counts bytes sent after a 200 for the same part, and apart from them those after a lost answer', () => {
    const lines = [
      part(1, 0, 10, 503, { bytes: 0 }),
      part(1, 20, 30, 200),
      part(1, 40, 50, 200), // the engine sent an acknowledged part again
      part(2, 0, 10, 0, { answerLost: true }),
      part(2, 11, 20, 200), // replayed after the lost answer
      part(3, 0, 10, 0, { bytes: 60 }), // cut mid-body: not applied
      part(3, 15, 25, 200),
      part(1, 60, 70, 200, { uploadId: 'V' }), // another upload's part 1
    ];
    expect(resentBytesByKey(lines).get('k')).toEqual({ afterAck: 100, afterLostAnswer: 100 });
  });
});

describe('actionable', () => {
  it('wants a message that is not a stack trace nor an unexpected failure', () => {
    expect(actionable({ code: 'NetworkError', message: 'No answer from the network: failed' })).toBe(true);
    expect(actionable(undefined)).toBe(false);
    expect(actionable({ code: 'X', message: '  ' })).toBe(false);
    expect(actionable({ code: 'X', message: 'TypeError: x\n    at run (engine.ts:1:2)' })).toBe(false);
    expect(actionable({ code: 'InternalError', message: 'Unexpected failure: TypeError: x' })).toBe(false);
  });
});
