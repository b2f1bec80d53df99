/**
 * Resolves CloudFormation intrinsic functions (long form; the YAML short tags are turned into it when
 * parsing) where the value can be known locally: parameters and their defaults, pseudo parameters,
 * conditions, mappings, and references to resources in the same template.
 */

/** AWS::NoValue: the property (or list item) is removed. */
export const NO_VALUE = Symbol('AWS::NoValue');

/** A value that only the deployed stack knows, or an intrinsic this resolver does not support. */
export class UnresolvedValue extends Error {
  constructor(message: string, readonly kind: 'unresolved' | 'unsupported' = 'unresolved', readonly fix?: string) {
    super(message);
    this.name = 'UnresolvedValue';
  }
}

export interface IntrinsicContext {
  /** Parameter values (defaults, or overrides). */
  parameters: Record<string, unknown>;
  /** AWS::Region, AWS::AccountId and the rest. */
  pseudo: Record<string, string>;
  /** Logical id -> resource type, for Ref and GetAtt of resources in the template. */
  resourceTypes: Record<string, string>;
  conditions: Record<string, unknown>;
  mappings: Record<string, unknown>;
  /** Every parameter the template declares, with or without a value, for clearer messages. */
  declaredParameters?: Set<string>;
  /** Reads the local file an AWS::Include transform names (its Location), parsed. */
  include?: (location: string) => unknown;
}

const FUNCTION_TYPES = new Set(['AWS::Serverless::Function', 'AWS::Lambda::Function']);
const LAYER_TYPES = new Set(['AWS::Serverless::LayerVersion', 'AWS::Lambda::LayerVersion']);

export function pseudoParameters(stackName: string, regionOverride?: string): Record<string, string> {
  const region = regionOverride || process.env.AWS_REGION || process.env.AWS_DEFAULT_REGION || 'us-east-1';
  return {
    'AWS::Region': region,
    'AWS::AccountId': '123456789012',
    'AWS::StackName': stackName,
    'AWS::StackId': `arn:aws:cloudformation:${region}:123456789012:stack/${stackName}/00000000-0000-0000-0000-000000000000`,
    'AWS::Partition': 'aws',
    'AWS::URLSuffix': 'amazonaws.com',
    'AWS::NotificationARNs': '',
  };
}

/** Resolves every intrinsic in `value`, deeply; throws UnresolvedValue for one that cannot be known. */
export function resolveIntrinsics(value: unknown, ctx: IntrinsicContext): unknown {
  return new Resolver(ctx).resolve(value);
}

/** Evaluates the named condition of the template's Conditions section. */
export function evaluateCondition(name: string, ctx: IntrinsicContext): boolean {
  return new Resolver(ctx).condition(name);
}

class Resolver {
  private readonly evaluating = new Set<string>();

  constructor(private readonly ctx: IntrinsicContext) {}

