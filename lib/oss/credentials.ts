/** Long-term AccessKey pair, or STS temporary credentials when securityToken is set. */
export type Credentials = {
  accessKeyId: string;
  accessKeySecret: string;
  securityToken?: string;
};
