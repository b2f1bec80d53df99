import * as assert from 'node:assert/strict';
import { InvokeApiServer } from '../../../src/core/api/server';
import { FakeInvoker } from './fakeInvoker';
import { json, raw } from './rawHttp';

type UrlEvent = {
  version: string;
  rawPath: string;
  rawQueryString: string;
  cookies?: string[];
  headers: Record<string, string>;
  queryStringParameters?: Record<string, string>;
  requestContext: { http: { method: string; path: string; sourceIp: string }; requestId: string; domainName: string };
  body?: string;
  isBase64Encoded: boolean;
};

describe('Invoke API: Function URLs', () => {
  let invoker: FakeInvoker;
  let server: InvokeApiServer;
  let events: UrlEvent[];
  let nextResult: unknown;

  const urlOf = (name: string): string => {
    const url = server.functionUrls.urlOf(name);
    assert.ok(url, `${name} has a URL`);
    return url;
  };

  beforeEach(async () => {
    events = [];
    nextResult = { statusCode: 200, body: 'ok' };
    invoker = new FakeInvoker()
      .add({ name: 'web', functionUrl: { authType: 'NONE', invokeMode: 'BUFFERED' } }, (payload) => {
        events.push(JSON.parse(payload.toString()) as UrlEvent);
        return { ok: nextResult };
      })
      .add(
        {
          name: 'cors',
          functionUrl: { authType: 'NONE', invokeMode: 'BUFFERED', cors: { AllowOrigins: ['https://app.example'], AllowMethods: ['GET', 'POST'], MaxAge: 60 } },
        },
        () => ({ ok: 'hi' }),
      )
      .add({ name: 'iam', functionUrl: { authType: 'AWS_IAM', invokeMode: 'BUFFERED' } }, () => ({ ok: 'signed' }))
      .add({ name: 'fails', functionUrl: { authType: 'NONE', invokeMode: 'BUFFERED' } }, () => ({ error: { errorType: 'Error', errorMessage: 'x' } }))
      .add({ name: 'streams', functionUrl: { authType: 'NONE', invokeMode: 'RESPONSE_STREAM' } }, async (_payload, options) => {
        const sink = options.responseStream;
        assert.ok(sink);
        sink.start('application/vnd.awslambda.http-integration-response');
        sink.write(Buffer.from('{"statusCode":201,"headers":{"x-kind":"stream"},"cookies":["a=1"]}'));
        sink.write(Buffer.concat([Buffer.alloc(8), Buffer.from('hello ')]));
        await new Promise((resolve) => setTimeout(resolve, 20));
        sink.write(Buffer.from('world'));
        return { raw: Buffer.alloc(0) };
      })
      .add({ name: 'plain' }, () => ({ ok: 1 }));
    server = new InvokeApiServer({ invoker, port: 0 });
    await server.start();
  });
  afterEach(() => server.close());

  it('gives each function with FunctionUrlConfig its own local URL, and none to the others', () => {
    assert.deepEqual(server.functionUrls.all().map((u) => u.functionName).sort(), ['cors', 'fails', 'iam', 'streams', 'web']);
    assert.match(urlOf('web'), /^http:\/\/127\.0\.0\.1:\d+\/$/);
    assert.equal(server.functionUrls.urlOf('plain'), undefined);
  });

  it('turns a request into the payload format 2.0 event', async () => {
    await raw(urlOf('web'), 'POST', '/items/42?color=red&color=blue&q=a%20b', {
      headers: { 'Content-Type': 'application/json', Cookie: 'session=abc; theme=dark', 'X-Custom': 'v' },
      body: '{"name":"widget"}',
    });
    const event = events[0];
    assert.equal(event.version, '2.0');
    assert.equal(event.rawPath, '/items/42');
    assert.equal(event.rawQueryString, 'color=red&color=blue&q=a%20b');
    assert.deepEqual(event.queryStringParameters, { color: 'red,blue', q: 'a b' });
    assert.deepEqual(event.cookies, ['session=abc', 'theme=dark']);
    assert.equal(event.headers['x-custom'], 'v');
    assert.equal(event.headers.cookie, undefined);
    assert.equal(event.requestContext.http.method, 'POST');
    assert.equal(event.requestContext.http.path, '/items/42');
    assert.equal(event.requestContext.http.sourceIp, '127.0.0.1');
    assert.equal(event.body, '{"name":"widget"}');
    assert.equal(event.isBase64Encoded, false);
  });

  it('base64-encodes a binary body', async () => {
    await raw(urlOf('web'), 'PUT', '/upload', { headers: { 'Content-Type': 'application/octet-stream' }, body: Buffer.from([0, 1, 2, 255]) });
    assert.equal(events[0].isBase64Encoded, true);
    assert.deepEqual(Buffer.from(events[0].body ?? '', 'base64'), Buffer.from([0, 1, 2, 255]));
  });

  it('sends a structured result as the HTTP response: status, headers, cookies, base64 body', async () => {
    nextResult = {
      statusCode: 201,
      headers: { 'Content-Type': 'image/png', 'X-Id': '7' },
      cookies: ['a=1; Path=/', 'b=2'],
      body: Buffer.from([137, 80, 78, 71]).toString('base64'),
      isBase64Encoded: true,
    };
    const res = await raw(urlOf('web'), 'GET', '/');
    assert.equal(res.status, 201);
    assert.equal(res.headers['content-type'], 'image/png');
    assert.equal(res.headers['x-id'], '7');
    assert.deepEqual(res.headers['set-cookie'], ['a=1; Path=/', 'b=2']);
    assert.deepEqual(res.body, Buffer.from([137, 80, 78, 71]));
    assert.equal(res.headers['x-amzn-requestid'], events[0].requestContext.requestId);
  });

  it('follows Lambda\'s rules for results without statusCode: JSON as a 200 body, a string as itself', async () => {
    nextResult = { message: 'hi' };
    const object = await raw(urlOf('web'), 'GET', '/');
    assert.equal(object.status, 200);
    assert.equal(object.headers['content-type'], 'application/json');
    assert.deepEqual(json(object), { message: 'hi' });
    nextResult = 'Hello, world!';
    const text = await raw(urlOf('web'), 'GET', '/');
    assert.equal(text.body.toString(), 'Hello, world!');
  });

  it('answers 502 for a function error', async () => {
    const res = await raw(urlOf('fails'), 'GET', '/');
    assert.equal(res.status, 502);
  });

  it('streams a RESPONSE_STREAM function with its prelude\'s status, headers and cookies', async () => {
    const res = await raw(urlOf('streams'), 'GET', '/');
    assert.equal(res.status, 201);
    assert.equal(res.headers['x-kind'], 'stream');
    assert.deepEqual(res.headers['set-cookie'], ['a=1']);
    assert.equal(res.body.toString(), 'hello world');
    assert.ok(res.chunks.length >= 2, 'the body came in more than one piece');
  });

  it('answers CORS preflights itself and adds CORS headers for an allowed origin', async () => {
    const preflight = await raw(urlOf('cors'), 'OPTIONS', '/', {
      headers: { Origin: 'https://app.example', 'Access-Control-Request-Method': 'POST' },
    });
    assert.equal(preflight.status, 200);
    assert.equal(preflight.headers['access-control-allow-origin'], 'https://app.example');
    assert.equal(preflight.headers['access-control-allow-methods'], 'GET,POST');
    assert.equal(preflight.headers['access-control-max-age'], '60');
    assert.equal(invoker.calls.length, 0);
    const get = await raw(urlOf('cors'), 'GET', '/', { headers: { Origin: 'https://app.example' } });
    assert.equal(get.headers['access-control-allow-origin'], 'https://app.example');
    const other = await raw(urlOf('cors'), 'GET', '/', { headers: { Origin: 'https://evil.example' } });
    assert.equal(other.headers['access-control-allow-origin'], undefined);
  });

  it('requires a SigV4 Authorization header on an AWS_IAM URL', async () => {
    const unsigned = await raw(urlOf('iam'), 'GET', '/');
    assert.equal(unsigned.status, 403);
    const signed = await raw(urlOf('iam'), 'GET', '/', {
      headers: { Authorization: 'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240101/us-east-1/lambda/aws4_request, SignedHeaders=host, Signature=0' },
    });
    assert.equal(signed.status, 200);
  });

  it('returns GetFunctionUrlConfig for a URL function and 404 for one without', async () => {
    const api = server.endpoint;
    const res = await raw(api, 'GET', '/2021-10-31/functions/streams/url');
    assert.equal(res.status, 200);
    const config = json(res) as Record<string, string>;
    assert.equal(config.FunctionUrl, urlOf('streams'));
    assert.equal(config.FunctionArn, 'arn:aws:lambda:us-east-1:000000000000:function:streams');
    assert.equal(config.AuthType, 'NONE');
    assert.equal(config.InvokeMode, 'RESPONSE_STREAM');
    const none = await raw(api, 'GET', '/2021-10-31/functions/plain/url');
    assert.equal(none.status, 404);
    assert.equal(none.headers['x-amzn-errortype'], 'ResourceNotFoundException');
  });

  it('opens and closes URLs as functions come and go on refresh', async () => {
    const old = urlOf('web');
    invoker.remove('web');
    invoker.add({ name: 'later', functionUrl: { authType: 'NONE', invokeMode: 'BUFFERED' } }, () => ({ ok: 'later' }));
    await server.refresh();
    assert.equal(server.functionUrls.urlOf('web'), undefined);
    await assert.rejects(raw(old, 'GET', '/'));
    const res = await raw(urlOf('later'), 'GET', '/');
    assert.equal(res.body.toString(), 'later');
  });
});
