import * as assert from 'node:assert/strict';
import { NO_VALUE, resolveIntrinsics, UnresolvedValue, type IntrinsicContext } from '../../../src/core/workspace/intrinsics';
import { parseYaml } from '../../../src/core/workspace/yamlSource';

const ctx: IntrinsicContext = {
  parameters: { Stage: 'dev', Names: ['a', 'b'] },
  pseudo: { 'AWS::Region': 'eu-west-1', 'AWS::AccountId': '123456789012' },
  resourceTypes: { Fn: 'AWS::Serverless::Function', Table: 'AWS::DynamoDB::Table' },
  conditions: { IsDev: { 'Fn::Equals': [{ Ref: 'Stage' }, 'dev'] }, Both: { 'Fn::And': [{ Condition: 'IsDev' }, { 'Fn::Not': [{ Condition: 'IsDev' }] }] } },
  mappings: { M: { dev: { Size: 3 } } },
};

function resolveYaml(text: string): unknown {
  const source = parseYaml(text);
  assert.deepEqual(source.errors, []);
  return resolveIntrinsics(source.value, ctx);
}

describe('intrinsic functions', () => {
  it('turns the short tags into their long form', () => {
    const source = parseYaml('a: !Ref X\nb: !GetAtt A.B.C\nc: !Join [",", [!Ref Y, z]]\nd: !Sub\n  - "${v}"\n  - v: 1\n');
    assert.deepEqual(source.value, {
      a: { Ref: 'X' },
      b: { 'Fn::GetAtt': ['A', 'B.C'] },
      c: { 'Fn::Join': [',', [{ Ref: 'Y' }, 'z']] },
      d: { 'Fn::Sub': ['${v}', { v: 1 }] },
    });
  });

  it('resolves Ref, Sub, Join, Select, Split, If, FindInMap, GetAtt, Base64 and conditions', () => {
    assert.deepEqual(resolveYaml([
      'ref: !Ref Stage',
      'sub: !Sub "${Stage}-${AWS::Region}-${!Literal}"',
      'subVars: !Sub ["${A}/${Fn}", {A: !Ref Stage}]',
      'join: !Join ["-", !Ref Names]',
      'select: !Select [1, !Split [",", "x,y,z"]]',
      'if: !If [IsDev, yes, no]',
      'noValue: !If [IsDev, !Ref AWS::NoValue, kept]',
      'list: [a, !If [IsDev, !Ref AWS::NoValue, b], c]',
      'map: !FindInMap [M, !Ref Stage, Size]',
      'arn: !GetAtt Fn.Arn',
      'b64: !Base64 hi',
      'both: !If [Both, 1, 2]',
      'resource: !Ref Table',
    ].join('\n')), {
      ref: 'dev',
      sub: 'dev-eu-west-1-${Literal}',
      subVars: 'dev/Fn',
      join: 'a-b',
      select: 'y',
      if: 'yes',
      list: ['a', 'c'],
      map: 3,
      arn: 'arn:aws:lambda:eu-west-1:123456789012:function:Fn',
      b64: 'aGk=',
      both: 2,
      resource: 'Table',
    });
  });

  it('refuses what only the deployed stack knows, saying why', () => {
    const unresolved = (text: string, pattern: RegExp, kind = 'unresolved') => assert.throws(() => resolveYaml(text), (e: unknown) => e instanceof UnresolvedValue && pattern.test(e.message) && e.kind === kind);
    unresolved('x: !GetAtt Table.Arn', /only known once the stack is deployed/);
    unresolved('x: !ImportValue Shared', /another deployed stack/);
    unresolved('x: !Ref Missing', /names no parameter or resource/);
    unresolved('x: !If [Nope, a, b]', /condition Nope is not in the template's Conditions/);
    unresolved('x: !Cidr [a, 1, 2]', /!Cidr is not supported locally/, 'unsupported');
  });

  it('has a marker for AWS::NoValue at the top', () => {
    assert.equal(resolveIntrinsics({ Ref: 'AWS::NoValue' }, ctx), NO_VALUE);
  });
});
