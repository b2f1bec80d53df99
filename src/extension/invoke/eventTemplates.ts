// Sample events in the shapes AWS services send them, for Invoke Function... (the event template choice).

export interface EventTemplate {
  id: string;
  label: string;
  description: string;
  build(functionName: string, now: Date): unknown;
}

const REGION = 'us-east-1';
const ACCOUNT = '123456789012';

export const EVENT_TEMPLATES: EventTemplate[] = [
  {
    id: 'apigateway-http',
    label: 'API Gateway (HTTP API)',
    description: 'payload format 2.0',
    build: (_fn, now) => ({
      version: '2.0',
      routeKey: 'GET /hello',
      rawPath: '/hello',
      rawQueryString: 'name=world',
      headers: { accept: 'application/json', host: 'localhost', 'user-agent': 'lambda-dock' },
      queryStringParameters: { name: 'world' },
      requestContext: {
        accountId: ACCOUNT,
        apiId: 'local',
        domainName: 'localhost',
        http: { method: 'GET', path: '/hello', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'lambda-dock' },
        requestId: 'local-request',
        routeKey: 'GET /hello',
        stage: '$default',
        time: now.toUTCString(),
        timeEpoch: now.getTime(),
      },
      isBase64Encoded: false,
    }),
  },
  {
    id: 'apigateway-rest',
    label: 'API Gateway (REST API)',
    description: 'proxy integration',
    build: (_fn, now) => ({
      resource: '/hello',
      path: '/hello',
      httpMethod: 'POST',
      headers: { 'Content-Type': 'application/json' },
      multiValueHeaders: { 'Content-Type': ['application/json'] },
      queryStringParameters: null,
      pathParameters: null,
      stageVariables: null,
      requestContext: {
        accountId: ACCOUNT,
        apiId: 'local',
        httpMethod: 'POST',
        path: '/prod/hello',
        protocol: 'HTTP/1.1',
        requestId: 'local-request',
        requestTimeEpoch: now.getTime(),
        resourcePath: '/hello',
        stage: 'prod',
        identity: { sourceIp: '127.0.0.1', userAgent: 'lambda-dock' },
      },
      body: JSON.stringify({ message: 'hello' }),
      isBase64Encoded: false,
    }),
  },
  {
    id: 's3',
    label: 'S3',
    description: 'ObjectCreated:Put',
    build: (_fn, now) => ({
      Records: [
        {
          eventVersion: '2.1',
          eventSource: 'aws:s3',
          awsRegion: REGION,
          eventTime: now.toISOString(),
          eventName: 'ObjectCreated:Put',
          s3: {
            s3SchemaVersion: '1.0',
            bucket: { name: 'example-bucket', arn: 'arn:aws:s3:::example-bucket' },
            object: { key: 'uploads/example.txt', size: 1024, eTag: 'd41d8cd98f00b204e9800998ecf8427e', sequencer: '0A1B2C3D4E5F678901' },
          },
        },
      ],
    }),
  },
  {
    id: 'sqs',
    label: 'SQS',
    description: 'one message',
    build: (_fn, now) => ({
      Records: [
        {
          messageId: '059f36b4-87a3-44ab-83d2-661975830a7d',
          receiptHandle: 'AQEBwJnKyrHigUMZj6rYigCgxlaS3SLy0a',
          body: JSON.stringify({ hello: 'world' }),
          attributes: {
            ApproximateReceiveCount: '1',
            SentTimestamp: String(now.getTime()),
            SenderId: ACCOUNT,
            ApproximateFirstReceiveTimestamp: String(now.getTime()),
          },
          messageAttributes: {},
          md5OfBody: '49dfdd54b01cbcd2d2ab5e9e5ee6b9b9',
          eventSource: 'aws:sqs',
          eventSourceARN: `arn:aws:sqs:${REGION}:${ACCOUNT}:example-queue`,
          awsRegion: REGION,
        },
      ],
    }),
  },
  {
    id: 'sns',
    label: 'SNS',
    description: 'one notification',
    build: (_fn, now) => ({
      Records: [
        {
          EventVersion: '1.0',
          EventSource: 'aws:sns',
          EventSubscriptionArn: `arn:aws:sns:${REGION}:${ACCOUNT}:example-topic:2bcfbf39-05c3-41de-beaa-fcfcc21c8f55`,
          Sns: {
            Type: 'Notification',
            MessageId: '95df01b4-ee98-5cb9-9903-4c221d41eb5e',
            TopicArn: `arn:aws:sns:${REGION}:${ACCOUNT}:example-topic`,
            Subject: 'example subject',
            Message: 'example message',
            Timestamp: now.toISOString(),
            MessageAttributes: {},
          },
        },
      ],
    }),
  },
  {
    id: 'eventbridge',
    label: 'EventBridge',
    description: 'a custom event',
    build: (_fn, now) => ({
      version: '0',
      id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
      'detail-type': 'Example Event',
      source: 'com.example.app',
      account: ACCOUNT,
      time: now.toISOString().replace(/\.\d+Z$/, 'Z'),
      region: REGION,
      resources: [],
      detail: { hello: 'world' },
    }),
  },
  {
    id: 'dynamodb',
    label: 'DynamoDB Streams',
    description: 'an INSERT record',
    build: () => ({
      Records: [
        {
          eventID: '1',
          eventName: 'INSERT',
          eventVersion: '1.1',
          eventSource: 'aws:dynamodb',
          awsRegion: REGION,
          dynamodb: {
            Keys: { Id: { N: '101' } },
            NewImage: { Id: { N: '101' }, Message: { S: 'New item!' } },
            SequenceNumber: '111',
            SizeBytes: 26,
            StreamViewType: 'NEW_AND_OLD_IMAGES',
          },
          eventSourceARN: `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/ExampleTable/stream/2024-01-01T00:00:00.000`,
        },
      ],
    }),
  },
  {
    id: 'scheduled',
    label: 'Scheduled',
    description: 'EventBridge schedule (cron, rate)',
    build: (functionName, now) => ({
      version: '0',
      id: '53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa',
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      account: ACCOUNT,
      time: now.toISOString().replace(/\.\d+Z$/, 'Z'),
      region: REGION,
      resources: [`arn:aws:events:${REGION}:${ACCOUNT}:rule/${functionName}-schedule`],
      detail: {},
    }),
  },
];

export function eventTemplate(id: string): EventTemplate | undefined {
  return EVENT_TEMPLATES.find((t) => t.id === id);
}
