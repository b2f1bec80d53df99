class ValidationError extends Error {
  constructor(message) {
    super(message);
    this.name = 'ValidationError';
  }
}

exports.handler = async (event) => {
  console.log('validating', JSON.stringify(event));
  if (!event.orderId) throw new ValidationError('orderId is required');
  return { accepted: event.orderId };
};