  resolve(value: unknown): unknown {
    if (Array.isArray(value)) return value.map((v) => this.resolve(v)).filter((v) => v !== NO_VALUE);
    if (!value || typeof value !== 'object') return value;
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 1) {
      const [key, arg] = entries[0];
      if (key === 'Ref' || key === 'Condition' || key.startsWith('Fn::')) return this.intrinsic(key, arg);
    }
    const out: Record<string, unknown> = {};
    for (const [key, v] of entries) {
      const resolved = this.resolve(v);
      if (resolved !== NO_VALUE) out[key] = resolved;
    }
    return out;
  }

  private intrinsic(name: string, arg: unknown): unknown {
    switch (name) {
      case 'Ref': return this.ref(this.string(arg, '!Ref'));
      case 'Condition': return this.condition(this.string(arg, '!Condition'));
      case 'Fn::GetAtt': return this.getAtt(arg);
      case 'Fn::Sub': return this.sub(arg);
      case 'Fn::Join': {
        const [delimiter, list] = this.list(arg, '!Join', 2);
        const items = this.resolve(list);
        if (!Array.isArray(items)) throw new UnresolvedValue('!Join needs a list of values to join');
        return items.map((v) => this.scalarString(v, '!Join')).join(this.string(this.resolve(delimiter), '!Join'));
      }
      case 'Fn::Select': {
        const [index, list] = this.list(arg, '!Select', 2);
        const items = this.resolve(list);
        const i = Number(this.resolve(index));
        if (!Array.isArray(items) || !Number.isInteger(i) || i < 0 || i >= items.length) {
          throw new UnresolvedValue(`!Select index ${String(index)} is outside its list`);
        }
        return items[i];
      }
      case 'Fn::Split': {
        const [delimiter, source] = this.list(arg, '!Split', 2);
        return this.string(this.resolve(source), '!Split').split(this.string(this.resolve(delimiter), '!Split'));
      }
      case 'Fn::If': {
        const [condition, whenTrue, whenFalse] = this.list(arg, '!If', 3);
        return this.condition(this.string(condition, '!If')) ? this.resolve(whenTrue) : this.resolve(whenFalse);
      }
      case 'Fn::Equals': {
        const [a, b] = this.list(arg, '!Equals', 2);
        return JSON.stringify(this.resolve(a)) === JSON.stringify(this.resolve(b));
      }
      case 'Fn::Not': return !this.truthy(this.list(arg, '!Not', 1)[0]);
      case 'Fn::And': return this.list(arg, '!And').every((c) => this.truthy(c));
      case 'Fn::Or': return this.list(arg, '!Or').some((c) => this.truthy(c));
      case 'Fn::FindInMap': {
        const [map, top, second] = this.list(arg, '!FindInMap', 3).map((v) => this.scalarString(this.resolve(v), '!FindInMap'));
        const found = (this.ctx.mappings[map] as Record<string, Record<string, unknown>> | undefined)?.[top]?.[second];
        if (found === undefined) throw new UnresolvedValue(`!FindInMap [${map}, ${top}, ${second}] is not in the template's Mappings`);
        return this.resolve(found);
      }
      case 'Fn::Base64': return Buffer.from(this.string(this.resolve(arg), '!Base64')).toString('base64');
      case 'Fn::GetAZs': {
        const region = this.ctx.pseudo['AWS::Region'];
        return ['a', 'b', 'c'].map((zone) => region + zone);
      }
      case 'Fn::Length': {
        const items = this.resolve(arg);
        if (!Array.isArray(items)) throw new UnresolvedValue('!Length needs a list');
        return items.length;
      }
      case 'Fn::ToJsonString': return JSON.stringify(this.resolve(arg));
      case 'Fn::Transform': return this.transform(arg);
      case 'Fn::ImportValue':
        throw new UnresolvedValue('!ImportValue reads another deployed stack\'s output, which is not known locally');
      default:
        throw new UnresolvedValue(`${name.replace('Fn::', '!')} is not supported locally`, 'unsupported');
    }
  }

  /** AWS::Include of a local file: its content, whose own intrinsics resolve as the template's do. */
  private transform(arg: unknown): unknown {
    const transform = (arg && typeof arg === 'object' ? arg : {}) as { Name?: unknown; Parameters?: { Location?: unknown } };
    if (transform.Name !== 'AWS::Include' || !this.ctx.include) {
      throw new UnresolvedValue(`Fn::Transform ${String(transform.Name)} is a macro run by CloudFormation, not locally`, 'unsupported', 'inline what it would produce');
    }
    const location = this.string(this.resolve(transform.Parameters?.Location), 'AWS::Include Location');
    if (/^s3:\/\/|^https?:\/\//.test(location)) {
      throw new UnresolvedValue(`AWS::Include of ${location} cannot be read locally`, 'unsupported', 'point Location at the file in the workspace (a relative path), as sam build accepts');
    }
    return this.resolve(this.ctx.include(location));
  }

  private ref(name: string): unknown {
    if (name === 'AWS::NoValue') return NO_VALUE;
    if (Object.prototype.hasOwnProperty.call(this.ctx.parameters, name)) return this.ctx.parameters[name];
    if (Object.prototype.hasOwnProperty.call(this.ctx.pseudo, name)) return this.ctx.pseudo[name];
    // As sam local does: a resource's Ref is its logical id (a function's name, a layer we can attach).
    if (Object.prototype.hasOwnProperty.call(this.ctx.resourceTypes, name)) return name;
    const declared = this.ctx.declaredParameters?.has(name);
    if (declared) throw new UnresolvedValue(`parameter ${name} has no Default`, 'unresolved', `give parameter ${name} a Default, or pass a value for it as a parameter override`);
    throw new UnresolvedValue(`!Ref ${name} names no parameter or resource in this template`, 'unresolved', `fix the name, or use a literal value`);
  }

  private getAtt(arg: unknown): unknown {
    const parts = typeof arg === 'string' ? arg.split('.') : this.list(arg, '!GetAtt', 2).map((v) => this.scalarString(this.resolve(v), '!GetAtt'));
    const [resource, attribute] = [parts[0], parts.slice(1).join('.')];
    const type = this.ctx.resourceTypes[resource];
    if (!type) throw new UnresolvedValue(`!GetAtt ${resource}.${attribute} names no resource in this template`);
    const { 'AWS::Region': region, 'AWS::AccountId': account } = this.ctx.pseudo;
    if (FUNCTION_TYPES.has(type) && attribute === 'Arn') return `arn:aws:lambda:${region}:${account}:function:${resource}`;
    if (LAYER_TYPES.has(type) && attribute === 'Arn') return resource;
    throw new UnresolvedValue(`!GetAtt ${resource}.${attribute} is only known once the stack is deployed`, 'unresolved', 'use a literal value (for example a local endpoint or a test resource\'s ARN)');
  }

  private sub(arg: unknown): string {
    let template: string;
    let variables: Record<string, unknown> = {};
    if (typeof arg === 'string') {
      template = arg;
    } else {
      const [t, vars] = this.list(arg, '!Sub', 2);
      template = this.string(t, '!Sub');
      variables = (vars && typeof vars === 'object' ? vars : {}) as Record<string, unknown>;
    }
    return template.replace(/\$\{(!?)([^}]*)\}/g, (_match, literal: string, name: string) => {
      if (literal) return '${' + name + '}';
      const key = name.trim();
      if (Object.prototype.hasOwnProperty.call(variables, key)) return this.scalarString(this.resolve(variables[key]), '!Sub');
      if (key.includes('.') && !key.startsWith('AWS::')) return this.scalarString(this.getAtt(key), '!Sub');
      return this.scalarString(this.ref(key), '!Sub');
    });
  }

  condition(name: string): boolean {
    if (!Object.prototype.hasOwnProperty.call(this.ctx.conditions, name)) {
      throw new UnresolvedValue(`condition ${name} is not in the template's Conditions`);
    }
    if (this.evaluating.has(name)) throw new UnresolvedValue(`condition ${name} refers to itself`);
    this.evaluating.add(name);
    try {
      return this.truthy(this.ctx.conditions[name]);
    } finally {
      this.evaluating.delete(name);
    }
  }

  private truthy(value: unknown): boolean {
    const resolved = this.resolve(value);
    if (typeof resolved === 'boolean') return resolved;
    if (resolved === 'true' || resolved === 'false') return resolved === 'true';
    throw new UnresolvedValue(`a condition must be true or false, not ${JSON.stringify(resolved)}`);
  }

  private list(arg: unknown, fn: string, length?: number): unknown[] {
    if (!Array.isArray(arg) || (length !== undefined && arg.length < length)) {
      throw new UnresolvedValue(`${fn} needs a list${length ? ` of ${length} values` : ''}`);
    }
    return arg;
  }

  private string(value: unknown, fn: string): string {
    if (typeof value !== 'string') throw new UnresolvedValue(`${fn} needs a string here, not ${JSON.stringify(value)}`);
    return value;
  }

  private scalarString(value: unknown, fn: string): string {
    if (typeof value === 'string') return value;
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    if (Array.isArray(value)) return value.join(',');
    throw new UnresolvedValue(`${fn} needs a plain value here, not ${JSON.stringify(value)}`);
  }
}
