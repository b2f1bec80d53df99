import { createHash } from 'node:crypto';

const startedAt = new Date().toISOString();

export const handler = async (event, context) => {
  const digest = createHash('sha256').update(JSON.stringify(event)).digest('hex');
  console.info(`digest of the event: ${digest}`);
  return { module: 'esm', digest, startedAt, remainingMs: context.getRemainingTimeInMillis() > 0 };
};
