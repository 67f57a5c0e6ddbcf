import pino, { type Logger } from 'pino';
import type { Config } from './config.js';

/** JSON logs (pino) with secrets and personal data redacted wherever they might appear. */
export function createLogger(config: Pick<Config, 'logLevel'>, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level: config.logLevel,
      base: { service: 'civicgrid' },
      redact: {
        paths: [
          'req.headers.authorization',
          'req.headers.cookie',
          'res.headers["set-cookie"]',
          '*.password',
          '*.newPassword',
          '*.currentPassword',
          '*.accessToken',
        ],
        censor: '[redacted]',
      },
    },
    destination,
  );
}
