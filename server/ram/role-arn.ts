// A RAM role's ARN, `acs:ram::<account id>:role/<role name>` (RAM documentation, "RAM role
// overview"): what the token service is configured with and what the emulator's STS accepts.

/** Captures the account id and the role name. */
export const ROLE_ARN = /^acs:ram::(\d+):role\/([\w.@+=,-]{1,64})$/;
