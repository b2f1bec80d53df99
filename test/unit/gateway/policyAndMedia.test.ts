import * as assert from 'node:assert/strict';
import { policyAllows } from '../../../src/core/gateway/authorizerPolicy';
import { isBinaryMediaType, isTextContentType } from '../../../src/core/gateway/gatewayRequest';

const ARN = 'arn:aws:execute-api:us-east-1:000000000000:Api/Prod/GET/orders/42';
const policy = (...statements: unknown[]) => ({ Version: '2012-10-17', Statement: statements });

describe('authorizer policies and media types', () => {
  it('an Allow whose Resource matches (wildcards included) allows; a matching Deny wins; no match denies', () => {
    assert.equal(policyAllows(policy({ Effect: 'Allow', Action: 'execute-api:Invoke', Resource: ARN }), ARN), true);
    assert.equal(policyAllows(policy({ Effect: 'Allow', Action: 'execute-api:*', Resource: ['arn:aws:execute-api:*:*:Api/*/GET/orders/*'] }), ARN), true);
    assert.equal(policyAllows(policy({ Effect: 'Allow', Action: 'execute-api:Invoke', Resource: '*' }, { Effect: 'Deny', Action: 'execute-api:Invoke', Resource: ARN }), ARN), false);
    assert.equal(policyAllows(policy({ Effect: 'Allow', Action: 'execute-api:Invoke', Resource: 'arn:aws:execute-api:*:*:Api/*/POST/*' }), ARN), false);
    assert.equal(policyAllows(policy({ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }), ARN), false);
    assert.equal(policyAllows({ Statement: { Effect: 'Allow', Action: 'execute-api:Invoke', Resource: ARN } }, ARN), true, 'a single statement object');
    assert.equal(policyAllows(undefined, ARN), undefined, 'not a policy');
    assert.equal(policyAllows({ Statement: [] }, ARN), undefined);
  });

  it('BinaryMediaTypes match exactly, by major type wildcard, or */*; HTTP APIs read text types as text', () => {
    assert.equal(isBinaryMediaType('image/png', ['image/png']), true);
    assert.equal(isBinaryMediaType('image/jpeg; q=1', ['image/*']), true);
    assert.equal(isBinaryMediaType('application/pdf', ['*/*']), true);
    assert.equal(isBinaryMediaType('text/html,image/png', ['image/png']), true, 'an Accept list');
    assert.equal(isBinaryMediaType('application/json', ['image/png']), false);
    assert.equal(isBinaryMediaType(undefined, ['*/*']), false);
    assert.equal(isTextContentType('application/vnd.api+json'), true);
    assert.equal(isTextContentType('application/octet-stream'), false);
  });
});
