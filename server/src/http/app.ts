/**
 * Builds the Fastify application: request ids, logging, security headers, cookies, Zod validation,
 * OpenAPI, metrics, the error format, and every module's routes under /api/v1.
 */
import { randomUUID } from 'node:crypto';
import fastifyCookie from '@fastify/cookie';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { AppContext } from '../app-context.js';
import { systemRoutes } from '../modules/system/index.js';
import { installErrorHandling, sendError, toAppError } from './error-handler.js';
import { createHttpMetrics } from './metrics.js';
import { installSecurityHeaders } from './security-headers.js';

export type App = FastifyInstance;

export interface ApiModule {
  /** Registers the module's routes; called inside the /api/v1 prefix. */
  routes?(app: FastifyInstance): Promise<void> | void;
  /**
   * Registers routes at the root, outside /api/v1, after every API route (the web module serves the built web
   * app this way). Use sparingly: /api/*, /healthz, /readyz and /metrics must stay the API's.
   */
  root?(app: FastifyInstance): Promise<void> | void;
}

const REQUEST_ID = /^[A-Za-z0-9._-]{8,64}$/;

export async function buildApp(ctx: AppContext, modules: ApiModule[]): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: ctx.log as FastifyBaseLogger,
    bodyLimit: ctx.config.bodyLimitBytes,
    trustProxy: ctx.config.trustProxy,
    // Accept a caller's X-Request-Id when it looks sane, so a request can be followed across systems.
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    return503OnClosing: true,
    // Errors the router raises before any hook runs (bad percent-encoding, over-long path parameters) get the
    // same error format as everything else.
    frameworkErrors: (error, request, reply) => {
      void sendError(request, reply, toAppError(error, ctx.config.bodyLimitBytes));
    },
    // On close: in-flight requests finish; idle keep-alive connections are closed (or close would wait for clients).
    forceCloseConnections: 'idle',
  });

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installErrorHandling(app, ctx.config.bodyLimitBytes);
  // Hooks that do not wait for anything are written with `done` (an async one costs a promise per request).
  app.addHook('onSend', (request, reply, payload, done) => {
    void reply.header('x-request-id', request.id);
    done(null, payload);
  });

  installSecurityHeaders(app, {
    // The docs page and the web app load their own scripts and styles only.
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        styleSrc: ["'self'", "'unsafe-inline'"],
        scriptSrc: ["'self'"],
        workerSrc: ["'self'", 'blob:'],
        connectSrc: ["'self'"],
      },
    },
    crossOriginEmbedderPolicy: false,
  });
  await app.register(fastifyCookie, { secret: ctx.config.secretKey });

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'CivicGrid API',
        version: '1',
        description:
          'City digital-governance platform. Errors are `{ code, message, details?, requestId }`; ' +
          '`message` follows Accept-Language (zh-CN default, en).',
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer' },
          session: { type: 'apiKey', in: 'cookie', name: 'cg_session' },
        },
      },
    },
    transform: jsonSchemaTransform,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/api/docs', staticCSP: true });
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  const metrics = createHttpMetrics();
  app.addHook('onResponse', (request, reply, done) => {
    metrics.observe(request.routeOptions.url ?? 'unmatched', request.method, reply.statusCode, reply.elapsedTime);
    done();
  });

  await app.register(async (scoped) => systemRoutes(scoped, ctx, metrics));
  await app.register(
    async (api) => {
      for (const m of modules) await m.routes?.(api);
    },
    { prefix: '/api/v1' },
  );
  for (const m of modules) {
    const root = m.root?.bind(m);
    if (root) await app.register(async (scoped) => root(scoped));
  }
  return app;
}
