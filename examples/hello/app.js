exports.handler = async (event, context) => {
  console.log('hello from', context.functionName, 'with', JSON.stringify(event));
  return { statusCode: 200, body: JSON.stringify({ message: `${process.env.GREETING ?? "hello"} ${event.name ?? "world"}` }) };
};
