/** Shapes of /api/v1/references (the reference images of streamdiffusion's `reference` parameter). */
import { z } from 'zod';

export const referenceListSchema = z.object({ dir: z.string(), references: z.array(z.string()) });
export type ReferenceList = z.infer<typeof referenceListSchema>;

/** PUT /api/v1/references/:name answers the name and the size the image encoder sees. */
export const referenceSavedSchema = z.object({ name: z.string(), width: z.number(), height: z.number() });
