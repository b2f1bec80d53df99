import { lambdaFunctionName, type FunctionDefinition } from '../functions/definition';
import { loggingEnvironment } from '../functions/logging';

export interface InstanceEnvironmentInput {
  definition: FunctionDefinition;
  instanceId: string;
  runtimeApi: string;
  region: string;
  taskRoot: string;
  /** Credentials and settings from the host that functions expect to find (AWS_ACCESS_KEY_ID and so on). */
  hostEnv: NodeJS.ProcessEnv;
}

const PASSED_THROUGH = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN'];

/** The environment Lambda gives a function's runtime, then the function's own variables. */
export function instanceEnvironment(input: InstanceEnvironmentInput): Record<string, string> {
  const { definition, instanceId, region } = input;
  const date = new Date().toISOString().slice(0, 10).replace(/-/g, '/');
  const functionName = lambdaFunctionName(definition);
  const env: Record<string, string> = {
    AWS_LAMBDA_FUNCTION_NAME: functionName,
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(definition.memorySizeMB),
    AWS_LAMBDA_LOG_GROUP_NAME: definition.logging?.logGroup ?? `/aws/lambda/${functionName}`,
    AWS_LAMBDA_LOG_STREAM_NAME: `${date}/[$LATEST]${instanceId.padEnd(32, '0')}`,
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    AWS_LAMBDA_RUNTIME_API: input.runtimeApi,
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
    LAMBDA_TASK_ROOT: input.taskRoot,
    LAMBDA_RUNTIME_DIR: '/var/runtime',
    TZ: ':UTC',
    ...loggingEnvironment(definition.logging),
  };
  if (definition.handler) env._HANDLER = definition.handler;
  if (definition.runtime) env.AWS_EXECUTION_ENV = `AWS_Lambda_${definition.runtime}`;
  for (const name of PASSED_THROUGH) {
    const value = input.hostEnv[name];
    if (value) env[name] = value;
  }
  return { ...env, ...definition.environment };
}
