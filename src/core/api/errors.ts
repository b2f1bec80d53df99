import { INVOKE_ERROR_CODES } from '../runtime/invoker';
import { type ErrorCatalogue, errorMessage, isLambdaDockError } from '../errors';

/** Codes this module's own failures carry (as LambdaDockError). */
export const API_ERROR_CODES = {
  portInUse: 'API_PORT_IN_USE',
  listenFailed: 'API_LISTEN_FAILED',
} as const;

export type ApiErrorCode = (typeof API_ERROR_CODES)[keyof typeof API_ERROR_CODES];

declare module '../errors' {
  interface ErrorCodesByModule {
    api: ApiErrorCode;
  }
}

export const API_ERROR_CATALOGUE: ErrorCatalogue<ApiErrorCode> = {
  API_PORT_IN_USE: {
    message: 'The port the Invoke API, a Function URL or the HTTP APIs should listen on is in use.',
    fix: 'Stop what uses it, or choose another port (0 picks a free one).',
  },
  API_LISTEN_FAILED: {
    message: 'A server of Lambda Dock could not listen on its address.',
    fix: 'Read the system\'s reason in the message (a permission, an address not on this machine) and fix that.',
  },
};

/**
 * The Lambda exceptions the Invoke API answers with. `messageField` follows the service model: the SDK
 * reads `Message` for some exceptions and `message` for others.
 */
const EXCEPTIONS = {
  ResourceNotFoundException: { status: 404, type: 'User', messageField: 'Message' },
  InvalidRequestContentException: { status: 400, type: 'User', messageField: 'message' },
  InvalidParameterValueException: { status: 400, type: 'User', messageField: 'message' },
  RequestTooLargeException: { status: 413, type: 'User', messageField: 'message' },
  TooManyRequestsException: { status: 429, type: 'User', messageField: 'message' },
  ResourceConflictException: { status: 409, type: 'User', messageField: 'message' },
  ServiceException: { status: 500, type: 'Service', messageField: 'Message' },
  UnknownOperationException: { status: 404, type: 'User', messageField: 'message' },
} as const;

export type LambdaExceptionName = keyof typeof EXCEPTIONS;

/** One error answer of the Invoke API, in Lambda's shape (X-Amzn-ErrorType + a JSON body). */
export class LambdaApiException extends Error {
  readonly status: number;
  constructor(
    readonly exception: LambdaExceptionName,
    message: string,
    readonly extra?: { reason?: string; retryAfterSeconds?: number },
  ) {
    super(message);
    this.name = exception;
    this.status = EXCEPTIONS[exception].status;
  }

  /** The JSON body Lambda sends, e.g. {"Type":"User","Message":"Function not found: ..."}. */
  body(): string {
    const { type, messageField } = EXCEPTIONS[this.exception];
    const body: Record<string, unknown> = { Type: type, [messageField]: this.message };
    if (this.extra?.reason !== undefined) body.Reason = this.extra.reason;
    return JSON.stringify(body);
  }
}

export const apiErrors = {
  functionNotFound: (arn: string) => new LambdaApiException('ResourceNotFoundException', `Function not found: ${arn}`),
  urlNotFound: (arn: string) =>
    new LambdaApiException(
      'ResourceNotFoundException',
      `The resource you requested does not exist: ${arn} has no FunctionUrlConfig in its definition`,
    ),
  notJson: (detail: string) =>
    new LambdaApiException('InvalidRequestContentException', `Could not parse request body into json: ${detail}`),
  badClientContext: () =>
    new LambdaApiException(
      'InvalidRequestContentException',
      'Client context must be a valid Base64-encoded JSON object (X-Amz-Client-Context)',
    ),
  badParameter: (message: string) => new LambdaApiException('InvalidParameterValueException', message),
  tooLarge: (limit: number, operation: string, size?: number) =>
    new LambdaApiException(
      'RequestTooLargeException',
      `Request must be smaller than ${limit} bytes for the ${operation} operation` +
        (size === undefined ? '' : ` (this one has ${size} bytes)`),
    ),
  tooManyRequests: (message: string) =>
    new LambdaApiException('TooManyRequestsException', message, {
      reason: 'ReservedFunctionConcurrentInvocationLimitExceeded',
      retryAfterSeconds: 1,
    }),
  /** Lambda's answer for a function in the Failed state; here, one whose last build failed. */
  buildFailed: (message: string) => new LambdaApiException('ResourceConflictException', message),
  service: (message: string) => new LambdaApiException('ServiceException', message),
  unknownOperation: (method: string, path: string) =>
    new LambdaApiException(
      'UnknownOperationException',
      `lambda-dock's Invoke API does not serve ${method} ${path}; it serves Invoke, InvokeWithResponseStream, ` +
        'ListFunctions, GetFunction, GetFunctionConfiguration and GetFunctionUrlConfig',
    ),
};

/** Maps what FunctionInvoker.invoke rejects with to the exception Lambda would answer. */
export function toApiException(error: unknown, arn: string): LambdaApiException {
  if (error instanceof LambdaApiException) return error;
  if (isLambdaDockError(error)) {
    switch (error.code) {
      case INVOKE_ERROR_CODES.functionNotFound:
        return apiErrors.functionNotFound(arn);
      case INVOKE_ERROR_CODES.payloadTooLarge:
        return new LambdaApiException('RequestTooLargeException', error.message);
      case INVOKE_ERROR_CODES.payloadNotJson:
        return new LambdaApiException('InvalidRequestContentException', error.message);
      case INVOKE_ERROR_CODES.tooManyRequests:
        return apiErrors.tooManyRequests(error.message);
      case INVOKE_ERROR_CODES.buildFailed:
        return apiErrors.buildFailed(error.message);
    }
  }
  return apiErrors.service(`The engine failed to run ${arn}: ${errorMessage(error)}`);
}
