import { type HttpAnswer, jsonAnswer } from './httpAnswer';

/** The answers API Gateway gives on its own, by API kind, in its own words. */
export interface GatewayAnswers {
  noRoute: HttpAnswer;
  functionFailed: HttpAnswer;
  timedOut: HttpAnswer;
  unauthorized: HttpAnswer;
  forbidden: HttpAnswer;
  authorizerFailed: HttpAnswer;
  tooLarge: HttpAnswer;
}

const errorType = (type: string) => ({ 'x-amzn-errortype': type });

export const REST_ANSWERS: GatewayAnswers = {
  noRoute: jsonAnswer(403, { message: 'Missing Authentication Token' }, errorType('MissingAuthenticationTokenException')),
  functionFailed: jsonAnswer(502, { message: 'Internal server error' }, errorType('InternalServerErrorException')),
  timedOut: jsonAnswer(504, { message: 'Endpoint request timed out' }),
  unauthorized: jsonAnswer(401, { message: 'Unauthorized' }, errorType('UnauthorizedException')),
  forbidden: jsonAnswer(403, { Message: 'User is not authorized to access this resource' }, errorType('AccessDeniedException')),
  authorizerFailed: jsonAnswer(500, { message: null }, errorType('AuthorizerConfigurationException')),
  tooLarge: jsonAnswer(413, { message: 'Request Too Long' }),
};

export const HTTP_API_ANSWERS: GatewayAnswers = {
  noRoute: jsonAnswer(404, { message: 'Not Found' }),
  functionFailed: jsonAnswer(500, { message: 'Internal Server Error' }),
  timedOut: jsonAnswer(503, { message: 'Service Unavailable' }),
  unauthorized: jsonAnswer(401, { message: 'Unauthorized' }),
  forbidden: jsonAnswer(403, { message: 'Forbidden' }),
  authorizerFailed: jsonAnswer(500, { message: 'Internal Server Error' }),
  tooLarge: jsonAnswer(413, { message: 'Request Entity Too Large' }),
};

export function answersFor(kind: 'rest' | 'http'): GatewayAnswers {
  return kind === 'rest' ? REST_ANSWERS : HTTP_API_ANSWERS;
}
