/** Shapes of `/api/v1/loras`: the LoRA folder, and installs of LoRAs by URL. */
import { z } from 'zod';

/**
 * A LoRA's name: its file name in loras/ without the extension; letters, digits, `.`, `_`, `-`, at most 100, not
 * starting with a dot, so a name from a request or a show file can never reach outside the folder.
 */
export const LORA_NAME = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,99}$/;

export const loraInstallStateSchema = z.enum(['downloading', 'ready', 'error']);

export const loraInstallSchema = z.object({
  name: z.string(),
  /** Where from: the URL without its query or fragment (which may carry a token). */
  from: z.string(),
  state: loraInstallStateSchema,
  bytes: z.number(),
  total: z.number().nullable(),
  /** Bytes per second over the last seconds. */
  rate: z.number(),
  eta: z.number().nullable(),
  /** Why it failed; null otherwise. */
  error: z.string().nullable(),
});
export type LoraInstall = z.infer<typeof loraInstallSchema>;

/** GET /api/v1/loras. */
export const lorasResponseSchema = z.object({
  dir: z.string(),
  /** The choices of the `lora` parameters (besides `none`), with their sizes. */
  loras: z.array(z.object({ name: z.string(), bytes: z.number() })),
  /** Installs of this server's run, newest last. */
  installs: z.array(loraInstallSchema),
});
export type LorasResponse = z.infer<typeof lorasResponseSchema>;

/** POST /api/v1/loras. */
export const loraInstallBodySchema = z.object({
  // fetch refuses a URL with credentials in an error that repeats them: refused here, with a sentence that does not.
  url: z
    .url({ protocol: /^https?$/ })
    .refine(
      (u) => !/^https?:\/\/[^/?#]*@/i.test(u),
      'a URL with a user and password is not fetched; put the LoRA where no login is asked, or copy it into loras/',
    ),
  /** The name to choose it by (default: the URL's file name without `.safetensors`). */
  name: z.string().min(1).max(100).optional(),
  /** Lower-case hex SHA-256 the file must have. */
  sha256: z
    .string()
    .regex(/^[0-9a-fA-F]{64}$/)
    .optional(),
});
export type LoraInstallBody = z.infer<typeof loraInstallBodySchema>;

export const loraInstallResponseSchema = z.object({
  name: z.string(),
  state: loraInstallStateSchema,
  joined: z.boolean(),
});
export type LoraInstallResponse = z.infer<typeof loraInstallResponseSchema>;
